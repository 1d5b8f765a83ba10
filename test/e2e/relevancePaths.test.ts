import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli, tempDir } from '../helpers.js';
import { randomQueries } from '../randomQueries.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { RankPool } from '../../src/store/sqlite/rankPool.js';
import { runRankTask } from '../../src/store/sqlite/rankTask.js';
import { rankedWordList, refreshRankedWords } from '../../src/store/sqlite/rankedWords.js';
import { parseQuery, QueryError } from '../../src/query/parseQuery.js';
import type { SearchResult } from '../../src/model/search.js';

/**
 * The shortcuts to a relevance page must give exactly what one bm25 pass gives (the same pages,
 * scores, cursors and facets, for both audiences, on a real archive file): a pass split between
 * the search and the rank worker (rankPool.ts), and champion lists of common words (rankedWords.ts).
 */
const skip = availableParallelism() < 2 ? 'one core: the rank worker is never used' : false;
let path = '';
const stores: SqliteStore[] = [];
after(async () => {
  for (const store of stores) await store.close();
});

before(async () => {
  const root = tempDir();
  const result = await runCli(['--data', join(root, 'data'), 'demo', '--count', '300', '--out', join(root, 'mail'), '--ingest']);
  assert.equal(result.code, 0, result.stderr.toString());
  path = join(root, 'data', 'archive.sqlite');
});

const QUERIES = [
  'budget',
  'the',
  'harb*',
  'budget OR lunch',
  'dredging -budget',
  'budget has:attachment',
  'harbour folder:sent',
  'crane OR tug release:1',
  'from:@meridian-port.example.org dredging',
];

test('a bm25 pass split over two threads ranks exactly as one pass', { skip }, async () => {
  for (const audience of ['publisher', 'public'] as const) {
    const one = SqliteStore.open(path, { readonly: true, audience, splitRankFrom: Number.POSITIVE_INFINITY });
    const split = SqliteStore.open(path, { readonly: true, audience, splitRankFrom: 0 });
    stores.push(one, split);
    for (const query of QUERIES) {
      const ast = parseQuery(query);
      for (const limit of [1, 7, 50]) {
        const [a, b] = [await one.search(ast, { sort: 'relevance', limit, facets: true }), await split.search(ast, { sort: 'relevance', limit, facets: true })];
        if (audience === 'publisher') assert.ok(a.total > 0, `${query}: finds something`);
        assert.deepEqual(b, a, `${query} (${audience}, ${limit}): same page, scores, cursor and facets`);
      }
    }
  }
});

test('the rank worker scores a range as the search thread does, and the pool falls back after it is closed', { skip }, async () => {
  const db = new Database(path, { readonly: true });
  const pool = new RankPool(path, 0);
  const expression = '"harbour" OR "budget"';
  const max = db.prepare('SELECT max(id) FROM messages').pluck().get() as number;
  const bitmap = new Uint8Array(new SharedArrayBuffer(max + 1)).map((_, id) => (id % 3 === 0 ? 1 : 0));
  for (const task of [
    { expression, from: 0, to: max, limit: 400, bitmap: null },
    { expression, from: 100, to: 220, limit: 10, bitmap: null },
    { expression, from: 0, to: max, limit: 400, bitmap },
  ]) {
    const here = runRankTask(db, task);
    assert.ok(here.length > 0);
    assert.deepEqual(await pool.rank(task), here);
  }
  assert.equal(pool.worthSplitting(10), true);
  await pool.close();
  assert.equal(pool.worthSplitting(10), false, 'a closed pool is not used again');
  db.close();
});

test('champion lists of common words give the page one bm25 pass gives, and only while the archive is unchanged', async () => {
  const words = ['the', 'budget', 'harbour', 'Harbour', 'HARBOUR.'];
  const queries = [
    ...words,
    'the folder:sent',
    'budget release:1',
    'harbour has:attachment',
    'the after:2016',
    'harbour -folder:sent',
    'the -budget',
    'the (budget OR has:attachment)',
    'budget from:@meridian-port.example.org',
  ];
  const pages = async (store: SqliteStore) => {
    const out: unknown[] = [];
    for (const query of queries) for (const limit of [1, 7, 50]) out.push(await store.search(parseQuery(query), { sort: 'relevance', limit, facets: true }));
    return out;
  };
  const live: Record<string, unknown[]> = {};
  for (const audience of ['publisher', 'public'] as const) {
    const store = SqliteStore.open(path, { readonly: true, audience, splitRankFrom: Number.POSITIVE_INFINITY });
    stores.push(store);
    live[audience] = await pages(store);
  }
  // The 300-message demo has no word common enough for the defaults; lower them and rebuild.
  const options = { share: 0.03, minDocs: 10, depth: 60 };
  const writer = SqliteStore.open(path, { rankedWords: options });
  await writer.refreshStatistics(); // words shared with the rank worker (two cores or more)
  await writer.close();
  const lists = (db: Database.Database) => db.prepare('SELECT term, position, message, score FROM ranked_words ORDER BY term, position').raw().all();
  const again = new Database(path);
  const shared = lists(again);
  assert.ok(refreshRankedWords(again, options) > 0);
  assert.deepEqual(lists(again), shared, 'lists made on one thread are the lists made on two');
  again.close();
  const db = new Database(path, { readonly: true });
  const listed = db.prepare('SELECT DISTINCT term FROM ranked_words').pluck().all() as string[];
  for (const word of ['the', 'budget', 'harbour']) assert.ok(listed.includes(word), `${word} has a list`);
  const [messages, maxId] = db.prepare('SELECT count(*), max(id) FROM messages').raw().get() as [number, number];
  assert.ok(
    rankedWordList(db, parseQuery('the'), () => ({ messages, maxId })),
    'the list is used for the archive it was made from',
  );
  assert.equal(
    rankedWordList(db, parseQuery('the'), () => ({ messages: messages + 1, maxId: maxId + 1 })),
    null,
    'not once a message was added',
  );
  assert.equal(
    rankedWordList(db, parseQuery('the*'), () => ({ messages, maxId })),
    null,
    'not for a prefix',
  );
  assert.equal(
    rankedWordList(db, parseQuery('subject:the'), () => ({ messages, maxId })),
    null,
    'not for a field',
  );
  assert.ok(
    rankedWordList(db, parseQuery('the -folder:sent after:2015'), () => ({ messages, maxId })),
    'with field conditions',
  );
  assert.equal(
    rankedWordList(db, parseQuery('the -budget'), () => ({ messages, maxId })),
    null,
    'not with other words',
  );
  db.close();
  for (const audience of ['publisher', 'public'] as const) {
    const store = SqliteStore.open(path, { readonly: true, audience, splitRankFrom: Number.POSITIVE_INFINITY });
    stores.push(store);
    assert.deepEqual(await pages(store), live[audience], `pages from the lists (${audience})`);
  }
  // A first page from a list, then pages through cursors (scored live): one long page.
  for (const audience of ['publisher', 'public'] as const) {
    const store = SqliteStore.open(path, { readonly: true, audience });
    stores.push(store);
    for (const query of ['the', 'harbour folder:sent']) {
      const ast = parseQuery(query);
      const whole = (await store.search(ast, { sort: 'relevance', limit: 1000 })).hits.map((h) => [h.message.id, h.score]);
      const paged: unknown[] = [];
      for (let cursor: string | null = null, n = 0; n === 0 || cursor; n++) {
        const page: Awaited<ReturnType<SqliteStore['search']>> = await store.search(ast, { sort: 'relevance', limit: 7, cursor });
        paged.push(...page.hits.map((h) => [h.message.id, h.score]));
        cursor = page.nextCursor;
      }
      assert.ok(whole.length > 7, `${query} (${audience}): more than one page`);
      assert.deepEqual(paged, whole, `${query} (${audience}): pages of 7 through cursors`);
    }
  }
  // The pages above did come from the lists: a score changed in a list shows in the result.
  const edit = new Database(path);
  const top = edit.prepare("SELECT message, score FROM ranked_words WHERE term = 'the' AND position = 0").get() as { message: number; score: number };
  edit.prepare("UPDATE ranked_words SET score = score - 1000 WHERE term = 'the' AND position = 0").run();
  edit.close();
  const store = SqliteStore.open(path, { readonly: true });
  stores.push(store);
  const first = (await store.search(parseQuery('the'), { sort: 'relevance', limit: 1 })).hits[0]!;
  assert.deepEqual([first.message.id, first.score], [top.message, top.score - 1000]);
});

test('before anything is published the public finds nothing on every path (words, fields, lists, split passes)', async () => {
  const publisher = SqliteStore.open(path, { readonly: true, splitRankFrom: 0 });
  const early = SqliteStore.open(path, { readonly: true, audience: 'public', now: () => new Date(0), splitRankFrom: 0 });
  stores.push(publisher, early);
  for (const query of [...QUERIES, 'the folder:sent', 'has:attachment']) {
    const ast = parseQuery(query);
    assert.ok((await publisher.search(ast, { sort: 'relevance', limit: 5 })).total > 0, `${query}: the publisher finds something`);
    const result = await early.search(ast, { sort: 'relevance', limit: 5, facets: true });
    assert.equal(result.total, 0, query);
    assert.deepEqual(result.hits, []);
    assert.equal(result.nextCursor, null);
    assert.deepEqual(result.facets?.senders ?? [], []);
  }
});

test('a one-letter prefix marks, in each snippet, the words of that message it stands for', async () => {
  const db = new Database(path, { readonly: true });
  // The letter that starts the most words: more than the snippet's expansion from term_docs takes.
  const [letter, words] = db
    .prepare('SELECT substr(term, 1, 1) AS letter, count(*) AS words FROM term_docs GROUP BY letter ORDER BY words DESC LIMIT 1')
    .raw()
    .get() as [string, number];
  db.close();
  assert.ok(words > 32, `"${letter}" starts ${words} words`);
  const store = SqliteStore.open(path, { readonly: true });
  stores.push(store);
  for (const sort of ['date', 'relevance'] as const) {
    const result = await store.search(parseQuery(`${letter}*`), { sort, limit: 20 });
    assert.equal(result.hits.length, 20);
    for (const hit of result.hits) {
      const marked = hit.snippet.filter((p) => p.hit).map((p) => p.text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase());
      assert.ok(marked.length > 0 && marked.every((w) => w.startsWith(letter)), `${sort} ${hit.message.id}: ${JSON.stringify(marked)}`);
    }
  }
});

test('random queries from tricky pieces: a clear query error or a result, and cursor pages never repeat a message', async () => {
  let searched = 0;
  for (const audience of ['publisher', 'public'] as const) {
    const store = SqliteStore.open(path, { readonly: true, audience });
    stores.push(store);
    for (const query of randomQueries(600)) {
      let ast;
      try {
        ast = parseQuery(query);
      } catch (error) {
        assert.ok(error instanceof QueryError, `${query}: ${(error as Error).message}`);
        continue;
      }
      for (const sort of ['relevance', 'date'] as const) {
        const first = await store.search(ast, { sort, limit: 5, facets: true });
        searched++;
        if (!first.nextCursor) continue;
        const second = await store.search(ast, { sort, limit: 5, cursor: first.nextCursor });
        const seen = new Set(first.hits.map((h) => h.message.id));
        assert.ok(
          second.hits.every((h) => !seen.has(h.message.id)),
          `${query} (${sort}, ${audience}): page 2 repeats page 1`,
        );
      }
    }
  }
  assert.ok(searched > 300, `${searched} searches ran`);
});

test('a short-lived reader (the command line) answers from SQL alone exactly as a server answers from memory', async () => {
  // By now the archive has champion lists, one with an edited score (the test above): the lists are
  // read on both paths.
  const queries = [...QUERIES, 'the', 'harbour', 'the folder:sent', '"north basin"', 'budget -harbour', 'subject:budget', 'folder:sent', 'has:attachment'];
  let compared = 0;
  for (const audience of ['publisher', 'public'] as const) {
    const server = SqliteStore.open(path, { readonly: true, audience, splitRankFrom: Number.POSITIVE_INFINITY });
    const command = SqliteStore.open(path, { readonly: true, audience, shortLived: true });
    stores.push(server, command);
    for (const query of [...queries, ...randomQueries(300)]) {
      let ast;
      try {
        ast = parseQuery(query);
      } catch {
        continue;
      }
      for (const sort of ['relevance', 'date'] as const) {
        for (const options of [{ limit: 1 }, { limit: 7 }, { limit: 7, facets: true }]) {
          const a: SearchResult = await server.search(ast, { sort, ...options });
          const b: SearchResult = await command.search(ast, { sort, ...options });
          assert.deepEqual(b, a, `${query} (${audience}, ${sort}, ${JSON.stringify(options)})`);
          compared++;
          if (!a.nextCursor) continue;
          const next = { sort, limit: 7, cursor: a.nextCursor };
          assert.deepEqual(await command.search(ast, next), await server.search(ast, next), `${query} (${audience}, ${sort}): the next page`);
        }
      }
    }
  }
  assert.ok(compared > 1000, `${compared} pages compared`);
  const edited = (store: SqliteStore) => store.search(parseQuery('the'), { sort: 'relevance', limit: 1 }).then((r) => r.hits[0]!.score);
  const command = SqliteStore.open(path, { readonly: true, shortLived: true });
  stores.push(command);
  const db = new Database(path, { readonly: true });
  const listed = db.prepare("SELECT score FROM ranked_words WHERE term = 'the' AND position = 0").pluck().get() as number;
  db.close();
  assert.equal(await edited(command), listed, 'the command line reads the champion list too');
});
