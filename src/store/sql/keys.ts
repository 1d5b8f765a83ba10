import type { KeyUse } from '../../model/stats.js';
import type { KeyRecord, KeySighting } from '../../verify/keyRecord.js';
import type { SqlDriver } from './driver.js';

/** What the key archive's pages and commands ask of the signatures table, in both stores. */

const uses = (rows: ReadonlyArray<{ key_name: string; n: number }>): KeyUse[] => rows.map((r) => ({ name: r.key_name, messages: Number(r.n) }));

/** Messages signed with each key name that `visible` (SQL over `messages`) lets through, by name. */
export async function keyUsesOf(d: SqlDriver, visible: string): Promise<KeyUse[]> {
  return uses(
    await d.all(
      `SELECT key_name, count(DISTINCT message) AS n FROM signatures WHERE key_name IS NOT NULL AND message IN (SELECT id FROM messages WHERE ${visible})
       GROUP BY key_name ORDER BY key_name`,
    ),
  );
}

/** Key names signatures needed and the archive does not hold, most used first (`keys fetch`). */
export async function missingKeysOf(d: SqlDriver): Promise<KeyUse[]> {
  return uses(
    await d.all(`SELECT key_name, count(DISTINCT message) AS n FROM signatures WHERE outcome = 'key-unavailable' AND key_name IS NOT NULL
       AND key_name NOT IN (SELECT name FROM dkim_keys) GROUP BY key_name ORDER BY 2 DESC, 1`),
  );
}

/** The messages with a signature naming one of these keys, in number order. */
export async function messagesSignedWithOf(d: SqlDriver, names: readonly string[]): Promise<number[]> {
  const rows = await d.all<{ message: number }>(`SELECT DISTINCT message FROM signatures WHERE ${d.dialect.textIn('key_name')} ORDER BY message`, [
    d.dialect.textsParam(names),
  ]);
  return rows.map((r) => Number(r.message));
}

/** Every archived key record with each place and time it was seen, by name. */
export async function keyRecordsOf(d: SqlDriver): Promise<KeyRecord[]> {
  const rows = await d.all<{ id: number; name: string; record: string; source: string; seen: string }>(
    'SELECT k.id, k.name, k.record, s.source, s.seen FROM dkim_keys k JOIN dkim_key_sightings s ON s.key = k.id ORDER BY k.name, k.id, s.seen, s.source',
  );
  const byId = new Map<number, { name: string; record: string; sightings: KeySighting[] }>();
  for (const r of rows) {
    const key = byId.get(r.id) ?? { name: r.name, record: r.record, sightings: [] };
    key.sightings.push({ source: r.source, seen: r.seen });
    byId.set(r.id, key);
  }
  return [...byId.values()];
}
