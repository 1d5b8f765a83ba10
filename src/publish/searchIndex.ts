import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as pagefind from 'pagefind';
import type { StoredMessage } from '../store/archiveStore.js';
import { sha256Of } from './manifest.js';
import { wordForms } from '../text/forms.js';

/**
 * The static copy's search: Pagefind, one index (a shard) per release and year, of at most
 * SHARD_MESSAGES messages. Building an index needs tens of KB of memory per page (a 100k-message
 * release in one shard took 2.8 GB in Pagefind and held every message in Node), so shards are
 * bounded and messages are
 * streamed into the indexer one by one; the browser merges the shards (Pagefind's mergeIndex) and
 * fetches only the chunks a query needs. A shard whose messages did not change is not rebuilt: its
 * stamp is computed from message numbers and raw-message hashes alone, without reading a message.
 */

/** Text of a message given to the index, at most: enough for search, bounded per page. */
const INDEXED_CHARS = 20_000;

/** Bump when what a record holds changes: every shard is rebuilt. */
const RECORD_FORMAT = 3;

/**
 * The most messages one shard holds: Pagefind peaked at 2.5 GB building a 36k-page shard (about
 * 70 KB a page, measured); beyond this a year of a release is cut into parts, in number order.
 */
export const SHARD_MESSAGES = 10_000;

/** A shard's messages: one release, one year ("undated" for messages without a date), one part of it. */
export interface ShardKey {
  readonly release: number;
  readonly year: string;
  readonly part: number;
}

export function shardDir(key: ShardKey): string {
  return `pagefind/release-${key.release}-${key.year}${key.part > 1 ? `-${key.part}` : ''}`;
}

/** What a shard is built from, as a hash: its message numbers and the raw messages' sha256 (a message's record derives from its bytes). */
export function shardStamp(refs: ReadonlyArray<{ readonly id: number; readonly sha256: string }>): string {
  return sha256Of(JSON.stringify({ format: RECORD_FORMAT, indexedChars: INDEXED_CHARS, refs: refs.map((r) => `${r.id}:${r.sha256}`) }));
}

function record(message: StoredMessage) {
  const from = message.from ? `${message.from.name} ${message.from.address}` : '';
  const text = (message.text ?? '').slice(0, INDEXED_CHARS);
  // Runs of Chinese, Japanese and Thai are given cut into words as the live search cuts them
  // (text/forms.ts without stems), so that both searches find `港口` inside `港口报告`.
  const words = wordForms(null, `${message.subject ?? ''}\n${text}`);
  const content = [message.subject ?? '', from, text, words].join('\n');
  return {
    url: `/emails/${message.id}/`,
    content,
    language: 'en',
    meta: { title: message.subject || `#${message.id}`, from, date: message.dateUtc !== null ? new Date(message.dateUtc).toISOString().slice(0, 10) : '' },
  };
}

/**
 * Builds one shard from messages given one at a time (`next` returns undefined at the end), so that
 * only Pagefind holds the shard in memory. Returns path (under the shard's directory) → bytes.
 */
export async function buildShard(next: () => Promise<StoredMessage | undefined>): Promise<Map<string, Buffer>> {
  const { index, errors } = await pagefind.createIndex({ forceLanguage: 'en' });
  if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
  for (let message = await next(); message; message = await next()) {
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
    return files;
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
