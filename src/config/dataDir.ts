import { ensureCollectionKey } from '../publish/collectionKey.js';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataDirError } from '../errors.js';

/** Default data directory, relative to the working directory. */
export const DEFAULT_DATA_DIR = 'epistola-data';

/** Where everything of one archive lives. */
export interface DataDir {
  readonly root: string;
  readonly database: string;
  readonly configFile: string;
}

/** The data directory from --data, else EPISTOLA_DATA, else ./epistola-data. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): DataDir {
  const root = resolve(flag ?? env.EPISTOLA_DATA ?? DEFAULT_DATA_DIR);
  return { root, database: join(root, 'archive.sqlite'), configFile: join(root, 'epistola.json') };
}

/** What a reader is told of the collection (home and about pages): set by `epistola config`. */
export interface CollectionAbout {
  /** What the collection is, in a sentence or two. */
  readonly description?: string;
  /** Who publishes it. */
  readonly publisher?: string;
  /** Where the mail came from (a FOIA request, a leak, a list's archive). */
  readonly source?: string;
  readonly licence?: string;
  /** How to reach the publisher (an address or a URL). */
  readonly contact?: string;
}

export const ABOUT_FIELDS = ['description', 'publisher', 'source', 'licence', 'contact'] as const;

export interface CollectionConfig {
  readonly format: 1;
  readonly title: string;
  readonly about?: CollectionAbout;
  readonly createdAt: string;
  /** Where the metadata lives when not in <data>/archive.sqlite: a postgres:// URL without password. */
  readonly database?: string;
}

/**
 * Creates the data directory and its config if missing; returns whether it was created. A database
 * given is remembered in the config (also for an existing directory: after `epistola migrate`).
 */
export async function initDataDir(dir: DataDir, title = 'Untitled collection', database?: string): Promise<boolean> {
  if (existsSync(dir.configFile)) {
    const config = await requireDataDir(dir);
    if (database !== undefined && config.database !== database) await writeFile(dir.configFile, `${JSON.stringify({ ...config, database }, null, 2)}\n`);
    await ensureCollectionKey(dir.root);
    return false;
  }
  await mkdir(dir.root, { recursive: true });
  const config: CollectionConfig = { format: 1, title, createdAt: new Date().toISOString(), ...(database ? { database } : {}) };
  await writeFile(dir.configFile, `${JSON.stringify(config, null, 2)}\n`);
  await ensureCollectionKey(dir.root);
  return true;
}

/** Changes the title and what readers are told of the collection; an empty value removes a field. */
export async function updateCollection(
  dir: DataDir,
  change: { title?: string; about?: Partial<Record<keyof CollectionAbout, string>> },
): Promise<CollectionConfig> {
  const config = await requireDataDir(dir);
  const about: Record<string, string> = { ...config.about };
  for (const [field, value] of Object.entries(change.about ?? {})) {
    if (value === undefined) continue;
    if (value.trim() === '') delete about[field];
    else about[field] = value.trim();
  }
  const next: CollectionConfig = { ...config, ...(change.title ? { title: change.title } : {}), about };
  await writeFile(`${dir.configFile}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
  await rename(`${dir.configFile}.tmp`, dir.configFile);
  return next;
}

/** Fails with a clear message unless `epistola init` (or a first ingest) made this directory. */
export async function requireDataDir(dir: DataDir): Promise<CollectionConfig> {
  let text: string;
  try {
    text = await readFile(dir.configFile, 'utf8');
  } catch {
    throw new DataDirError(`no archive at ${dir.root} (run "epistola init" or "epistola ingest <path>" first, or pass --data)`);
  }
  const config = JSON.parse(text) as CollectionConfig;
  if (config.format !== 1) throw new DataDirError(`${dir.configFile}: unknown format ${String(config.format)}`);
  return config;
}

/**
 * An exclusive lock for writers, so two ingests never interleave ids. A lock left by a killed
 * process (its pid is gone) is taken over.
 */
export async function acquireWriteLock(dir: DataDir): Promise<() => Promise<void>> {
  const path = join(dir.root, 'write.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirError(`another epistola process (pid ${pid}) is writing to ${dir.root}`);
      }
      await rm(path, { force: true });
    }
  }
  throw new DataDirError(`cannot lock ${dir.root}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
