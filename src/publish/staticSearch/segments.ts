import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { StoredMessage } from '../../model/message.js';
import { sha256Of } from '../manifest.js';
import { STEMMERS, stemmable, stemOf } from '../../text/stems.js';
import { foldWord, segmentRun, UNSPACED, WORD } from '../../text/words.js';
import { encodeIds, INDEX_FORMAT, keyHash } from './format.js';
import { addressText } from '../../mail/messageFields.js';

/**
 * A segment of the static search index: the posting lists of a part of a release (at most
 * SEGMENT_MESSAGES messages, in number order), kept beside the export (not in it) so that the next
 * export rebuilds only the segments whose messages changed and merges the rest as they are
 * (mergeIndex.ts). A segment is named by its stamp: message numbers and raw-message hashes, so it is
 * found again without reading one message.
 *
 *   <stamp>.keys   one line a key, in (hash, key) order: hash \t w|s \t key \t spellings \t ids (newest first)
 *   <stamp>.stems  its stem keys, one a line (read whole before the merge, to list a word's stems only when they exist)
 *   <stamp>.docs   one JSON array a message, in number order: [id, subject, from, date, excerpt]
 *   <stamp>.langs  the languages with a stemmer among its messages
 */

/** Messages per segment at most: its posting lists are held in memory while it is built. */
export const SEGMENT_MESSAGES = 10_000;

/** Text of a message indexed, at most (subject, sender, body, attachment text). */
const INDEXED_CHARS = 200_000;

const EXCERPT_CHARS = 180;

export interface SegmentRef {
  readonly stamp: string;
  readonly ids: readonly number[];
}

/** What a segment derives from: its message numbers and their raw bytes' hashes, and the format. */
export function segmentStamp(refs: ReadonlyArray<{ readonly id: number; readonly sha256: string }>): string {
  return sha256Of(JSON.stringify({ format: INDEX_FORMAT, chars: INDEXED_CHARS, refs: refs.map((r) => `${r.id}:${r.sha256}`) }));
}

export async function segmentExists(dir: string, stamp: string): Promise<boolean> {
  return stat(join(dir, `${stamp}.keys`)).then(
    () => true,
    () => false,
  );
}

interface WordEntry {
  ids: number[];
  /** Lower-case spellings that fold to the key ("réformes" for "reformes"): what stems are computed from. */
  variants: Set<string> | null;
}

function add(map: Map<string, WordEntry>, key: string, id: number, variant: string | null): void {
  let entry = map.get(key);
  if (!entry) map.set(key, (entry = { ids: [], variants: null }));
  if (entry.ids[entry.ids.length - 1] !== id) entry.ids.push(id);
  if (variant !== null && variant !== key) (entry.variants ??= new Set()).add(variant);
}

/**
 * The words a message is found by, as the live search finds free words: its subject, sender and
 * recipients (names and addresses), attachment names, text and attachment text. (Recipients were
 * left out before format 3: at 1M, "harbour" found 317,179 messages here and 491,925 live.)
 */
export function searchableText(message: StoredMessage): string {
  const people = addressText([message.from, message.sender, ...message.to, ...message.cc, ...message.bcc]);
  const names = message.attachments.map((a) => [a.filename, a.embeddedSubject].filter(Boolean).join(' ')).join(' ');
  return `${message.subject ?? ''}\n${people}\n${names}\n${message.text ?? ''}\n${message.attachmentText ?? ''}`.slice(0, INDEXED_CHARS);
}

/** Builds one segment from messages given one at a time, in number order (`next` returns undefined at the end). */
export async function buildSegment(dir: string, stamp: string, next: () => Promise<StoredMessage | undefined>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const words = new Map<string, WordEntry>();
  const stems = new Map<string, WordEntry>();
  const langs = new Set<string>();
  const docs = createWriteStream(join(dir, `${stamp}.docs.tmp`));
  for (let message = await next(); message; message = await next()) {
    const id = message.id;
    const lang = message.language !== null && STEMMERS[message.language] ? message.language : null;
    if (lang) langs.add(lang);
    for (const [word] of searchableText(message).matchAll(WORD)) {
      if (UNSPACED.test(word)) {
        add(words, foldWord(word), id, null);
        const parts = segmentRun(word);
        if (parts.length > 1) for (const part of parts) add(words, foldWord(part), id, null);
        continue;
      }
      const lower = word.toLowerCase();
      add(words, foldWord(word), id, lower);
      // A stem remembers the words (folded) it was made from: the merge leaves out a stem that only its own word has.
      if (lang && stemmable(word)) add(stems, stemOf(lang, lower)!, id, foldWord(word));
    }
    const date = message.dateUtc !== null ? new Date(message.dateUtc).toISOString().slice(0, 10) : '';
    const from = message.from ? message.from.name || message.from.address || '' : '';
    const excerpt = (message.text ?? '')
      .slice(0, 4 * EXCERPT_CHARS)
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, EXCERPT_CHARS);
    if (!docs.write(`${JSON.stringify([id, message.subject ?? '', from, date, excerpt])}\n`)) await once(docs, 'drain');
  }
  docs.end();
  await once(docs, 'finish');
  const lines: Array<[number, string, string]> = [];
  for (const [key, entry] of words) {
    const hash = keyHash(key);
    lines.push([hash, key, `${hash.toString(16).padStart(8, '0')}\tw\t${key}\t${[...(entry.variants ?? [])].join('|')}\t${encodeIds(entry.ids.reverse())}\n`]);
  }
  for (const [key, entry] of stems) {
    const hash = keyHash(key);
    lines.push([hash, key, `${hash.toString(16).padStart(8, '0')}\ts\t${key}\t${[...(entry.variants ?? [])].join('|')}\t${encodeIds(entry.ids.reverse())}\n`]);
  }
  lines.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  await writeLines(
    join(dir, `${stamp}.stems.tmp`),
    [...stems.keys()].map((k) => `${k}\n`),
  );
  await writeLines(join(dir, `${stamp}.langs.tmp`), [[...langs].join(',')]);
  await writeLines(
    join(dir, `${stamp}.keys.tmp`),
    lines.map((l) => l[2]),
  );
  // The .keys file last: its presence says the segment is whole (segmentExists).
  for (const ext of ['docs', 'stems', 'langs', 'keys']) await rename(join(dir, `${stamp}.${ext}.tmp`), join(dir, `${stamp}.${ext}`));
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** Segments no export refers to any more (a redacted message's old part, a withdrawn release) go. */
export async function pruneSegments(dir: string, keep: readonly SegmentRef[]): Promise<void> {
  const stamps = new Set(keep.map((s) => s.stamp));
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!stamps.has(name.split('.')[0]!)) await rm(join(dir, name), { force: true });
  }
}
