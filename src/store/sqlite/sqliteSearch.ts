import type Database from 'better-sqlite3';
import type { QueryNode } from '../../query/ast.js';
import type { FacetCount, Facets, MessageSummary, SearchOptions, SearchResult, SnippetPart } from '../archiveStore.js';
import { BM25_WEIGHTS, compileQuery } from './compileQuery.js';
import { decodeCursor, encodeCursor, FACET_TOP, HIT_END, HIT_START, snippetParts } from '../searchPages.js';

type Summaries = (ids: readonly number[]) => MessageSummary[];

const W = BM25_WEIGHTS.join(', ');
/** `messages m` read through the narrow covering index (schema 4), never the wide rows. */
const M = 'messages m INDEXED BY messages_narrow';

function facets(db: Database.Database, where: string, params: unknown[]): Facets {
  // The whole result set, once, in a temp table (writable even on a read-only connection).
  db.exec('CREATE TEMP TABLE IF NOT EXISTS facet_ids (id INTEGER PRIMARY KEY); DELETE FROM temp.facet_ids;');
  db.prepare(`INSERT INTO temp.facet_ids SELECT m.id FROM ${M} WHERE ${where}`).run(...params);
  const counts = (sql: string): FacetCount[] =>
    (db.prepare(sql).raw().all() as Array<[unknown, number]>).map(([value, count]) => ({ value: String(value), count }));
  // CROSS JOIN fixes the loop order: walk the result ids, look each up (the planner otherwise scans
  // every message and probes the ids).
  const over = `FROM temp.facet_ids f CROSS JOIN ${M} ON m.id = f.id`;
  return {
    senders: counts(`SELECT m.from_addr, count(*) ${over} WHERE m.from_addr IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_TOP}`),
    recipients: counts(`SELECT a.address, count(DISTINCT a.message) FROM temp.facet_ids f CROSS JOIN addresses a ON a.message = f.id
      WHERE a.role IN ('to', 'cc') GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_TOP}`),
    months: counts(`SELECT strftime('%Y-%m', m.date_utc / 1000, 'unixepoch'), count(*) ${over} WHERE m.date_utc IS NOT NULL GROUP BY 1 ORDER BY 1`),
    folders: counts(`SELECT m.folder, count(*) ${over} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_TOP}`),
    releases: counts(`SELECT coalesce(CAST(m.release_number AS TEXT), 'unpublished'), count(*) ${over} GROUP BY 1 ORDER BY 2 DESC, 1`),
    dkim: counts(`SELECT coalesce(m.dkim_verdict, 'unverified'), count(*) ${over} GROUP BY 1 ORDER BY 2 DESC, 1`),
    attachmentTypes: counts(`SELECT a.content_type, count(DISTINCT a.message) FROM temp.facet_ids f CROSS JOIN attachments a ON a.message = f.id
      WHERE a.inline = 0 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_TOP}`),
  };
}

/** Runs a parsed query: total, one page in relevance (bm25) or date order, snippets, facets. */
export function searchSqlite(db: Database.Database, ast: QueryNode, options: SearchOptions, summaries: Summaries, visible: string): SearchResult {
  const q = compileQuery(ast);
  const sort = options.sort;
  const cursor = options.cursor ? decodeCursor(options.cursor, sort) : null;
  // Pages after the first ignore messages added since the first: pagination stays stable.
  const upto = cursor?.u ?? ((db.prepare(`SELECT coalesce(max(m.id), 0) FROM messages m WHERE ${visible}`).pluck().get() as number) || 0);
  const where = `${q.where} AND ${visible} AND m.id <= ?`;
  const params = [...q.params, upto];
  const total = db.prepare(`SELECT count(*) FROM ${M} WHERE ${where}`).pluck().get(...params) as number;
  const limit = Math.max(1, Math.min(options.limit, 1000));

  let rows: Array<{ id: number; key: number }>;
  const byRelevance = sort === 'relevance' && q.rank !== null;
  if (byRelevance) {
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
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor({ s: sort, k: last.key, i: last.id, u: upto }) : null;

  const ids = page.map((r) => r.id);
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
    facets: options.facets ? facets(db, where, params) : null,
  };
}
