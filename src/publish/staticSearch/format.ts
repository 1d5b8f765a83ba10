/**
 * The static copy's search index, as files a browser loads with plain `<script>` tags (so that it
 * works from file:// as well as from any web server, where fetch() and WebAssembly modules do not
 * run on file://). Written by segments.ts and mergeIndex.ts; read by static/search.js, which repeats
 * the two functions below in plain JavaScript (test/e2e/staticSearch.test.ts checks that both find
 * what the live search finds).
 *
 *   search/b/<bucket>.js   epistolaSearch.bucket(<bucket>, {key: [df, firstPage, [extra page numbers], [stem keys]]})
 *   search/p/<bucket>/<n>.js   epistolaSearch.page("<bucket>/<n>", "<ids>")   the rest of a long posting list
 *   search/d/<chunk>.js    epistolaSearch.docs(<chunk>, {id: [subject, from, date, excerpt]})
 *
 * A key is a word folded as the live index folds it (text/words.ts), a stem key (text/stems.ts), or
 * a word of a run of Chinese, Japanese or Thai. Its bucket is the top bits of the key's FNV-1a hash, so
 * the browser finds a word's bucket without any table. Posting lists hold message numbers newest
 * first, as deltas in a base-64 varint (5 bits a character, the sixth says "more").
 */

/** 3: recipients and attachment names are indexed too, as the live search finds them. */
export const INDEX_FORMAT = 3;

/** Message numbers in a bucket's entry, at most: the rest are in pages of this size, loaded when a query needs them. */
export const PAGE_IDS = 2000;

/** Messages per docs file (search/d/<id / DOC_CHUNK>.js). */
export const DOC_CHUNK = 200;

/** FNV-1a over UTF-16 code units, 32 bits. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A key's bucket among 2^bits. */
export function bucketOf(hash: number, bits: number): number {
  return bits === 0 ? 0 : hash >>> (32 - bits);
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Message numbers in descending order → the varint text. */
export function encodeIds(ids: ArrayLike<number>): string {
  let out = '';
  let previous = 0;
  for (let i = 0; i < ids.length; i++) {
    let value = i === 0 ? ids[i]! : previous - ids[i]!;
    previous = ids[i]!;
    while (value >= 32) {
      out += DIGITS[32 | (value & 31)];
      value = Math.floor(value / 32);
    }
    out += DIGITS[value];
  }
  return out;
}

export function decodeIds(text: string): number[] {
  const ids: number[] = [];
  let value = 0;
  let scale = 1;
  for (let i = 0; i < text.length; i++) {
    const digit = DIGITS.indexOf(text[i]!);
    value += (digit & 31) * scale;
    if (digit & 32) scale *= 32;
    else {
      ids.push(ids.length === 0 ? value : ids[ids.length - 1]! - value);
      value = 0;
      scale = 1;
    }
  }
  return ids;
}
