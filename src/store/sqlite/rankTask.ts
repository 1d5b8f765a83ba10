import type Database from 'better-sqlite3';
import { BM25_WEIGHTS } from './compileQuery.js';

/**
 * One bm25 pass over a range of message numbers: the `limit` best matches of `expression` whose
 * number is in [from, to] and, when a bitmap is given, marked in it. Run by the search itself and
 * by the rank worker on the other half of the range (rankPool.ts), so both halves score alike.
 */
export interface RankTask {
  readonly expression: string;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  /** One byte per message number, 1 when in the result (a SharedArrayBuffer between threads). */
  readonly bitmap: Uint8Array | null;
}

export interface RankedRow {
  readonly id: number;
  readonly key: number;
}

const W = BM25_WEIGHTS.join(', ');

/** The SQL function epistola_in_result(rowid), registered once per connection, reading the bitmap set last. */
const inResult = new WeakMap<Database.Database, { bitmap: Uint8Array }>();

function inResultOf(db: Database.Database): { bitmap: Uint8Array } {
  let state = inResult.get(db);
  if (!state) {
    const current = { bitmap: new Uint8Array(0) };
    db.function('epistola_in_result', { deterministic: false, directOnly: true }, (id) => current.bitmap[id as number] ?? 0);
    inResult.set(db, (state = current));
  }
  return state;
}

export function runRankTask(db: Database.Database, task: RankTask): RankedRow[] {
  // A bitmap is asked through a function inside the same pass: a second query per candidate batch
  // cost up to three bm25 passes; `rowid IN (…)` on FTS5 took seconds (measured).
  if (task.bitmap) inResultOf(db).bitmap = task.bitmap;
  const sql = `SELECT rowid AS id, bm25(messages_fts, ${W}) AS key FROM messages_fts
    WHERE messages_fts MATCH ? AND rowid >= ? AND rowid <= ? ${task.bitmap ? 'AND epistola_in_result(rowid)' : ''} ORDER BY key, rowid LIMIT ?`;
  return db.prepare(sql).all(task.expression, task.from, task.to, task.limit) as RankedRow[];
}

/** The `limit` best of two ranked lists (bm25: lower is better; ties by number). */
export function mergeRanked(a: readonly RankedRow[], b: readonly RankedRow[], limit: number): RankedRow[] {
  return [...a, ...b].sort((x, y) => x.key - y.key || x.id - y.id).slice(0, limit);
}
