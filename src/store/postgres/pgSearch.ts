import type pg from 'pg';
import type { QueryNode } from '../../query/ast.js';
import type { MessageSummary, SearchOptions, SearchResult } from '../archiveStore.js';
import { attachmentFileValues, FacetIndex, facetRowOf, type FacetPair } from '../../search/facetIndex.js';
import { ATTACHMENT_FILES_SQL, FACET_MESSAGE_COLUMNS, LANGUAGES_SQL, SNIPPET_COLUMNS } from '../searchRows.js';
import { decodeCursor, facetTop, pageOf, snippetsOf, type SnippetRow } from '../../search/searchPages.js';
import { compilePostgresQuery, postgresDialect } from './compileQuery.js';
import { idSetSql } from '../queryCompiler.js';
import { hasWords } from '../../search/queryPlan.js';
import { memberTest, memoryTestWith } from '../../search/memoryFilter.js';
import { RANK_WEIGHTS } from './textSearch.js';

type Summaries = (ids: readonly number[]) => Promise<MessageSummary[]>;

/** The rows the in-memory facet index is built from. */
export async function facetIndexPostgres(db: pg.Pool): Promise<FacetIndex> {
  const [messages, recipients, types, files, languages] = await Promise.all([
    db.query({ text: `SELECT ${FACET_MESSAGE_COLUMNS} FROM messages`, rowMode: 'array' }),
    db.query({ text: "SELECT message, address FROM addresses WHERE role IN ('to', 'cc')", rowMode: 'array' }),
    db.query({ text: 'SELECT message, content_type FROM attachments WHERE inline = 0', rowMode: 'array' }),
    db.query({ text: ATTACHMENT_FILES_SQL, rowMode: 'array' }),
    db.query({ text: LANGUAGES_SQL, rowMode: 'array' }),
  ]);
  // Numbers come as numbers (the int8 parser, pgStore.ts); a message number is made one for sure.
  const pairs = (rows: Array<[number | string, string]>): FacetPair[] => rows.map(([message, value]) => [Number(message), value]);
  return new FacetIndex(
    (messages.rows as unknown[][]).map(facetRowOf),
    pairs(recipients.rows as Array<[number, string]>),
    pairs(types.rows as Array<[number, string]>),
    attachmentFileValues(files.rows as unknown[][]),
    pairs(languages.rows as Array<[string, string]>),
  );
}

/** What a search needs of the store besides SQL (as SQLite's SearchContext). */
export interface PostgresSearchContext {
  readonly summaries: Summaries;
  /** SQL true for the messages the reader may see (over `m`). */
  readonly visible: string;
  /** Whether first pages may come from the in-memory columns (false: a short-lived reader, openStore.ts). */
  readonly memory: boolean;
  readonly facetIndex: () => Promise<FacetIndex>;
  /** The same in memory, one byte per message number (null: every message is visible). */
  readonly visibleIds: () => Promise<Uint8Array | null>;
}

/**
 * The first page in date order of a query memory can answer (folders, dates, releases, verdicts,
 * attachments, file types, ids, full addresses: memoryFilter.ts, as on SQLite), or null. In SQL
 * `folder:Sent` at 100k took 89 ms and `to:` one address 101 ms.
 */
async function fieldsFirstPage(
  db: pg.Pool,
  textSearch: string,
  ast: QueryNode,
  upto: number,
  limit: number,
  facets: SearchOptions['facets'],
  context: PostgresSearchContext,
) {
  if (hasWords(ast) || !context.memory) return null; // words need the index: no facet columns built for nothing
  const index = await context.facetIndex();
  const dialect = postgresDialect(textSearch);
  const test = await memoryTestWith(ast, index, async (term) => {
    const params: unknown[] = [];
    const sql = idSetSql(dialect, term, params);
    if (sql === null) return null;
    const { rows } = await db.query({ text: sql, values: params, rowMode: 'array' });
    return memberTest(
      (rows as Array<[number]>).map(([id]) => Number(id)),
      index.maxId,
    );
  });
  if (!test) return null;
  const visible = await context.visibleIds();
  const ids = index.select((id) => test(id) && (visible === null || visible[id] === 1), upto);
  return { total: ids.length, facets: facets ? index.facets(ids, facetTop({ facets })) : null, rows: index.newest(ids, limit + 1) };
}

/** Runs a parsed query on PostgreSQL: the same results, order and cursors as the SQLite store. */
/** Every message the query matches that `visible` lets through, in number order: one statement, no page. */
export async function matchingIdsPostgres(db: pg.Pool, textSearch: string, ast: QueryNode, visible: string): Promise<number[]> {
  const q = compilePostgresQuery(ast, textSearch);
  const result = await db.query({ text: `SELECT m.id FROM messages m WHERE ${q.where} AND ${visible} ORDER BY m.id`, values: q.params, rowMode: 'array' });
  return (result.rows as unknown[][]).map((r) => Number(r[0]));
}

export async function searchPostgres(
  db: pg.Pool,
  textSearch: string,
  ast: QueryNode,
  options: SearchOptions,
  context: PostgresSearchContext,
): Promise<SearchResult> {
  const { summaries, visible, facetIndex } = context;
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

  const inMemory = !byRelevance && !cursor ? await fieldsFirstPage(db, textSearch, ast, upto, limit, options.facets ?? false, context) : null;
  // With facets, the result's ids are read once: their number is the total, the facets are counted in memory (facetIndex.ts).
  const totalQuery = inMemory
    ? Promise.resolve(inMemory)
    : options.facets
      ? Promise.all([db.query({ text: `SELECT m.id FROM messages m WHERE ${where}`, values: params, rowMode: 'array' }), facetIndex()]).then(([r, index]) => {
          const ids = (r.rows as Array<[number]>).map(([id]) => id);
          return { total: ids.length, facets: index.facets(ids, facetTop(options)) };
        })
      : db.query(`SELECT count(*) AS n FROM messages m WHERE ${where}`, params).then((r) => ({ total: Number(r.rows[0].n), facets: null }));
  let rows: Array<{ id: number; key: number }>;
  if (inMemory) rows = inMemory.rows;
  else if (byRelevance) {
    // ts_rank is higher for better matches; the cursor stores its negation so that, as with bm25, lower sorts first.
    const p = [...params, q.rankShape ?? q.rank, limit + 1];
    const score = `-ts_rank('${RANK_WEIGHTS}'::float4[], m.fts, to_tsquery(${config}, $${params.length + 1}))`;
    const after = cursor ? `AND (${score} > $${p.push(cursor.k)} OR (${score} = $${p.push(cursor.k)} AND m.id > $${p.push(cursor.i)}))` : '';
    rows = (await db.query(`SELECT m.id, ${score}::float8 AS key FROM messages m WHERE ${where} ${after} ORDER BY 2, m.id LIMIT $${params.length + 2}`, p))
      .rows;
  } else {
    const key = 'coalesce(m.date_utc, -1)';
    const p = [...params, limit + 1];
    const after = cursor ? `AND (${key} < $${p.push(cursor.k)} OR (${key} = $${p.push(cursor.k)} AND m.id < $${p.push(cursor.i)}))` : '';
    rows = (await db.query(`SELECT m.id, ${key} AS key FROM messages m WHERE ${where} ${after} ORDER BY 2 DESC, m.id DESC LIMIT $${params.length + 1}`, p))
      .rows;
  }
  const { page, nextCursor, ids } = pageOf(rows, limit, sort, upto);

  const snippets = snippetsOf(
    ids.length > 0 ? ((await db.query(`SELECT ${SNIPPET_COLUMNS} FROM messages WHERE id = ANY($1::bigint[])`, [ids])).rows as SnippetRow[]) : [],
    ast,
  );
  const [counted, messages] = await Promise.all([totalQuery, summaries(ids)]);
  const byId = new Map(messages.map((m) => [m.id, m]));
  return {
    total: counted.total,
    sort: byRelevance ? 'relevance' : 'date',
    hits: page.map((r) => ({ message: byId.get(r.id)!, snippet: snippets.get(r.id) ?? [], score: byRelevance ? r.key : null })),
    nextCursor,
    facets: counted.facets,
  };
}
