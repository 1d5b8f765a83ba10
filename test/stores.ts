import { noPostgresReason, startPostgres, type Postgres } from './postgresServer.js';

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
