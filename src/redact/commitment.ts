import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Redaction commitments. Each removed span is replaced in the public message by a marker that
 * holds sha256(salt ‖ removed bytes), with a random 32-byte salt per span kept in the private
 * store. The salt makes the commitment hiding (a phone number cannot be found by hashing every
 * phone number); the hash makes it binding (the publisher cannot later claim other bytes were
 * removed). Revealing salt and bytes lets anyone check the claim (verify-redaction).
 */

export const SALT_BYTES = 32;

export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

export function commitmentOf(salt: Uint8Array, removed: Uint8Array): string {
  return createHash('sha256').update(salt).update(removed).digest('hex');
}

/** The text that stands in the public message for span `span`: ASCII only, so it survives every charset. */
export function markerText(span: number, commitment: string): string {
  return `[REDACTED ${span} sha256:${commitment}]`;
}

/** Finds the markers in a text (a page, a downloaded message): span number and commitment of each. */
export const MARKER_PATTERN = /\[REDACTED (\d+) sha256:([0-9a-f]{64})\]/g;

export function markersIn(text: string): Array<{ span: number; commitment: string }> {
  return [...text.matchAll(MARKER_PATTERN)].map((m) => ({ span: Number(m[1]), commitment: m[2]! }));
}

/** What `redact --reveal` prints and `verify-redaction` checks: enough for a third party, nothing more. */
export interface Revelation {
  readonly format: 'epistola-redaction-reveal/1';
  readonly message: number;
  readonly span: number;
  readonly where: string;
  readonly commitment: string;
  /** hex */
  readonly salt: string;
  /** base64 of the exact bytes removed */
  readonly removed: string;
  /** The removed bytes as text, when they are UTF-8 (for people; the check uses `removed`). */
  readonly text: string | null;
}

export function checkRevelation(r: Revelation): { readonly ok: boolean; readonly computed: string } {
  const computed = commitmentOf(Buffer.from(r.salt, 'hex'), Buffer.from(r.removed, 'base64'));
  const ok = /^[0-9a-f]{64}$/.test(r.commitment) && timingSafeEqual(Buffer.from(computed, 'hex'), Buffer.from(r.commitment, 'hex'));
  return { ok, computed };
}

/** sha256 of two child hashes: the inner nodes of a part tree. */
function pair(left: string, right: string): string {
  return createHash('sha256').update(Buffer.from(left, 'hex')).update(Buffer.from(right, 'hex')).digest('hex');
}

/**
 * The root of a binary hash tree over leaf hashes (hex), an odd node carried up unchanged; leaves are
 * prefixed with their position so that no two trees of different shape share a root.
 */
export function treeRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return createHash('sha256').digest('hex');
  let level = leaves.map((leaf, i) => createHash('sha256').update(`${i}:`).update(Buffer.from(leaf, 'hex')).digest('hex'));
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? pair(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}
