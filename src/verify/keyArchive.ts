import { keyFacts, type KeyFacts, type KeyRecord } from './keyRecord.js';

/**
 * The key archive in memory, as the verifier's DNS: every record of a name, best first. Records of
 * the same name and text are merged (their sightings joined), so one key seen by DNS and in a file
 * is one key with two sightings.
 */
export class KeyArchive {
  readonly #byName = new Map<string, Array<{ key: KeyRecord; facts: KeyFacts }>>();

  constructor(records: Iterable<KeyRecord>) {
    const merged = new Map<string, KeyRecord>();
    for (const r of records) {
      const id = `${r.name}\n${r.record}`;
      const known = merged.get(id);
      merged.set(id, known ? { ...known, sightings: [...known.sightings, ...r.sightings] } : r);
    }
    for (const key of merged.values()) {
      const list = this.#byName.get(key.name) ?? [];
      list.push({ key, facts: keyFacts(key) });
      this.#byName.set(key.name, list);
    }
    // Usable keys first, then the most recently seen: the retry in verifyMessage tries the others.
    for (const list of this.#byName.values()) {
      list.sort((a, b) => Number(a.facts.revoked) - Number(b.facts.revoked) || (b.facts.lastSeen ?? '').localeCompare(a.facts.lastSeen ?? ''));
    }
  }

  /** Every record of a name, best first. */
  candidates(name: string): ReadonlyArray<{ key: KeyRecord; facts: KeyFacts }> {
    return this.#byName.get(name.toLowerCase().replace(/\.$/, '')) ?? [];
  }
}
