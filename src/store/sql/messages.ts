import type { SourceState } from '../../model/ingest.js';
import { one, type SqlDriver } from './driver.js';

/** Reads of the messages table that are the same SQL in both stores. `visible`: the embargo rule over the alias named. */

export async function messageCountOf(d: SqlDriver): Promise<number> {
  return Number((await one<{ n: number }>(d, 'SELECT count(*) AS n FROM messages'))!.n);
}

/** Where an ingest of this source got to (resume), if it was read before. */
export async function sourceStateOf(d: SqlDriver, key: string): Promise<SourceState | undefined> {
  const row = await one<{ cursor: string | null; fingerprint: string | null; done: number }>(d, 'SELECT cursor, fingerprint, done FROM sources WHERE key = ?', [
    key,
  ]);
  return row ? { key, cursor: row.cursor, fingerprint: row.fingerprint, done: Number(row.done) === 1 } : undefined;
}

/** How many messages hold each word (term_docs, refreshed after each ingest); words in none are left out. */
export async function wordCountsOf(d: SqlDriver, words: readonly string[]): Promise<ReadonlyMap<string, number>> {
  const rows = await d.all<{ term: string; docs: number }>(`SELECT term, docs FROM term_docs WHERE ${d.dialect.textIn('term')}`, [d.dialect.textsParam(words)]);
  return new Map(rows.map((r) => [r.term, Number(r.docs)]));
}

/** A visible message's raw blob: its hash and size, nothing else (what a raw download needs). `visible` over `messages`. */
export async function rawBlobOf(d: SqlDriver, id: number, visible: string): Promise<{ sha256: string; size: number } | undefined> {
  const row = await one<{ sha256: string; size: number }>(d, `SELECT sha256, size FROM messages WHERE id = ? AND ${visible}`, [id]);
  return row ? { sha256: row.sha256, size: Number(row.size) } : undefined;
}

/** Every visible message's number, or a release's, in number order. `visible` over `m`. */
export async function messageIdsOf(d: SqlDriver, visible: string, release?: number): Promise<number[]> {
  const where = `${visible}${release === undefined ? '' : ' AND m.release_number = ?'}`;
  const rows = await d.all<{ id: number }>(`SELECT id FROM messages m WHERE ${where} ORDER BY id`, release === undefined ? [] : [release]);
  return rows.map((r) => Number(r.id));
}

/** The newest visible messages' numbers (undated last). `visible` over `messages`. */
export async function latestIdsOf(d: SqlDriver, visible: string, limit: number): Promise<number[]> {
  const rows = await d.all<{ id: number }>(`SELECT id FROM messages WHERE ${visible} ORDER BY date_utc IS NULL, date_utc DESC, id DESC LIMIT ?`, [limit]);
  return rows.map((r) => Number(r.id));
}
