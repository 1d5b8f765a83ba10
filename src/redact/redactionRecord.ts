/**
 * A message's redaction as the store keeps it: the private part (salts, removed bytes, the original's
 * hash) for the publisher only, and the public notice every page, API and export shows.
 */

/** One removed span, privately: what `redact --reveal` discloses. */
export interface PrivateSpan {
  readonly span: number;
  readonly where: string;
  readonly by: string;
  readonly commitment: string;
  /** hex */
  readonly salt: string;
  /** base64 of the exact bytes removed */
  readonly removed: string;
  readonly reason: string;
  readonly at: string;
}

/** One removed span, as the public sees it: where, why, and the commitment; never the bytes. */
export interface PublicSpan {
  readonly span: number;
  readonly where: string;
  readonly commitment: string;
  readonly reason: string;
  readonly at: string;
}

/** A leaf of the part tree: a header block, a part's decoded content, or a span's commitment. */
export interface PartLeaf {
  readonly label: string;
  readonly sha256: string;
}

export interface RedactionNotice {
  readonly spans: readonly PublicSpan[];
  /** Top-level header fields that were changed, and those of them a DKIM signature covers. */
  readonly headersTouched: readonly string[];
  readonly signedHeadersTouched: readonly string[];
  /** What the publisher's verification of the unredacted message found, and when. */
  readonly publisherVerdict: string | null;
  readonly publisherCheckedAt: string | null;
  /** Whether the published (redacted) headers still verify with the archived key. */
  readonly headersProven: boolean;
  /** The header fields that signature covers (lower case), when one does. */
  readonly provenHeaders?: readonly string[];
  /** bh= of the signature that proves the headers, when one does. */
  readonly bodyHash: string | null;
  /** Set when the publisher replaced the published bytes with a corrected rendering (`epistola correct`). */
  readonly correction?: { readonly reason: string; readonly at: string; readonly originalSha256: string };
  /** Per-message hash tree over the published parts and the commitments (redact/partTree.ts). */
  readonly leaves: readonly PartLeaf[];
  readonly root: string;
}

export interface RedactionRecord {
  readonly message: number;
  readonly originalSha256: string;
  readonly originalSize: number;
  readonly redactedAt: string;
  readonly spans: readonly PrivateSpan[];
  readonly notice: RedactionNotice;
}

/** One line of `redact --list`. */
export interface RedactionSummary {
  readonly message: number;
  readonly spans: number;
  readonly redactedAt: string;
  readonly reasons: readonly string[];
}

export function summaryOfRedaction(r: RedactionRecord): RedactionSummary {
  return { message: r.message, spans: r.spans.length, redactedAt: r.redactedAt, reasons: [...new Set(r.spans.map((s) => s.reason))] };
}
