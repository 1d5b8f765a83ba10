import { signBytes, verifyBytes, type CollectionKey } from './collectionKey.js';
import { sha256Of } from './manifest.js';

/**
 * The amendment log: each entry says which published messages were taken down, when and why, and
 * chains to the previous entry; it is signed with the collection key, so a reader (or a mirror)
 * can check that the publisher, and nobody else, removed something, and that no entry was dropped.
 */

export interface AmendmentEntry {
  readonly seq: number;
  readonly action: 'withdraw';
  readonly messages: readonly number[];
  readonly reason: string;
  readonly at: string;
  /** sha256 of the previous entry's JSON; null for the first. */
  readonly previous: string | null;
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
