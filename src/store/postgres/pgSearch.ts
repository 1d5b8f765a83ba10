import type pg from 'pg';
import type { QueryNode } from '../../query/ast.js';
import type { FacetCount, Facets, MessageSummary, SearchOptions, SearchResult, SnippetPart } from '../archiveStore.js';
import { decodeCursor, encodeCursor, FACET_TOP, HIT_END, HIT_START, snippetParts } from '../searchPages.js';
import { compilePostgresQuery } from './compileQuery.js';
import { RANK_WEIGHTS } from './textSearch.js';

/**
 * Addresses and file names cut into words for the snippet, as the index cut them (PostgreSQL's
 * parser would keep "ana@harbour.example.org" whole and never mark "harbour" in it).
 */
const ADDRESS_WORDS = `translate(concat_ws(' ', search_from, search_to, search_cc, search_attachments), '@._-/+=:', '        ')`;

type Summaries = (ids: readonly number[]) => Promise<MessageSummary[]>;

/** Snippets come from at most this much of a text (and of attached messages' text): ts_headline parses all it is given. */
const SNIPPET_SOURCE_CHARS = 20000;

/**
 * Facets over the whole result set in one round trip: the ids once (a materialized CTE), then every
 * count over them, returned as one JSON object.
 */
async function facets(db: pg.Pool, where: string, params: unknown[]): Promise<Facets> {
  const list = (sql: string) => `(SELECT coalesce(json_agg(json_build_array(v, n)), '[]') FROM (${sql}) t)`;
  const over = 'FROM ids JOIN messages m ON m.id = ids.id';
  const sql = `WITH ids AS MATERIALIZED (SELECT m.id FROM messages m WHERE ${where})
    SELECT json_build_object(
      'senders', ${list(`SELECT m.from_addr AS v, count(*) AS n ${over} WHERE m.from_addr IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_TOP}`)},
      'recipients', ${list(`SELECT a.address AS v, count(DISTINCT a.message) AS n FROM ids JOIN addresses a ON a.message = ids.id
        WHERE a.role IN ('to', 'cc') GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_TOP}`)},
      'months', ${list(`SELECT to_char(to_timestamp(m.date_utc / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM') AS v, count(*) AS n ${over}
        WHERE m.date_utc IS NOT NULL GROUP BY 1 ORDER BY 1`)},
      'folders', ${list(`SELECT m.folder AS v, count(*) AS n ${over} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_TOP}`)},
      'releases', ${list(`SELECT coalesce(m.release_number::text, 'unpublished') AS v, count(*) AS n ${over} GROUP BY 1 ORDER BY 2 DESC, 1`)},
      'dkim', ${list(`SELECT coalesce(m.dkim_verdict, 'unverified') AS v, count(*) AS n ${over} GROUP BY 1 ORDER BY 2 DESC, 1`)},
      'attachmentTypes', ${list(`SELECT a.content_type AS v, count(DISTINCT a.message) AS n FROM ids JOIN attachments a ON a.message = ids.id
        WHERE a.inline = 0 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_TOP}`)}
    ) AS facets`;
  const row = (await db.query(sql, params)).rows[0] as { facets: Record<keyof Facets, Array<[unknown, number]>> };
  const counts = (pairs: Array<[unknown, number]>): FacetCount[] => pairs.map(([value, count]) => ({ value: String(value), count: Number(count) }));
  const f = row.facets;
  return {
    senders: counts(f.senders),
    recipients: counts(f.recipients),
    months: counts(f.months),
    folders: counts(f.folders),
    releases: counts(f.releases),
    dkim: counts(f.dkim),
    attachmentTypes: counts(f.attachmentTypes),
  };
}

/** Runs a parsed query on PostgreSQL: the same results, order and cursors as the SQLite store. */
export async function searchPostgres(db: pg.Pool, textSearch: string, ast: QueryNode, options: SearchOptions, summaries: Summaries, visible: string): Promise<SearchResult> {
  const sort = options.sort;
  const cursor = options.cursor ? decodeCursor(options.cursor, sort) : null;
  // Pages after the first ignore messages added since the first: pagination stays stable.
  const upto = cursor?.u ?? (Number((await db.query(`SELECT coalesce(max(m.id), 0) AS n FROM messages m WHERE ${visible}`)).rows[0].n) || 0);
  const q = compilePostgresQuery(ast, textSearch);
  const params = [...q.params, upto];
  const where = `${q.where} AND ${visible} AND m.id <= $${params.length}`;
  const config = `'${textSearch}'::regconfig`;
  const limit = Math.max(1, Math.min(options.limit, 1000));
  const byRelevance = sort === 'relevance' && q.rank !== null;

  const totalQuery = db.query(`SELECT count(*) AS n FROM messages m WHERE ${where}`, params);
  let rows: Array<{ id: number; key: number }>;
  if (byRelevance) {
    // ts_rank is higher for better matches; the cursor stores its negation so that, as with bm25, lower sorts first.
    const p = [...params, q.rank, limit + 1];
    const score = `-ts_rank('${RANK_WEIGHTS}'::float4[], m.fts, to_tsquery(${config}, $${params.length + 1}))`;
    const after = cursor ? `AND (${score} > $${p.push(cursor.k)} OR (${score} = $${p.push(cursor.k)} AND m.id > $${p.push(cursor.i)}))` : '';
    rows = (await db.query(`SELECT m.id, ${score}::float8 AS key FROM messages m WHERE ${where} ${after} ORDER BY 2, m.id LIMIT $${params.length + 2}`, p)).rows;
  } else {
    const key = 'coalesce(m.date_utc, -1)';
    const p = [...params, limit + 1];
    const after = cursor ? `AND (${key} < $${p.push(cursor.k)} OR (${key} = $${p.push(cursor.k)} AND m.id < $${p.push(cursor.i)}))` : '';
    rows = (await db.query(`SELECT m.id, ${key} AS key FROM messages m WHERE ${where} ${after} ORDER BY 2 DESC, m.id DESC LIMIT $${params.length + 1}`, p)).rows;
  }
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor({ s: sort, k: last.key, i: last.id, u: upto }) : null;
  const ids = page.map((r) => r.id);

  const snippets = new Map<number, SnippetPart[]>();
  if (ids.length > 0 && q.rank !== null) {
    const options = `StartSel=${HIT_START}, StopSel=${HIT_END}, MaxWords=16, MinWords=6, ShortWord=0, HighlightAll=false, MaxFragments=1, FragmentDelimiter=…`;
    const result = await db.query(
      `SELECT id, ts_headline(${config}, concat_ws(' ', left(text_body, ${SNIPPET_SOURCE_CHARS}), subject, left(search_extra, ${SNIPPET_SOURCE_CHARS}), ${ADDRESS_WORDS}), to_tsquery(${config}, $2), $3) AS text
       FROM messages WHERE id = ANY($1::bigint[])`,
      [ids, q.rank, options],
    );
    for (const r of result.rows as Array<{ id: number; text: string }>) snippets.set(r.id, snippetParts(r.text.replace(/\s+/g, ' ')));
  }
  if (ids.length > 0 && q.rank === null) {
    const result = await db.query(`SELECT id, substr(coalesce(text_body, ''), 1, 200) AS text FROM messages WHERE id = ANY($1::bigint[])`, [ids]);
    for (const r of result.rows as Array<{ id: number; text: string }>) snippets.set(r.id, [{ text: `${r.text.replace(/\s+/g, ' ').trim()}…`, hit: false }]);
  }
  const [total, facetCounts, messages] = await Promise.all([totalQuery, options.facets ? facets(db, where, params) : null, summaries(ids)]);
  const byId = new Map(messages.map((m) => [m.id, m]));
  return {
    total: Number(total.rows[0].n),
    sort: byRelevance ? 'relevance' : 'date',
    hits: page.map((r) => ({ message: byId.get(r.id)!, snippet: snippets.get(r.id) ?? [], score: byRelevance ? r.key : null })),
    nextCursor,
    facets: facetCounts,
  };
}
