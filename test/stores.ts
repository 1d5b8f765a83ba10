import assert from 'node:assert/strict';
import { join } from 'node:path';
import { noPostgresReason, startPostgres, type Postgres } from './postgresServer.js';
import { runCli, tempDir } from './helpers.js';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { PostgresStore } from '../src/store/postgres/pgStore.js';
import type { ArchiveReader } from '../src/store/archiveStore.js';

/**
 * The stores every store-level suite runs against (DESIGN: one interface, one conformance suite,
 * every backend). PostgreSQL is a real server started once per test file, stopped after it.
 */
export type StoreKind = 'sqlite' | 'postgres';

export const STORES: ReadonlyArray<{ readonly kind: StoreKind; readonly skip: string | false }> = [
  { kind: 'sqlite', skip: false },
  { kind: 'postgres', skip: noPostgresReason },
];

let server: Promise<Postgres> | undefined;

/** This file's PostgreSQL server, started on first use; the file calls `after(stopSharedPostgres)` at its top level. */
export function sharedPostgres(): Promise<Postgres> {
  return (server ??= startPostgres());
}

export async function stopSharedPostgres(): Promise<void> {
  if (server) await (await server).stop();
  server = undefined;
}

let databases = 0;

/** The global CLI flags that put an archive on this store: none for SQLite, a new database for PostgreSQL. */
export async function storeArgs(kind: StoreKind): Promise<string[]> {
  if (kind === 'sqlite') return [];
  return ['--database', await (await sharedPostgres()).createDatabase(`t${process.pid}_${++databases}`)];
}

/** A demo archive of `count` messages on this store, opened for the public as `serve` opens it (search prepared); `data` is its data directory. */
export async function demoReader(kind: StoreKind, count: number): Promise<{ reader: ArchiveReader; data: string }> {
  const root = tempDir();
  const data = join(root, 'data');
  const args = ['--data', data, ...(await storeArgs(kind))];
  const made = await runCli([...args, 'demo', '--count', String(count), '--out', join(root, 'mail'), '--ingest']);
  assert.equal(made.code, 0, made.stderr);
  const reader =
    kind === 'sqlite'
      ? SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true, audience: 'public' })
      : await PostgresStore.open(args[args.indexOf('--database') + 1]!, { readonly: true, audience: 'public' });
  // As `serve` does: the champion lists and in-memory paths are in use.
  await reader.prepareSearch();
  return { reader, data };
}
