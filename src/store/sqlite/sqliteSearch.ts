import type Database from 'better-sqlite3';
import type { QueryNode } from '../../query/ast.js';
import type { Facets, MessageSummary, SearchOptions, SearchResult } from '../archiveStore.js';
import type { RankPool } from './rankPool.js';
import { rankedWordList } from './rankedWords.js';
import { mergeRanked, runRankTask, type RankedRow, type RankTask } from './rankTask.js';
import { archiveLanguages, BM25_WEIGHTS, compileQuery, sqliteDialect, type CompiledQuery } from './compileQuery.js';
import { idSetSql } from '../queryCompiler.js';
import { rankTerms } from '../../search/queryPlan.js';
import { memberTest, memoryTest, type IdSets, type IdTest } from '../../search/memoryFilter.js';
import { attachmentFileValues, FacetIndex, facetRowOf, type FacetPair } from '../../search/facetIndex.js';
import { ATTACHMENT_FILES_SQL, FACET_MESSAGE_COLUMNS, LANGUAGES_SQL, SNIPPET_COLUMNS } from '../searchRows.js';
import { decodeCursor, facetTop, pageOf, snippetsOf, type SnippetRow } from '../../search/searchPages.js';
import { foldedWords } from '../../text/words.js';

type Summaries = (ids: readonly number[]) => MessageSummary[];

const W = BM25_WEIGHTS.join(', ');
/** `messages m` read through the narrow covering index (schema 4), never the wide rows. */
const M = 'messages m INDEXED BY messages_narrow';

/** The rows the in-memory facet index is built from (read through covering indexes). */
export function facetIndexSqlite(db: Database.Database): FacetIndex {
  const messages = (db.prepare(`SELECT ${FACET_MESSAGE_COLUMNS} FROM messages INDEXED BY messages_narrow`).raw().all() as unknown[][]).map(facetRowOf);
  const pairs = (sql: string) => db.prepare(sql).raw().all() as FacetPair[];
  return new FacetIndex(
    messages,
    pairs(`SELECT message, address FROM addresses WHERE role IN ('to', 'cc')`),
    pairs('SELECT message, content_type FROM attachments WHERE inline = 0'),
    attachmentFileValues(db.prepare(ATTACHMENT_FILES_SQL).raw().all() as unknown[][]),
    pairs(LANGUAGES_SQL.replace('FROM messages', 'FROM messages INDEXED BY messages_lang')),
  );
}

/** What a search needs of the store besides SQL: the visibility condition, and the in-memory columns. */
export interface SearchContext {
  readonly summaries: Summaries;
  /** SQL true for the messages the reader may see (over `m`). */
  readonly visible: string;
  /** The same in memory, one byte per message number (shared memory, read-only): null when every message is visible (the publisher) or without facetIndex. */
  readonly visibleIds: Uint8Array | null;
  /** The in-memory columns; null: answer from SQL alone (a short-lived reader, openStore.ts). */
  readonly facetIndex: (() => FacetIndex) | null;
  /** A second thread for large bm25 passes (null: this thread only). */
  readonly rankPool: RankPool | null;
}

/** A result as one byte per message number, shareable with the rank worker. */
function bitmapOf(ids: readonly number[], max: number): Uint8Array {
  const bitmap = new Uint8Array(new SharedArrayBuffer(max + 1));
  for (const id of ids) bitmap[id] = 1;
  return bitmap;
}

/** The worker's share of a pass split after the matches are read: this thread also counts the facets meanwhile. */
const WORKER_SHARE = 0.55;
/** Its share of a pass split before: this thread also reads the matches and counts the facets (measured best at 100k). */
const EARLY_WORKER_SHARE = 0.62;

/** The first `limit` matches of `expression` by bm25 (within `bitmap` when given), on two threads when there are many. */
async function bestByRank(
  db: Database.Database,
  pool: RankPool | null,
  task: RankTask,
  candidates: readonly number[],
  meanwhile: () => void,
): Promise<RankedRow[]> {
  if (!pool?.worthSplitting(candidates.length)) {
    meanwhile();
    return runRankTask(db, task);
  }
  const split = candidates[Math.floor(candidates.length * (1 - WORKER_SHARE))]!;
  const theirs = pool.rank({ ...task, from: split }).catch(() => null);
  meanwhile();
  const mine = runRankTask(db, { ...task, to: split - 1 });
  return mergeRanked(mine, (await theirs) ?? runRankTask(db, { ...task, from: split }), task.limit);
}

/**
 * Address and attachment-type conditions as sets read once through their indexes and tested in
 * memory: `to:` one address in 113k of 1M messages took 89 ms as `m.id IN (…)`, which looks up
 * each number in the messages index, and 10 ms read as a set (measured).
 */
function idSets(db: Database.Database, index: FacetIndex): IdSets {
  return (term) => {
    const params: unknown[] = [];
    const sql = idSetSql(sqliteDialect, term, params);
    if (sql === null) return null;
    // Read at the first test: a query with a condition memory cannot answer never reads it.
    let members: IdTest | null = null;
    return (id) =>
      (members ??= memberTest(
        db
          .prepare(sql)
          .pluck()
          .all(...params) as number[],
        index.maxId,
      ))(id);
  };
}

/** The messages a match may be, one byte per number: its field conditions and what the reader may see (null: any). */
function resultFilter(db: Database.Database, q: CompiledQuery, context: SearchContext, index: FacetIndex, upto: number): Uint8Array | null {
  const visible = context.visibleIds;
  const inMemory = q.split ? memoryTest({ kind: 'and', children: q.split.rest }, index, idSets(db, index)) : null;
  const inSql =
    q.split && !inMemory
      ? (db
          .prepare(`SELECT m.id FROM messages m WHERE ${q.split.where} AND m.id <= ?`)
          .pluck()
          .all(...q.split.params, upto) as number[])
      : null;
  if (inSql === null && inMemory === null) return visible;
  const test = (id: number) => (inMemory === null || inMemory(id)) && (visible === null || visible[id] === 1);
  return bitmapOf(inSql ? inSql.filter(test) : index.select(test, upto), upto);
}

/**
 * About how many messages hold the rank words (from term_docs, refreshed after each ingest; 0 when
 * unknown): whether to hand the worker its part of a bm25 pass before the matches are even read.
 */
function estimatedMatches(db: Database.Database, ast: QueryNode): number {
  const exact = db.prepare('SELECT docs FROM term_docs WHERE term = ?').pluck();
  const prefixed = db.prepare('SELECT sum(docs) FROM (SELECT docs FROM term_docs WHERE term >= ? AND term < ? LIMIT 1000)').pluck();
  let total = 0;
  for (const term of rankTerms(ast)) {
    const words = foldedWords(term.value);
    const last = words.pop();
    if (last === undefined) continue;
    const counts = words.map((w) => (exact.get(w) as number | undefined) ?? 0);
    counts.push(term.prefix ? ((prefixed.get(last, `${last}\u{10FFFF}`) as number | null) ?? 0) : ((exact.get(last) as number | undefined) ?? 0));
    total += Math.min(...counts);
  }
  return total;
}

/** The first page from a common word's champion list (rankedWords.ts), or null when it has none or cannot fill the page. */
function fromRankedList(db: Database.Database, ast: QueryNode, index: FacetIndex, task: RankTask): RankedRow[] | null {
  const list = rankedWordList(db, ast, () => ({ messages: index.messages, maxId: index.maxId }));
  if (!list) return null;
  const rows: RankedRow[] = [];
  for (const row of list) {
    if (row.id <= task.to && (task.bitmap === null || task.bitmap[row.id] === 1)) rows.push(row);
    if (rows.length === task.limit) return rows;
  }
  return null;
}

/**
 * The first page in relevance of a query that is words alone, without the in-memory columns (a
 * short-lived reader): a common word's champion list (the listed messages the reader may see), else,
 * for the publisher, one bm25 pass over the full-text index alone, as wordsFirstPage does; the total
 * counted in that index. At 100k messages `harbour` (49k matches) took 187 ms by the SQL form, 20 ms
 * so. Null when this cannot answer exactly: the caller takes the SQL form.
 */
function wordsFirstPageSql(
  db: Database.Database,
  ast: QueryNode,
  q: CompiledQuery,
  context: SearchContext,
  upto: number,
  limit: number,
): { total: number; rows: RankedRow[]; facets: null } | null {
  if (q.fullText === null || q.split !== null) return null;
  const everyone = context.visible === '1';
  const total = () =>
    everyone
      ? (db.prepare('SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ? AND rowid <= ?').pluck().get(q.fullText, upto) as number)
      : (db
          .prepare(`SELECT count(*) FROM messages_fts f JOIN messages m ON m.id = f.rowid WHERE messages_fts MATCH ? AND f.rowid <= ? AND ${context.visible}`)
          .pluck()
          .get(q.fullText, upto) as number);
  const now = () => {
    const [messages, maxId] = db.prepare('SELECT count(*), coalesce(max(id), 0) FROM messages').raw().get() as [number, number];
    return { messages, maxId };
  };
  const listed = (rankedWordList(db, ast, now) ?? []).filter((row) => row.id <= upto);
  const visible =
    everyone || listed.length === 0
      ? null
      : new Set(
          db
            .prepare(`SELECT m.id FROM messages m WHERE m.id IN (SELECT value FROM json_each(?)) AND ${context.visible}`)
            .pluck()
            .all(JSON.stringify(listed.map((row) => row.id))) as number[],
        );
  const fromList = listed.filter((row) => visible === null || visible.has(row.id)).slice(0, limit + 1);
  if (fromList.length === limit + 1) return { total: total(), rows: fromList, facets: null };
  // Scored live: exact when the match expression is the ranking one and every match holds a rank word.
  if (!everyone || !q.matchRanks || !q.everyResultRanks) return null;
  return { total: total(), rows: runRankTask(db, { expression: q.fullText, from: 0, to: upto, limit: limit + 1, bitmap: null }), facets: null };
}

/**
 * The first page of a query that is words, or words AND field conditions, without joining each
 * match to its row: FTS5 gives the matching numbers (49k for "the" in 4 ms at 100k messages), the
 * field conditions and visibility a bitmap from memory, count, facets and date order come from
 * memory, relevance from bm25 passes over the index. The SQL form of the same query spent most of
 * its time looking up each match's row (18 ms) and scoring twice (52 ms for "the", measured).
 * Same results, same cursors: later pages take the SQL path.
 */
async function wordsFirstPage(
  db: Database.Database,
  ast: QueryNode,
  q: CompiledQuery,
  options: SearchOptions,
  context: SearchContext,
  upto: number,
  limit: number,
) {
  const index = context.facetIndex!();
  const expression = q.fullText ?? q.split!.fullText;
  const filter = resultFilter(db, q, context, index, upto);
  const ranking = options.sort === 'relevance' && q.rank !== null;
  const pool = context.rankPool;
  // When the match expression ranks as the rank words do (fewer candidates than the words ORed),
  // the filter is all a bm25 pass needs: a large one is split by number before the matches are read.
  const task: RankTask = { expression, from: 0, to: upto, limit: limit + 1, bitmap: filter };
  const listed = ranking ? fromRankedList(db, ast, index, task) : null;
  const split = !listed && ranking && q.matchRanks && pool?.worthSplitting(estimatedMatches(db, ast)) ? Math.floor(upto * (1 - EARLY_WORKER_SHARE)) + 1 : null;
  const theirs = split !== null ? pool!.rank({ ...task, from: split }).catch(() => null) : null;

  const matching = db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?').pluck().all(expression) as number[];
  const all = matching.filter((id) => id <= upto && (filter === null || filter[id] === 1));
  let facets: Facets | null = null;
  const countFacets = () => {
    if (options.facets) facets = index.facets(all, facetTop(options));
  };
  let rows: RankedRow[];
  if (all.length === 0) {
    // Nothing to rank (for the public: often nothing published yet). A task the worker started is
    // waited for, so that the next search does not queue behind it.
    countFacets();
    rows = [];
    await theirs;
  } else if (!ranking) {
    countFacets();
    rows = index.newest(all, limit + 1);
  } else if (listed) {
    countFacets();
    rows = listed;
  } else if (split !== null) {
    countFacets();
    const mine = runRankTask(db, { ...task, to: split - 1 });
    rows = mergeRanked(mine, (await theirs) ?? runRankTask(db, { ...task, from: split }), task.limit);
  } else if (q.matchRanks) {
    rows = await bestByRank(db, pool, task, matching, countFacets);
  } else {
    // The rank words ORed find more than the result: a bitmap of the result keeps only its messages.
    const everyMatch = all.length === matching.length && ast.kind === 'text';
    rows = await bestByRank(db, pool, { ...task, expression: q.rank!, bitmap: everyMatch ? null : bitmapOf(all, upto) }, matching, countFacets);
  }
  if (ranking && !q.everyResultRanks && rows.length <= limit && rows.length < all.length)
    rows = [...rows, ...withoutRankWords(db, q.rank!, all, null, limit + 1 - rows.length)];
  return { total: all.length, rows, facets: facets as Facets | null };
}

/**
 * The result's messages that hold none of the rank words (`budget OR has:attachment`), to follow
 * the ranked ones: bm25 would score them 0, after every match (FTS5's scores of matches are
 * negative), ties in number order. `ids`: the whole result; `after`: the cursor's last row.
 */
function withoutRankWords(
  db: Database.Database,
  rank: string,
  ids: readonly number[],
  after: { readonly k: number; readonly i: number } | null,
  count: number,
): RankedRow[] {
  const holds = new Set(db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?').pluck().all(rank) as number[]);
  const from = after !== null && after.k === 0 ? after.i : 0;
  const rows: RankedRow[] = [];
  for (const id of Float64Array.from(ids).sort()) {
    if (rows.length === count) break;
    if (id > from && !holds.has(id)) rows.push({ id, key: 0 });
  }
  return rows;
}

/** Runs a parsed query: total, one page in relevance (bm25) or date order, snippets, facets. */
/** Every message the query matches that `visible` lets through, in number order: one statement, no page. */
export function matchingIdsSqlite(db: Database.Database, ast: QueryNode, visible: string): number[] {
  const q = compileQuery(ast);
  return db
    .prepare(`SELECT m.id FROM ${M} WHERE ${q.where} AND ${visible} ORDER BY m.id`)
    .pluck()
    .all(...q.params) as number[];
}

export async function searchSqlite(db: Database.Database, ast: QueryNode, options: SearchOptions, context: SearchContext): Promise<SearchResult> {
  const { summaries, visible } = context;
  const q = compileQuery(ast, archiveLanguages(db));
  const sort = options.sort;
  const cursor = options.cursor ? decodeCursor(options.cursor, sort) : null;
  // Pages after the first ignore messages added since the first: pagination stays stable.
  const upto = cursor?.u ?? ((db.prepare(`SELECT coalesce(max(m.id), 0) FROM messages m WHERE ${visible}`).pluck().get() as number) || 0);
  const where = `${q.where} AND ${visible} AND m.id <= ?`;
  const params = [...q.params, upto];
  const limit = Math.max(1, Math.min(options.limit, 1000));
  const byRelevance = sort === 'relevance' && q.rank !== null;
  const memory = context.facetIndex;
  const fast =
    (q.fullText !== null || q.split !== null) && !cursor
      ? memory
        ? await wordsFirstPage(db, ast, q, options, context, upto, limit)
        : byRelevance && !options.facets
          ? wordsFirstPageSql(db, ast, q, context, upto, limit)
          : null
      : null;
  // The result's ids are read once: their number is the total, facets are counted over them and a
  // first page in date order is taken from them in memory (a second, ordered pass cost as much again).
  const idsOnce = memory !== null && !fast && (options.facets || (!byRelevance && !cursor));
  const index = idsOnce ? memory() : null;
  const test = index ? memoryTest(ast, index, idSets(db, index)) : null;
  const visibleIds = context.visibleIds;
  const all = !idsOnce
    ? null
    : test
      ? index!.select((id) => test(id) && (visibleIds === null || visibleIds[id] === 1), upto)
      : (db
          .prepare(`SELECT m.id FROM ${M} WHERE ${where}`)
          .pluck()
          .all(...params) as number[]);
  const total = fast
    ? fast.total
    : all
      ? all.length
      : (db
          .prepare(`SELECT count(*) FROM ${M} WHERE ${where}`)
          .pluck()
          .get(...params) as number);

  let rows: Array<{ id: number; key: number }>;
  if (fast) rows = fast.rows;
  else if (index && all && !byRelevance && !cursor) rows = index.newest(all, limit + 1);
  else if (byRelevance) {
    const after = cursor ? 'AND (f.score > ? OR (f.score = ? AND m.id > ?))' : '';
    rows = db
      .prepare(
        `SELECT m.id AS id, f.score AS key FROM (SELECT rowid AS id, bm25(messages_fts, ${W}) AS score FROM messages_fts WHERE messages_fts MATCH ?) f
         JOIN ${M} ON m.id = f.id WHERE ${where} ${after} ORDER BY f.score, m.id LIMIT ?`,
      )
      .all(q.rank, ...params, ...(cursor ? [cursor.k, cursor.k, cursor.i] : []), limit + 1) as typeof rows;
    if (!q.everyResultRanks && rows.length <= limit) {
      const ids =
        all ??
        (db
          .prepare(`SELECT m.id FROM ${M} WHERE ${where}`)
          .pluck()
          .all(...params) as number[]);
      rows = [...rows, ...withoutRankWords(db, q.rank!, ids, cursor, limit + 1 - rows.length)];
    }
  } else {
    const key = 'coalesce(m.date_utc, -1)';
    const after = cursor ? `AND (${key} < ? OR (${key} = ? AND m.id < ?))` : '';
    rows = db
      .prepare(`SELECT m.id AS id, ${key} AS key FROM ${M} WHERE ${where} ${after} ORDER BY ${key} DESC, m.id DESC LIMIT ?`)
      .all(...params, ...(cursor ? [cursor.k, cursor.k, cursor.i] : []), limit + 1) as typeof rows;
  }
  const { page, nextCursor, ids } = pageOf(rows, limit, sort, upto);
  const snippets = snippetsOf(
    db.prepare(`SELECT ${SNIPPET_COLUMNS} FROM messages WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as SnippetRow[],
    ast,
  );
  const byId = new Map(summaries(ids).map((m) => [m.id, m]));
  return {
    total,
    sort: byRelevance ? 'relevance' : 'date',
    hits: page.map((r) => ({ message: byId.get(r.id)!, snippet: snippets.get(r.id) ?? [], score: byRelevance ? r.key : null })),
    nextCursor,
    facets: fast ? fast.facets : index && all && options.facets ? index.facets(all, facetTop(options)) : null,
  };
}
