import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli, tempDir } from '../helpers.js';
import { randomQueries } from '../randomQueries.js';
import { stopSharedPostgres, sharedPostgres } from '../stores.js';
import { noPostgresReason } from '../postgresServer.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { PostgresStore } from '../../src/store/postgres/pgStore.js';
import type { ArchiveReader, Release, SearchResult } from '../../src/store/archiveStore.js';
import { searchAllIds } from '../searchAll.js';
import { parseQuery } from '../../src/query/parseQuery.js';
import { ARCHIVE_TABLES } from '../../src/store/transfer.js';
import { QUERIES } from '../conformanceQueries.js';

/**
 * The same collection ingested into SQLite and into a real PostgreSQL must read back the same
 * through every ArchiveReader method; `epistola migrate` there and back keeps every row.
 */
const skip = noPostgresReason;
let root = '';
let sqlitePath = '';
let pgUrl = '';
const opened: ArchiveReader[] = [];
after(async () => {
  for (const store of opened) await store.close();
  await stopSharedPostgres();
});

async function cli(args: string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.code, 0, `epistola ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.toString();
}

before(async () => {
  if (skip) return;
  root = tempDir();
  pgUrl = await (await sharedPostgres()).createDatabase('conformance');
  // The generated demo (300 messages: signed and tampered mail, threads, copies, three releases), once per store.
  await cli(['--data', join(root, 'a'), 'demo', '--count', '300', '--out', join(root, 'mail'), '--ingest']);
  await cli(['--data', join(root, 'b'), '--database', pgUrl, 'demo', '--count', '300', '--out', join(root, 'mail'), '--ingest']);
  sqlitePath = join(root, 'a', 'archive.sqlite');
});

/** The two ingests ran seconds apart: the time a verification was made is the one field that differs. */
const timeless = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'at' ? undefined : v))) as T);

async function both(audience: 'publisher' | 'public'): Promise<[ArchiveReader, ArchiveReader]> {
  const stores: [ArchiveReader, ArchiveReader] = [
    SqliteStore.open(sqlitePath, { readonly: true, audience }),
    await PostgresStore.open(pgUrl, { readonly: true, audience }),
  ];
  opened.push(...stores);
  // As `serve` does before it listens; answers must not depend on it.
  if (audience === 'public') for (const store of stores) await store.prepareSearch();
  return stores;
}

test('every reader method gives the same answers on SQLite and PostgreSQL', { skip }, async () => {
  for (const audience of ['publisher', 'public'] as const) {
    const [a, b] = await both(audience);
    assert.deepEqual(await b.stats(), await a.stats(), `stats (${audience})`);
    // Made by two demo runs a second apart: everything but the times must agree.
    const undated = (list: Release[]) => list.map(({ createdAt: _c, publishAt, ...rest }) => ({ ...rest, scheduled: publishAt !== null }));
    assert.deepEqual(undated(await b.releases()), undated(await a.releases()));
    assert.deepEqual(await b.latest(40), await a.latest(40));
    // The message numbers an export takes: every visible one, and each release's, the same as a search finds.
    const all = await a.messageIds();
    assert.deepEqual(await b.messageIds(), all, `messageIds (${audience})`);
    for (const r of await a.releases()) {
      const release = await a.messageIds(r.number);
      assert.deepEqual(await b.messageIds(r.number), release);
      assert.deepEqual(
        release,
        (await searchAllIds(a, parseQuery(`release:${r.number}`))).sort((x, y) => x - y),
        `release ${r.number}`,
      );
    }
    assert.ok(all.length > 0);
    assert.deepEqual(await b.keyRecords(), await a.keyRecords());
    assert.deepEqual(await b.keyUses(), await a.keyUses());
    assert.deepEqual(await b.missingKeys(), await a.missingKeys());
    assert.deepEqual(await b.amendments(), await a.amendments());
    let hidden = 0;
    for (let id = 1; id <= 301; id++) {
      const message = await a.getMessage(id);
      assert.deepEqual(timeless(await b.getMessage(id)), timeless(message), `message ${id} (${audience})`);
      if (!message) {
        hidden++;
        continue;
      }
      if (message.threadId !== null) assert.deepEqual(await b.thread(message.threadId), await a.thread(message.threadId));
      assert.deepEqual(timeless(await b.verification(id)), timeless(await a.verification(id)));
    }
    assert.equal(hidden, audience === 'public' ? 86 : 1, 'the embargoed part 3 (and id 301, which does not exist) is hidden from the public');
    for (const query of QUERIES) {
      const ast = parseQuery(query);
      // What a release --query and a redaction's "also in" take: the messages the search pages through, in number order.
      const found = (await searchAllIds(a, ast)).sort((x, y) => x - y);
      assert.deepEqual(await a.matchingIds(ast), found, `${query}: matchingIds (SQLite, ${audience})`);
      assert.deepEqual(await b.matchingIds(ast), found, `${query}: matchingIds (PostgreSQL, ${audience})`);
      // Date order, every page through the cursors: the same ids in the same order, the same facets.
      let [ca, cb]: Array<string | null> = [null, null];
      let pages = 0;
      do {
        const ra: SearchResult = await a.search(ast, { sort: 'date', limit: 25, cursor: ca, facets: pages === 0 });
        const rb: SearchResult = await b.search(ast, { sort: 'date', limit: 25, cursor: cb, facets: pages === 0 });
        assert.equal(rb.total, ra.total, `${query}: total`);
        assert.deepEqual(
          rb.hits.map((h) => h.message),
          ra.hits.map((h) => h.message),
          `${query}: page ${pages}`,
        );
        assert.deepEqual(rb.facets, ra.facets, `${query}: facets`);
        [ca, cb] = [ra.nextCursor, rb.nextCursor];
        assert.equal(cb === null, ca === null);
        pages++;
      } while (ca && cb);
      // Relevance: each store ranks its own way (bm25, ts_rank) over the same set.
      const [ra, rb] = [await a.search(ast, { sort: 'relevance', limit: 1000 }), await b.search(ast, { sort: 'relevance', limit: 1000 })];
      const ids = (r: typeof ra) => r.hits.map((h) => h.message.id).sort((x, y) => x - y);
      assert.deepEqual(ids(rb), ids(ra), `${query}: relevance set`);
      if (ra.sort === 'relevance')
        assert.ok(
          ra.hits.every((h, n) => n === 0 || ra.hits[n - 1]!.score! <= h.score!),
          `${query}: best bm25 first, unscored (0) last`,
        );
      // Pages of 7 by relevance, the first answered one way and the rest another, read as the one long page.
      const paged: number[] = [];
      for (let cursor: string | null = null, n = 0; n === 0 || cursor; n++) {
        const page: SearchResult = await a.search(ast, { sort: 'relevance', limit: 7, cursor });
        paged.push(...page.hits.map((h) => h.message.id));
        cursor = page.nextCursor;
      }
      assert.deepEqual(
        paged,
        ra.hits.map((h) => h.message.id),
        `${query}: relevance pages`,
      );
      if (rb.hits.length > 0 && ast.kind === 'text')
        assert.ok(
          rb.hits.every((h) => h.snippet.some((p) => p.hit)),
          `${query}: snippets mark the words`,
        );
    }
  }
});

test('random queries: the same totals, first pages by date and facets on SQLite and PostgreSQL', { skip }, async () => {
  let compared = 0;
  for (const audience of ['publisher', 'public'] as const) {
    const [a, b] = await both(audience);
    for (const query of randomQueries(300, 11)) {
      let ast;
      try {
        ast = parseQuery(query);
      } catch {
        continue; // the parser is the same for both
      }
      const [ra, rb] = [await a.search(ast, { sort: 'date', limit: 10, facets: true }), await b.search(ast, { sort: 'date', limit: 10, facets: true })];
      assert.equal(rb.total, ra.total, `${query} (${audience}): total`);
      assert.deepEqual(
        rb.hits.map((h) => h.message.id),
        ra.hits.map((h) => h.message.id),
        `${query} (${audience}): first page by date`,
      );
      assert.deepEqual(rb.facets, ra.facets, `${query} (${audience}): facets`);
      const [ia, ib] = [await a.matchingIds(ast), await b.matchingIds(ast)];
      assert.equal(ia.length, ra.total, `${query} (${audience}): matchingIds, as many as the total`);
      assert.deepEqual(ib, ia, `${query} (${audience}): matchingIds`);
      assert.ok(
        ra.hits.every((h) => ia.includes(h.message.id)),
        `${query} (${audience}): the first page is among matchingIds`,
      );
      compared++;
    }
  }
  assert.ok(compared > 100, `${compared} queries compared`);
});

test('related messages on PostgreSQL: outside the thread, sharing distinctive words', { skip }, async () => {
  const [a, b] = await both('publisher');
  let compared = 0;
  for (const id of [1, 12, 61, 205]) {
    const message = (await b.getMessage(id))!;
    const related = await b.related(id, 5);
    for (const r of related) assert.notEqual(r.threadId, message.threadId, `${id}: ${r.id} is in its own thread`);
    if ((await a.related(id, 5)).length > 0) compared += related.length > 0 ? 1 : 0;
  }
  assert.ok(compared >= 2, 'PostgreSQL finds related messages where SQLite does');
});

test('migrate SQLite → PostgreSQL → SQLite keeps every row and number; a non-empty target is refused', { skip }, async () => {
  const middle = await (await sharedPostgres()).createDatabase('migrated');
  const back = join(root, 'back.sqlite');
  const out = await cli(['migrate', `sqlite://${sqlitePath}`, middle, '--json']);
  assert.equal(JSON.parse(out).tables[0].rows, 300);
  await cli(['migrate', middle, `sqlite://${back}`]);
  const [x, y] = [new Database(sqlitePath, { readonly: true }), new Database(back, { readonly: true })];
  for (const [table, columns] of ARCHIVE_TABLES) {
    const all = (db: Database.Database) =>
      db
        .prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${columns.slice(0, 2).join(', ')}`)
        .raw()
        .all();
    assert.deepEqual(all(y), all(x), table);
  }
  x.close();
  y.close();
  // The copies search like the original: the index was rebuilt on both sides.
  const count = async (args: string[]) => JSON.parse(await cli([...args, 'search', '--json', 'équatorien after:2015'])).total as number;
  const original = await count(['--data', join(root, 'a')]);
  assert.ok(original > 0);
  assert.equal(await count(['--data', join(root, 'a'), '--database', middle]), original);
  assert.equal(await count(['--data', join(root, 'a'), '--database', back]), original);
  const refused = await runCli(['migrate', `sqlite://${sqlitePath}`, middle]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /already holds an archive/);
});

test('PostgreSQL with English stemming finds other forms of a word', { skip }, async () => {
  const url = await (await sharedPostgres()).createDatabase('stemmed');
  const data = join(root, 'stem');
  await cli(['--data', data, '--database', url, 'init', '--stemming', 'english']);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(root, 'stem.eml'), 'From: a@example.org\nSubject: Dredging plans\nMessage-ID: <s1@x>\n\nThe contractors were dredging the basins.\n');
  await cli(['--data', data, 'ingest', join(root, 'stem.eml')]);
  const total = async (q: string) => JSON.parse(await cli(['--data', data, 'search', '--json', q])).total as number;
  assert.equal(await total('basin'), 1, 'the database recorded by init is used; "basin" finds "basins"');
  assert.equal(await total('contractor dredge'), 1);
});
