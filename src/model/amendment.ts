/** The signed log of changes to published messages (publish/amendments.ts signs and checks it). */

/**
 * withdraw: taken down; restore: a withdrawal or a redaction undone; redact: spans taken out (the
 * entry names each span's commitment); correct: the publisher's own text about a message (a release
 * note's wrong attribution) corrected.
 */
export type AmendmentAction = 'withdraw' | 'restore' | 'redact' | 'correct';

/** A redacted span as the log names it: the commitment binds the publisher to what was removed. */
export interface AmendedSpan {
  readonly message: number;
  readonly span: number;
  readonly where: string;
  readonly commitment: string;
}

export interface AmendmentEntry {
  readonly seq: number;
  readonly action: AmendmentAction;
  readonly messages: readonly number[];
  readonly reason: string;
  readonly at: string;
  /** sha256 of the previous entry's JSON; null for the first. */
  readonly previous: string | null;
  /** sha256 of each message's raw bytes as published after this entry (absent in entries before schema 11). */
  readonly sha256?: Readonly<Record<string, string>>;
  /** redact: the spans taken out. */
  readonly spans?: readonly AmendedSpan[];
  /** restore: what is undone. */
  readonly restores?: 'withdrawal' | 'redaction';
}

export interface SignedAmendment {
  readonly entry: AmendmentEntry;
  /** The exact signed bytes (JSON of the entry). */
  readonly json: string;
  readonly signature: string;
}
