import type { Release } from '../model/release.js';

/**
 * When a release may be made public, the same for every store: it must exist, hold messages, and not
 * be public already (a published release never changes: readers and mirrors have it). A refusal is
 * a value with its reason, so the command line can print it, or give it as JSON.
 */
export type PublishRefusal =
  | { readonly refused: 'no-such-release'; readonly number: number }
  | { readonly refused: 'already-published'; readonly number: number; readonly publishedAt: string }
  | { readonly refused: 'no-messages'; readonly number: number };

/** Why `current` (the release numbered `number`, if there is one) may not be published now; null when it may. */
export function publishRefusal(number: number, current: Release | undefined): PublishRefusal | null {
  if (!current) return { refused: 'no-such-release', number };
  if (current.published) return { refused: 'already-published', number, publishedAt: current.publishAt ?? '' };
  if (current.messages === 0) return { refused: 'no-messages', number };
  return null;
}

export function isPublishRefusal(result: Release | PublishRefusal): result is PublishRefusal {
  return 'refused' in result;
}

/** The refusal in a sentence. */
export function describeRefusal(refusal: PublishRefusal): string {
  switch (refusal.refused) {
    case 'no-such-release':
      return `there is no release ${refusal.number}`;
    case 'already-published':
      return `release ${refusal.number} was published on ${refusal.publishedAt}: a published release cannot change`;
    case 'no-messages':
      return `release ${refusal.number} has no messages`;
  }
}
