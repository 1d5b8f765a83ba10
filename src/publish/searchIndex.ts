import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as pagefind from 'pagefind';
import type { StoredMessage } from '../store/archiveStore.js';
import { sha256Of } from './manifest.js';

/**
 * The static copy's search: Pagefind, one index per release (a shard). Building an index needs
 * ~110 KB of memory per page, so one release at a time bounds it; the browser merges the shards
 * (Pagefind's mergeIndex) and fetches only the chunks a query needs. A shard whose input did not
 * change is not rebuilt (a published release does not change).
 */

/** Text of a message given to the index, at most: enough for search, bounded per page. */
const INDEXED_CHARS = 20_000;

export interface Shard {
  readonly release: number;
  /** sha256 of everything the shard was built from. */
  readonly stamp: string;
  /** Path (under pagefind/release-<n>/) → bytes. */
  readonly files: ReadonlyMap<string, Buffer>;
}

export function shardDir(release: number): string {
  return `pagefind/release-${release}`;
}

function record(message: StoredMessage) {
  const from = message.from ? `${message.from.name} ${message.from.address}` : '';
  const content = [message.subject ?? '', from, (message.text ?? '').slice(0, INDEXED_CHARS)].join('\n');
  return {
    url: `/emails/${message.id}/`,
    content,
    language: 'en',
    meta: { title: message.subject || `#${message.id}`, from, date: message.dateUtc !== null ? new Date(message.dateUtc).toISOString().slice(0, 10) : '' },
  };
}

export function shardStamp(messages: readonly StoredMessage[]): string {
  return sha256Of(JSON.stringify(messages.map(record)));
}

export async function buildShard(release: number, messages: readonly StoredMessage[]): Promise<Shard> {
  const { index, errors } = await pagefind.createIndex({ forceLanguage: 'en' });
  if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
  for (const message of messages) {
    const added = await index.addCustomRecord(record(message));
    if (added.errors.length > 0) throw new Error(`pagefind, message ${message.id}: ${added.errors.join('; ')}`);
  }
  const out = await mkdtemp(join(tmpdir(), 'epistola-pagefind-'));
  try {
    const written = await index.writeFiles({ outputPath: out });
    if (written.errors.length > 0) throw new Error(`pagefind: ${written.errors.join('; ')}`);
    await index.deleteIndex();
    const files = new Map<string, Buffer>();
    for (const path of await walk(out)) files.set(relative(out, path).split('\\').join('/'), await readFile(path));
    return { release, stamp: shardStamp(messages), files };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function closeSearchIndexer(): Promise<void> {
  await pagefind.close();
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}
