import { signBytes, verifyBytes, type CollectionKey } from './collectionKey.js';
import { sha256Of } from './manifest.js';
import type { AmendmentEntry, SignedAmendment } from '../model/amendment.js';

/**
 * The amendment log: each entry says what changed in published messages (taken down, redacted,
 * put back), when and why, and chains to the previous entry; it is signed with the collection key,
 * so a reader (or a mirror) can check that the publisher, and nobody else, changed something, and
 * that no entry was dropped.
 */

export type { AmendedSpan, AmendmentAction, AmendmentEntry, SignedAmendment } from '../model/amendment.js';

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
