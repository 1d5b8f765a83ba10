/**
 * SQLite and PostgreSQL on the same collection, in the same run: ingest time, search latency
 * (the search benchmark's queries, with facets, in-process as the web server runs them), and the
 * web server's rate with one and two `epistola serve` processes on PostgreSQL (two behind nginx).
 * Run through bench/stores.sh.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startPostgres } from '../test/postgresServer.js';
import { freeTcpPort, startNginx } from '../test/nginxServer.js';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { PostgresStore } from '../src/store/postgres/pgStore.js';
import type { ArchiveReader } from '../src/store/archiveStore.js';
import { percentile, QUERIES, timeQuery } from './searchQueries.js';

const RUNS = Number(process.env.RUNS ?? 20);
const WRK_SECONDS = process.env.WRK_SECONDS ?? '10';
const cli = join(import.meta.dirname, '..', '..', 'bin', 'epistola.js');

function epistola(args: string[]): number {
  const start = Date.now();
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`epistola ${args.join(' ')} failed`);
  return (Date.now() - start) / 1000;
}

async function searchTimes(store: ArchiveReader): Promise<{ all: number[]; rows: Map<string, { total: number; p50: number; p95: number }> }> {
  await store.prepareSearch(); // as `serve` does before it listens
  const all: number[] = [];
  const rows = new Map<string, { total: number; p50: number; p95: number }>();
  for (const q of QUERIES) {
    const { times, total } = await timeQuery(store, q, RUNS);
    all.push(...times);
    rows.set(q.kind, { total, p50: percentile(times, 50), p95: percentile(times, 95) });
  }
  return { all, rows };
}

/** Asks each page once before measuring: a node's first search builds its facet arrays (seconds at 1M), a page renders on first hit. */
async function warm(urls: readonly string[]): Promise<void> {
  for (const url of urls) await fetch(url, { signal: AbortSignal.timeout(120_000) }).catch(() => undefined);
}

function wrk(url: string, script?: string, env: NodeJS.ProcessEnv = {}): string {
  const out = spawnSync('wrk', ['-t2', '-c32', `-d${WRK_SECONDS}s`, '--latency', ...(script ? ['-s', script] : []), url], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  }).stdout;
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? '?';
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1] ?? '?';
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
  // bench/distinctEmails.lua says when it ran out of distinct ids (the figure then includes cached pages).
  const wrapped = /^wrapped: .*/m.exec(out)?.[0];
  return `${Math.round(Number(rps)).toLocaleString('en-US')} req/s, p99 ${p99}, non-2xx ${errors}${wrapped ? ` (${wrapped})` : ''}`;
}

async function serveNodes(args: string[], count: number): Promise<{ ports: number[]; stop: () => void }> {
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freeTcpPort();
    children.push(spawn(process.execPath, [cli, ...args, 'serve', '--port', String(port), '--rate-limit', '1000000000'], { stdio: 'ignore' }));
    ports.push(port);
  }
  for (const port of ports) {
    for (
      let i = 0;
      i < 600 &&
      !(await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    await warm([`http://127.0.0.1:${port}/search?q=budget`]);
  }
  return { ports, stop: () => children.forEach((c) => c.kill('SIGTERM')) };
}

async function main(): Promise<void> {
  const [work, maildir] = process.argv.slice(2);
  if (!work || !maildir) throw new Error('usage: node dist/bench/stores.js <work-dir> <demo Maildir>');
  // A durable server (fsync on, the defaults) with memory settings a dedicated machine would give it.
  const server = await startPostgres({
    durable: true,
    settings: { shared_buffers: '2GB', work_mem: '64MB', maintenance_work_mem: '512MB', max_wal_size: '4GB' },
  });
  try {
    const url = await server.createDatabase('bench');
    const sqliteData = ['--data', join(work, 'sqlite')];
    const pgData = ['--data', join(work, 'pg'), '--database', url];
    const ingest = {
      sqlite: epistola([...sqliteData, 'ingest', '--progress', 'none', maildir]),
      postgres: epistola([...pgData, 'ingest', '--progress', 'none', maildir]),
    };
    // Everything published as one part, so that the public web server shows it.
    for (const args of [sqliteData, pgData]) {
      epistola([...args, 'release', 'create', '--title', 'Part 1', '--all-remaining']);
      epistola([...args, 'release', 'publish', '1']);
    }
    const sqlite = SqliteStore.open(join(work, 'sqlite', 'archive.sqlite'), { readonly: true });
    const postgres = await PostgresStore.open(url, { readonly: true });
    const messages = (await sqlite.stats()).messages;
    console.log(`\n${messages.toLocaleString('en-US')} messages; ingest (parse, verify DKIM, store, index, thread):`);
    for (const [store, seconds] of Object.entries(ingest))
      console.log(`  ${store.padEnd(9)} ${seconds.toFixed(1)} s  ${Math.round(messages / seconds).toLocaleString('en-US')} msg/s`);

    const a = await searchTimes(sqlite);
    const b = await searchTimes(postgres);
    console.log('\n| kind | query | results | SQLite p50 ms | SQLite p95 ms | PostgreSQL p50 ms | PostgreSQL p95 ms |');
    console.log('|---|---|---|---|---|---|---|');
    for (const q of QUERIES) {
      const x = a.rows.get(q.kind)!;
      const y = b.rows.get(q.kind)!;
      const total = x.total === y.total ? String(x.total) : `${x.total} ≠ ${y.total}`;
      console.log(`| ${q.kind} | \`${q.epistola}\` | ${total} | ${x.p50.toFixed(1)} | ${x.p95.toFixed(1)} | ${y.p50.toFixed(1)} | ${y.p95.toFixed(1)} |`);
    }
    console.log('\n| store | p50 ms | p95 ms | p99 ms | runs |');
    console.log('|---|---|---|---|---|');
    for (const [name, t] of [
      ['SQLite', a.all],
      ['PostgreSQL', b.all],
    ] as const) {
      console.log(`| ${name} | ${percentile(t, 50).toFixed(1)} | ${percentile(t, 95).toFixed(1)} | ${percentile(t, 99).toFixed(1)} | ${t.length} |`);
    }
    await sqlite.close();
    await postgres.close();

    const ids = JSON.parse(
      spawnSync(process.execPath, [cli, ...pgData, 'search', '--json', '--limit', '1000', '--sort', 'date', 'release:1'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      }).stdout,
    ) as { hits: Array<{ message: { id: number } }> };
    const idsFile = join(work, 'public-ids.txt');
    writeFileSync(idsFile, ids.hits.map((h) => h.message.id).join('\n'));
    const distinct = join(import.meta.dirname, '..', '..', 'bench', 'distinctEmails.lua');
    const one = ids.hits[0]!.message.id;
    console.log(`\nweb (wrk 2 threads, 32 connections, ${WRK_SECONDS} s each; everything on the same 2 cores):`);
    for (const [label, args] of [
      ['SQLite, 1 node', sqliteData],
      ['PostgreSQL, 1 node', pgData],
    ] as const) {
      const nodes = await serveNodes(args, 1);
      const base = `http://127.0.0.1:${nodes.ports[0]}`;
      await warm([`${base}/emails/${one}`]);
      console.log(
        `  ${label}: one email page ${wrk(`${base}/emails/${one}`)}; first renders of distinct emails ${wrk(base, distinct, { IDS_FILE: idsFile, WRK_THREADS: '2' })}; search page ${wrk(`${base}/search?q=budget`)}`,
      );
      nodes.stop();
    }
    const nodes = await serveNodes(pgData, 2);
    const lb = await startNginx({ upstreams: nodes.ports }, join(work, 'nginx'));
    await warm(nodes.ports.map((port) => `http://127.0.0.1:${port}/emails/${one}`));
    console.log(
      `  PostgreSQL, 2 nodes behind nginx: one email page ${wrk(`${lb.url}/emails/${one}`)}; first renders of distinct emails ${wrk(lb.url, distinct, { IDS_FILE: idsFile, WRK_THREADS: '2' })}; search page ${wrk(`${lb.url}/search?q=budget`)}`,
    );
    await lb.stop();
    nodes.stop();
  } finally {
    await server.stop();
  }
}

await main();
