/**
 * Where search time goes: the search benchmark's queries on one archive with its fast paths taken
 * away in turn (champion lists, then the second thread), and as the public reads it (only published
 * releases visible). Same results every way (test/e2e/relevancePaths.test.ts checks that); this
 * measures what each path is worth. Works on copies: the archive given is not changed.
 *   node dist/bench/searchPaths.js <archive.sqlite>     (bench/searchPaths.sh prepares one)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore, type SqliteOpenOptions } from '../src/store/sqlite/sqliteStore.js';
import { percentile, QUERIES, timeQuery } from './searchQueries.js';

const RUNS = Number(process.env.RUNS ?? 15);
/** The public sees the messages dated before this: about 70% of the demo collection. */
const PUBLISHED_BEFORE = Date.UTC(2016, 0, 1);

function copyOf(archive: string, to: string): string {
  const db = new Database(archive, { readonly: true });
  db.prepare('VACUUM INTO ?').run(to);
  db.close();
  return to;
}

async function publishedCopy(archive: string, to: string): Promise<string> {
  copyOf(archive, to);
  const store = SqliteStore.open(to);
  const db = new Database(to, { readonly: true });
  const ids = db.prepare('SELECT id FROM messages WHERE date_utc < ?').pluck().all(PUBLISHED_BEFORE) as number[];
  db.close();
  const { release } = await store.createRelease({ title: 'Part 1', selection: 'bench: before 2016', ids });
  await store.createRelease({ title: 'Part 2', selection: 'bench: the rest', ids: 'all-remaining' });
  await store.publishRelease(release.number, new Date(0));
  await store.close();
  return to;
}

async function main(): Promise<void> {
  const archive = process.argv[2];
  if (!archive) throw new Error('usage: node dist/bench/searchPaths.js <archive.sqlite>');
  const work = mkdtempSync(join(tmpdir(), 'epistola-paths-'));
  try {
    const unlisted = copyOf(archive, join(work, 'unlisted.sqlite'));
    const db = new Database(unlisted);
    db.exec('DELETE FROM ranked_words_state'); // lists of another archive state are never used
    db.close();
    const published = await publishedCopy(archive, join(work, 'published.sqlite'));
    const ways: Array<[string, string, SqliteOpenOptions]> = [
      ['every path', archive, {}],
      ['no champion lists', unlisted, {}],
      ['no lists, one thread', unlisted, { splitRankFrom: Number.POSITIVE_INFINITY }],
      ['public reader', published, { audience: 'public' }],
    ];
    const columns: string[][] = [];
    const overall: string[] = [];
    for (const [, path, options] of ways) {
      const store = SqliteStore.open(path, { readonly: true, ...options });
      await store.prepareSearch(); // as `serve` does before it listens
      const times: number[] = [];
      const column: string[] = [];
      for (const q of QUERIES) {
        const run = await timeQuery(store, q, RUNS);
        times.push(...run.times);
        column.push(`${percentile(run.times, 50).toFixed(1)} (${run.total})`);
      }
      await store.close();
      columns.push(column);
      overall.push(`${percentile(times, 50).toFixed(1)} / ${percentile(times, 95).toFixed(1)}`);
    }
    console.log(`| query | ${ways.map(([name]) => `${name}: p50 ms (count)`).join(' | ')} |`);
    console.log(`|---|${ways.map(() => '---').join('|')}|`);
    QUERIES.forEach((q, i) => console.log(`| \`${q.epistola}\` | ${columns.map((c) => c[i]).join(' | ')} |`));
    console.log(`| **all: p50 / p95 ms** | ${overall.join(' | ')} |`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
