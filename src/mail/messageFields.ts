import type { ParseWarning } from './warnings.js';

/**
 * The fields of a message shared by every stage: what the parser produces and what the store
 * keeps. Stages add what is theirs (attachment contents in parse/, blob sizes and hashes in store/).
 */

/** One mailbox: display name (decoded) and address as written. */
export interface Address {
  readonly name: string;
  readonly address: string;
}

/** Names and addresses as one string, for a full-text index (the live one and the static copy's). */
export function addressText(list: readonly (Address | null)[]): string {
  return list
    .filter((a): a is Address => a !== null)
    .map((a) => `${a.name} ${a.address}`.trim())
    .join(' ');
}

export interface AttachmentFields {
  readonly index: number;
  readonly filename: string | null;
  readonly contentType: string;
  readonly inline: boolean;
  readonly contentId: string | null;
  /** Of the decoded content: the attachment's blob name. */
  readonly sha256: string;
  /** For message/rfc822 parts: the attached message's subject, to list it without opening it. */
  readonly embeddedSubject: string | null;
}

export interface MessageFields {
  /** Normalised, without angle brackets. */
  readonly messageId: string | null;
  readonly subject: string | null;
  /** Milliseconds since the epoch (UTC), or null when Date is missing or unreadable. */
  readonly dateUtc: number | null;
  /** The Date header exactly as written (unfolded). */
  readonly dateHeader: string | null;
  readonly from: Address | null;
  readonly sender: Address | null;
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  readonly bcc: readonly Address[];
  readonly replyTo: readonly Address[];
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly text: string | null;
  /** Untrusted: sanitised when rendered, never when stored. */
  readonly html: string | null;
  /** Text of attached messages (subject, from, body), for the full-text index only. */
  readonly embeddedText: string;
  /** True when only the header block could be parsed (see warnings for why). */
  readonly headersOnly: boolean;
  readonly warnings: readonly ParseWarning[];
}
