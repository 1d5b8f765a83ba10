import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { ArchiveReader, ArchiveWriter, Audience } from './archiveStore.js';
import { SqliteStore } from './sqlite/sqliteStore.js';
import type { PostgresStore as PostgresStoreType } from './postgres/pgStore.js';

/** The PostgreSQL store (and its driver) is loaded only for a postgres:// archive. */
const postgres = async (): Promise<typeof PostgresStoreType> => (await import('./postgres/pgStore.js')).PostgresStore;
import type { Stemming } from './postgres/schema.js';
import type { TableTransfer } from './transfer.js';
import { describeConnection } from './postgres/connection.js';

/** Where an archive's metadata and search index live: an SQLite file or a PostgreSQL database. */
export type DatabaseLocation = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

/**
 * Reads `sqlite:///abs/path`, `sqlite://relative/path`, a plain file path, or
 * `postgres://user@host:port/db` (also `postgresql://`; a password is better kept in PGPASSWORD or ~/.pgpass).
 */
export function parseDatabase(text: string): DatabaseLocation {
  if (/^postgres(ql)?:\/\//i.test(text)) return { kind: 'postgres', url: text };
  if (/^sqlite:\/\//i.test(text)) return { kind: 'sqlite', path: resolve(text.slice('sqlite://'.length)) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw new UsageError(`--database: unknown kind of database "${text.split(':')[0]}" (sqlite:// or postgres://)`);
  return { kind: 'sqlite', path: resolve(text) };
}

/** The location as it may be printed or saved in a config file (no password). */
export function describeDatabase(location: DatabaseLocation): string {
  return location.kind === 'sqlite' ? `sqlite://${location.path}` : describeConnection(location.url);
}

export interface OpenOptions {
  readonly audience?: Audience;
  readonly now?: () => Date;
  /** Follow other processes' writes as they happen (a web server). */
  readonly watch?: boolean;
  /**
   * A reader for a few queries, then exit (a command-line run): searches read from the database
   * only and build no in-memory columns, which at 100k messages cost 0.4 s to build and save a few
   * milliseconds a query (facets still need them). Results, order and cursors are the same.
   */
  readonly shortLived?: boolean;
}

/** Opens an archive read-only: what commands that only look, and the web server, get. */
export async function openReader(location: DatabaseLocation, options: OpenOptions = {}): Promise<ArchiveReader> {
  return location.kind === 'sqlite'
    ? SqliteStore.open(location.path, { readonly: true, audience: options.audience, now: options.now, shortLived: options.shortLived })
    : (await postgres()).open(location.url, {
        readonly: true,
        audience: options.audience,
        now: options.now,
        watch: options.watch,
        shortLived: options.shortLived,
      });
}

/** Opens an archive for writing, creating or upgrading its schema. */
export async function openWriter(location: DatabaseLocation, options: OpenOptions & { stemming?: Stemming } = {}): Promise<ArchiveWriter> {
  return location.kind === 'sqlite'
    ? SqliteStore.open(location.path, { audience: options.audience, now: options.now })
    : (await postgres()).open(location.url, { audience: options.audience, now: options.now, stemming: options.stemming });
}

/** A store that can hand its tables over (both can): for `epistola migrate`. */
export async function openForTransfer(location: DatabaseLocation, mode: 'read' | 'write'): Promise<ArchiveReader & { transfer(): TableTransfer }> {
  if (location.kind === 'sqlite') return SqliteStore.open(location.path, { readonly: mode === 'read' });
  return (await postgres()).open(location.url, { readonly: mode === 'read' });
}
