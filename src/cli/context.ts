import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { acquireWriteLock, requireDataDir, resolveDataDir, type DataDir } from '../config/dataDir.js';
import { UsageError } from '../errors.js';
import { SqliteStore } from '../store/sqlite/sqliteStore.js';

/** Helpers every command shares: where the archive is, how to open it, how to print. */

interface GlobalOptions {
  data?: string;
}

export function dataDirOf(command: Command): DataDir {
  return resolveDataDir((command.optsWithGlobals() as GlobalOptions).data);
}

export function parseId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`message number must be a whole number ≥ 1, not "${text}"`);
  return id;
}

/** Opens the archive read-only for the duration of `work`. */
export async function withReader<T>(command: Command, work: (store: SqliteStore, dir: DataDir, title: string) => Promise<T>): Promise<T> {
  const dir = dataDirOf(command);
  const config = await requireDataDir(dir);
  const store = SqliteStore.open(dir.database, { readonly: true });
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
export async function withWriter<T>(command: Command, work: (store: SqliteStore, dir: DataDir) => Promise<T>): Promise<T> {
  const dir = dataDirOf(command);
  await requireDataDir(dir);
  const unlock = await acquireWriteLock(dir);
  const store = SqliteStore.open(dir.database);
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
