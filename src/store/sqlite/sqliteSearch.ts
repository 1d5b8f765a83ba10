import type Database from 'better-sqlite3';
import type { QueryNode } from '../../query/ast.js';
import type { MessageSummary, SearchOptions, SearchResult, SnippetPart } from '../archiveStore.js';
import { BM25_WEIGHTS, compileQuery, type CompiledQuery } from './compileQuery.js';
import { FacetIndex, type FacetMessageRow } from '../facetIndex.js';
import { decodeCursor, pageOf, HIT_END, HIT_START, snippetParts } from '../searchPages.js';

type Summaries = (ids: readonly number[]) => MessageSummary[];

const W = BM25_WEIGHTS.join(', ');
/** `messages m` read through the narrow covering index (schema 4), never the wide rows. */
const M = 'messages m INDEXED BY messages_narrow';

/** The rows the in-memory facet index is built from (read through covering indexes). */
export function facetIndexSqlite(db: Database.Database): FacetIndex {
  const messages = (db.prepare(`SELECT id, from_addr, date_utc, folder, release_number, dkim_verdict FROM messages INDEXED BY messages_narrow`).raw().all() as unknown[][]).map(
    ([id, from, dateUtc, folder, release, verdict]): FacetMessageRow => ({ id: id as number, from: from as string | null, dateUtc: dateUtc as number | null, folder: folder as string, release: release as number | null, verdict: verdict as string | null }),
  );
  const pairs = (sql: string) => (db.prepare(sql).raw().all() as Array<[number, string]>).map(([message, value]) => ({ message, value }));
  return new FacetIndex(messages, pairs(`SELECT message, address FROM addresses WHERE role IN ('to', 'cc')`), pairs('SELECT message, content_type FROM attachments WHERE inline = 0'));
}

/** Runs a parsed query: total, one page in relevance (bm25) or date order, snippets, facets. */
/** What a search needs of the store besides SQL: the visibility condition, and the in-memory columns. */
export interface SearchContext {
  readonly summaries: Summaries;
  /** SQL true for the messages the reader may see (over `m`). */
  readonly visible: string;
  /** The same in memory: null when every message is visible (the publisher). */
  readonly visibleId: ((id: number) => boolean) | null;
  readonly facetIndex: () => FacetIndex;
}

/**
 * The first page of a query that is words, or words AND field conditions, without joining each
 * match to its row: FTS5 gives the matching numbers (49k for "the" in 4 ms at 100k messages), the
 * field conditions their own set of numbers through their indexes, visibility, count, facets and
 * date order come from memory, relevance from one bm25 pass over the index. The SQL form of the
 * same query spent most of its time looking up each match's row (18 ms) and scoring twice (52 ms
 * for "the", measured). Same results, same cursors: later pages take the SQL path.
 */
function bitmapOf(ids: readonly number[], max: number): Uint8Array {
  const bitmap = new Uint8Array(max + 1);
  for (const id of ids) bitmap[id] = 1;
  return bitmap;
}

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

function wordsFirstPage(db: Database.Database, ast: QueryNode, q: CompiledQuery, options: SearchOptions, context: SearchContext, upto: number, limit: number) {
  const visible = context.visibleId;
  const index = context.facetIndex();
  const matching = db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?').pluck().all(q.fullText ?? q.split!.fullText) as number[];
  const fields = q.split ? bitmapOf(db.prepare(`SELECT m.id FROM messages m WHERE ${q.split.where} AND m.id <= ?`).pluck().all(...q.split.params, upto) as number[], upto) : null;
  const all = matching.filter((id) => id <= upto && (fields === null || fields[id] === 1) && (visible === null || visible(id)));
  let rows: Array<{ id: number; key: number }>;
  if (options.sort === 'relevance' && q.rank !== null) {
    // The rank expression (positive words, ORed) scores exactly as in the SQL path. When it finds
    // more than the result (other words, exclusions, fields, embargo), a row must also be in the
    // result: a bitmap asked through a function inside the same pass (a second query per candidate
    // batch cost up to three bm25 passes; `rowid IN (…)` on FTS5 took seconds).
    const single = all.length === matching.length && ast.kind === 'text';
    const sql = `SELECT rowid AS id, bm25(messages_fts, ${W}) AS key FROM messages_fts WHERE messages_fts MATCH ? ${single ? '' : 'AND epistola_in_result(rowid)'} ORDER BY key, rowid LIMIT ?`;
    if (!single) inResultOf(db).bitmap = bitmapOf(all, upto);
    rows = db.prepare(sql).all(q.rank, limit + 1) as Array<{ id: number; key: number }>;
  } else rows = index.newest(all, limit + 1);
  return { total: all.length, rows, facets: options.facets ? index.facets(all) : null };
}

export function searchSqlite(db: Database.Database, ast: QueryNode, options: SearchOptions, context: SearchContext): SearchResult {
  const { summaries, visible } = context;
  const q = compileQuery(ast);
  const sort = options.sort;
  const cursor = options.cursor ? decodeCursor(options.cursor, sort) : null;
  // Pages after the first ignore messages added since the first: pagination stays stable.
  const upto = cursor?.u ?? ((db.prepare(`SELECT coalesce(max(m.id), 0) FROM messages m WHERE ${visible}`).pluck().get() as number) || 0);
  const where = `${q.where} AND ${visible} AND m.id <= ?`;
  const params = [...q.params, upto];
  const limit = Math.max(1, Math.min(options.limit, 1000));
  const byRelevance = sort === 'relevance' && q.rank !== null;
  const fast = (q.fullText !== null || q.split !== null) && !cursor ? wordsFirstPage(db, ast, q, options, context, upto, limit) : null;
  // With facets, the result's ids are read once: their number is the total, and the facets are counted over them in memory.
  const all = !fast && options.facets ? (db.prepare(`SELECT m.id FROM ${M} WHERE ${where}`).pluck().all(...params) as number[]) : null;
  const total = fast ? fast.total : all ? all.length : (db.prepare(`SELECT count(*) FROM ${M} WHERE ${where}`).pluck().get(...params) as number);

  let rows: Array<{ id: number; key: number }>;
  if (fast) rows = fast.rows;
  else if (byRelevance) {
    const after = cursor ? 'AND (f.score > ? OR (f.score = ? AND m.id > ?))' : '';
    rows = db
      .prepare(
        `SELECT m.id AS id, f.score AS key FROM (SELECT rowid AS id, bm25(messages_fts, ${W}) AS score FROM messages_fts WHERE messages_fts MATCH ?) f
         JOIN ${M} ON m.id = f.id WHERE ${where} ${after} ORDER BY f.score, m.id LIMIT ?`,
      )
      .all(q.rank, ...params, ...(cursor ? [cursor.k, cursor.k, cursor.i] : []), limit + 1) as typeof rows;
  } else {
    const key = 'coalesce(m.date_utc, -1)';
    const after = cursor ? `AND (${key} < ? OR (${key} = ? AND m.id < ?))` : '';
    rows = db
      .prepare(`SELECT m.id AS id, ${key} AS key FROM ${M} WHERE ${where} ${after} ORDER BY ${key} DESC, m.id DESC LIMIT ?`)
      .all(...params, ...(cursor ? [cursor.k, cursor.k, cursor.i] : []), limit + 1) as typeof rows;
  }
  const { page, nextCursor, ids } = pageOf(rows, limit, sort, upto);
  const snippets = new Map<number, SnippetPart[]>();
  if (ids.length > 0 && q.rank !== null) {
    for (const [id, text] of db
      .prepare(`SELECT rowid, snippet(messages_fts, -1, '${HIT_START}', '${HIT_END}', '…', 16) FROM messages_fts
        WHERE messages_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`)
      .raw()
      .all(q.rank, JSON.stringify(ids)) as Array<[number, string]>) {
      snippets.set(id, snippetParts(text.replace(/\s+/g, ' ')));
    }
  }
  if (ids.length > 0 && q.rank === null) {
    for (const [id, text] of db
      .prepare(`SELECT id, substr(coalesce(text_body, ''), 1, 200) FROM messages WHERE id IN (SELECT value FROM json_each(?))`)
      .raw()
      .all(JSON.stringify(ids)) as Array<[number, string]>) {
      snippets.set(id, [{ text: `${text.replace(/\s+/g, ' ').trim()}…`, hit: false }]);
    }
  }
  const byId = new Map(summaries(ids).map((m) => [m.id, m]));
  return {
    total,
    sort: byRelevance ? 'relevance' : 'date',
    hits: page.map((r) => ({ message: byId.get(r.id)!, snippet: snippets.get(r.id) ?? [], score: byRelevance ? r.key : null })),
    nextCursor,
    facets: fast ? fast.facets : all ? context.facetIndex().facets(all) : null,
  };
}
