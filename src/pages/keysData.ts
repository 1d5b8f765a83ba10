import type { KeyReader } from '../store/archiveStore.js';
import { keyFacts } from '../verify/keyRecord.js';

/** The key archive's page (live and static): every record with what it is and how many visible messages it signed. */
export async function keyRows(store: KeyReader) {
  const uses = new Map((await store.keyUses()).map((u) => [u.name, u.messages]));
  return (await store.keyRecords()).map((key) => ({ ...key, facts: keyFacts(key), messages: uses.get(key.name) ?? 0 }));
}
