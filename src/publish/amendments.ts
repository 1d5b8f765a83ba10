import { signBytes, verifyBytes, type CollectionKey } from './collectionKey.js';
import { sha256Of } from './manifest.js';

/**
 * The amendment log: each entry says what changed in published messages (taken down, redacted,
 * put back), when and why, and chains to the previous entry; it is signed with the collection key,
 * so a reader (or a mirror) can check that the publisher, and nobody else, changed something, and
 * that no entry was dropped.
 */

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

export function signAmendment(key: CollectionKey, entry: AmendmentEntry): SignedAmendment {
  const json = JSON.stringify(entry);
  return { entry, json, signature: signBytes(key, Buffer.from(json)) };
}

/** Checks every signature and the chain; returns the problems found (empty when the log is intact). */
export function checkAmendmentLog(log: readonly SignedAmendment[], publicKeyPem: string): string[] {
  const problems: string[] = [];
  let previous: string | null = null;
  for (const a of log) {
    if (!verifyBytes(publicKeyPem, Buffer.from(a.json), a.signature)) problems.push(`entry ${a.entry.seq}: bad signature`);
    if (a.entry.previous !== previous) problems.push(`entry ${a.entry.seq}: does not follow entry ${a.entry.seq - 1}`);
    previous = sha256Of(a.json);
  }
  return problems;
}
