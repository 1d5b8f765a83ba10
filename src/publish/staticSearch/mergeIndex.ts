import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stemmable, stemOf } from '../../text/stems.js';
import { bucketOf, decodeIds, DOC_CHUNK, encodeIds, PAGE_IDS } from './format.js';
import type { SegmentRef } from './segments.js';

/**
 * Merges the segments of every exported message into the files the browser loads (format.ts): the
 * segments are read side by side in hash order, one bucket at a time, so memory holds one bucket,
 * not the index. A word's entry lists the stem keys its spellings have in the archive's languages
 * (the live search looks a word up also as its stems), so the browser needs no stemmer.
 */

export interface StaticIndexSummary {
  readonly bucketBits: number;
  readonly keys: number;
  readonly files: number;
  readonly bytes: number;
}

/** Bucket count (as bits) for about this many bytes of first pages: a bucket of some 16 KB at most, on average. */
function bucketBits(estimatedBytes: number): number {
  let bits = 4;
  while (bits < 16 && estimatedBytes / 2 ** bits > 16_384) bits++;
  return bits;
}

interface KeyLine {
  readonly hash: number;
  readonly kind: string;
  readonly key: string;
  readonly variants: string;
  readonly ids: string;
}

function parseLine(line: string): KeyLine {
  const [hash, kind, key, variants, ids] = line.split('\t') as [string, string, string, string, string];
  return { hash: Number.parseInt(hash, 16), kind, key, variants, ids };
}

/** A segment's lines, one at a time, with a look at the next. */
async function openLines(path: string) {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const first = await lines.next();
  let current: KeyLine | null = first.done ? null : parseLine(first.value);
  return {
    peek: () => current,
    async advance() {
      const next = await lines.next();
      current = next.done ? null : parseLine(next.value);
    },
  };
}

export async function mergeIndex(
  dir: string,
  segments: readonly SegmentRef[],
  put: (path: string, content: string) => Promise<void>,
): Promise<StaticIndexSummary> {
  const stamps = segments.map((s) => s.stamp);
  const stemKeys = new Set<string>();
  const langs = new Set<string>();
  let estimate = 0;
  for (const stamp of stamps) {
    for (const key of (await readFile(join(dir, `${stamp}.stems`), 'utf8')).split('\n')) if (key) stemKeys.add(key);
    for (const lang of (await readFile(join(dir, `${stamp}.langs`), 'utf8')).split(/[,\n]/)) if (lang) langs.add(lang);
  }
  for (const s of segments) estimate += s.ids.length * 300; // about 150 distinct keys a message, a character or two each
  const bits = bucketBits(estimate);
  const { small, spellings: stemWords } = await stemFacts(dir, stamps);
  const readers = await Promise.all(stamps.map((stamp) => openLines(join(dir, `${stamp}.keys`))));
  let keys = 0;
  let files = 0;
  let bytes = 0;
  const emit = async (path: string, content: string) => {
    files++;
    bytes += Buffer.byteLength(content);
    await put(path, content);
  };
  for (let bucket = 0; bucket < 2 ** bits; bucket++) {
    const ids = new Map<string, number[]>();
    const variants = new Map<string, Set<string>>();
    for (const reader of readers) {
      for (let line = reader.peek(); line && bucketOf(line.hash, bits) === bucket; line = reader.peek()) {
        const key = line.key; // a stem key never equals a word: it holds STEM_MARK
        const list = ids.get(key);
        const decoded = decodeIds(line.ids);
        if (list) list.push(...decoded);
        else ids.set(key, decoded);
        if (line.kind === 'w') {
          let set = variants.get(key);
          if (!set) variants.set(key, (set = new Set([key])));
          for (const v of line.variants.split('|')) if (v) set.add(v);
        }
        await reader.advance();
      }
    }
    if (ids.size === 0) continue;
    const entries: Record<string, unknown[]> = {};
    let page = 0;
    for (const [key, own] of ids) {
      // A stem key found in few messages is given inside each word's own list (no request for its bucket).
      const spellings = variants.get(key);
      const stems = new Set<string>();
      if (spellings) for (const v of spellings) if (stemmable(v)) for (const lang of langs) stems.add(stemOf(lang, v)!);
      // A stem made only from this very word finds nothing its own list does not (the Russian stem of "harbour"): left out.
      const found = [...stems].filter((s) => stemKeys.has(s) && [...(stemWords.get(s) ?? [key])].some((w) => w !== key)).sort();
      const inline = found.filter((s) => small.has(s));
      const referenced = found.filter((s) => !small.has(s));
      if (!spellings && small.has(key)) continue; // a small stem key is inlined wherever a word refers to it
      const list = inline.length === 0 ? own : [...new Set([...own, ...inline.flatMap((s) => small.get(s)!)])];
      list.sort((a, b) => b - a);
      const extra: number[] = [];
      for (let i = PAGE_IDS; i < list.length; i += PAGE_IDS) {
        await emit(
          `search/p/${bucket}/${page}.js`,
          `epistolaSearch.page(${JSON.stringify(`${bucket}/${page}`)},${JSON.stringify(encodeIds(list.slice(i, i + PAGE_IDS)))});\n`,
        );
        extra.push(page++);
      }
      const entry: unknown[] = [list.length, encodeIds(list.slice(0, PAGE_IDS)), extra];
      if (referenced.length > 0) entry.push(referenced);
      entries[key] = entry;
      keys++;
    }
    await emit(`search/b/${bucket}.js`, `epistolaSearch.bucket(${bucket},${JSON.stringify(entries)});\n`);
  }
  files += await mergeDocs(dir, stamps, async (path, content) => {
    bytes += Buffer.byteLength(content);
    await put(path, content);
  });
  return { bucketBits: bits, keys, files, bytes };
}

/** Stem keys in at most this many messages are given inside the lists of the words that have them. */
const SMALL_STEM = 64;

/** The stem keys of few messages, with their messages, and every stem key's words: a pass over the segments' stem lines. */
async function stemFacts(dir: string, stamps: readonly string[]): Promise<{ small: Map<string, number[]>; spellings: Map<string, Set<string>> }> {
  const small = new Map<string, number[]>();
  const big = new Set<string>();
  const spellings = new Map<string, Set<string>>();
  for (const stamp of stamps) {
    for await (const line of createInterface({ input: createReadStream(join(dir, `${stamp}.keys`)), crlfDelay: Infinity })) {
      if (line.charCodeAt(9) !== 0x73) continue; // "s": a stem line (after the 8 hex digits and a tab)
      const { key, ids, variants } = parseLine(line);
      let words = spellings.get(key);
      if (!words) spellings.set(key, (words = new Set()));
      for (const w of variants.split('|')) if (w) words.add(w);
      if (big.has(key)) continue;
      const list = small.get(key) ?? [];
      list.push(...decodeIds(ids));
      if (list.length > SMALL_STEM) {
        small.delete(key);
        big.add(key);
      } else small.set(key, list);
    }
  }
  return { small, spellings };
}

/** The docs files: every segment's docs in number order, merged, cut in chunks of DOC_CHUNK numbers. */
async function mergeDocs(dir: string, stamps: readonly string[], put: (path: string, content: string) => Promise<void>): Promise<number> {
  const readers = await Promise.all(
    stamps.map(async (stamp) => {
      const lines = createInterface({ input: createReadStream(join(dir, `${stamp}.docs`)), crlfDelay: Infinity })[Symbol.asyncIterator]();
      const state = {
        current: null as unknown[] | null,
        async advance() {
          const next = await lines.next();
          state.current = next.done ? null : (JSON.parse(next.value) as unknown[]);
        },
      };
      await state.advance();
      return state;
    }),
  );
  let files = 0;
  let chunk = -1;
  let docs: Record<string, unknown[]> = {};
  const flush = async () => {
    if (chunk >= 0) await put(`search/d/${chunk}.js`, `epistolaSearch.docs(${chunk},${JSON.stringify(docs)});\n`);
    if (chunk >= 0) files++;
    docs = {};
  };
  for (;;) {
    let best: (typeof readers)[number] | null = null;
    for (const r of readers) if (r.current && (!best || (r.current[0] as number) < (best.current![0] as number))) best = r;
    if (!best) break;
    const [id, ...fields] = best.current!;
    const c = Math.floor((id as number) / DOC_CHUNK);
    if (c !== chunk) {
      await flush();
      chunk = c;
    }
    docs[String(id)] = fields;
    await best.advance();
  }
  await flush();
  return files;
}
