import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli, tempDir } from '../helpers.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { RankPool } from '../../src/store/sqlite/rankPool.js';
import { runRankTask } from '../../src/store/sqlite/rankTask.js';
import { parseQuery } from '../../src/query/parseQuery.js';

/**
 * bm25 passes split between the search and the rank worker (rankPool.ts) must give exactly what one
 * pass gives: the same pages, scores and cursors, for both audiences, on a real archive file.
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

const QUERIES = ['budget', 'the', 'harb*', 'budget OR lunch', 'dredging -budget', 'budget has:attachment', 'harbour folder:sent', 'crane OR tug release:1', 'from:@meridian-port.example.org dredging'];

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
