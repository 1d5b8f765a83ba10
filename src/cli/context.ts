import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { acquireWriteLock, requireDataDir, resolveDataDir, type CollectionConfig, type DataDir } from '../config/dataDir.js';
import { UsageError } from '../errors.js';
import type { ArchiveReader, ArchiveWriter } from '../store/archiveStore.js';
import { openReader, openWriter, parseDatabase, type DatabaseLocation, type OpenOptions } from '../store/openStore.js';

/** Helpers every command shares: where the archive is, how to open it, how to print. */

interface GlobalOptions {
  data?: string;
  database?: string;
}

export function dataDirOf(command: Command): DataDir {
  return resolveDataDir((command.optsWithGlobals() as GlobalOptions).data);
}

export function parseId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`message number must be a whole number ≥ 1, not "${text}"`);
  return id;
}

/**
 * The archive's database: --database, else $EPISTOLA_DATABASE, else the one `init --database`
 * recorded in the data directory, else <data>/archive.sqlite.
 */
export function databaseOf(command: Command, dir: DataDir, config?: CollectionConfig, env: NodeJS.ProcessEnv = process.env): DatabaseLocation {
  const given = (command.optsWithGlobals() as GlobalOptions).database || env.EPISTOLA_DATABASE || config?.database;
  return given ? parseDatabase(given) : { kind: 'sqlite', path: dir.database };
}

/** The data directory (which must exist) and its database, opened read-only. */
export async function openArchiveReader(
  command: Command,
  options: OpenOptions = {},
): Promise<{ store: ArchiveReader; dir: DataDir; config: CollectionConfig }> {
  const dir = dataDirOf(command);
  const config = await requireDataDir(dir);
  return { store: await openReader(databaseOf(command, dir, config), options), dir, config };
}

/** Opens the archive read-only for the duration of `work` (one command: no in-memory search columns). */
export async function withReader<T>(command: Command, work: (store: ArchiveReader, dir: DataDir, title: string) => Promise<T>): Promise<T> {
  const { store, dir, config } = await openArchiveReader(command, { shortLived: true });
  try {
    return await work(store, dir, config.title);
  } finally {
    await store.close();
  }
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Opens the archive for writing, holding the write lock, for the duration of `work`. */
export async function withWriter<T>(command: Command, work: (store: ArchiveWriter, dir: DataDir) => Promise<T>): Promise<T> {
  const dir = dataDirOf(command);
  const config = await requireDataDir(dir);
  return withWriterAt(dir, databaseOf(command, dir, config), work);
}

/** The same for a data directory and database already resolved (the preview server's publisher actions). */
export async function withWriterAt<T>(dir: DataDir, database: DatabaseLocation, work: (store: ArchiveWriter, dir: DataDir) => Promise<T>): Promise<T> {
  const unlock = await acquireWriteLock(dir);
  const store = await openWriter(database).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  try {
    return await work(store, dir);
  } finally {
    await store.close();
    await unlock();
  }
}

/** --at: an ISO date or timestamp, or "now". */
export function parseAt(text: string | undefined): Date | undefined {
  if (text === undefined || text === 'now') return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--at must be a date like 2016-10-07 or 2016-10-07T12:00:00Z, not "${text}"`);
  return date;
}

/** Reads a file the user named; a missing or unreadable one is a usage error naming it. */
export async function readUserFile(path: string): Promise<Buffer> {
  return readFile(resolvePath(path)).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
}
