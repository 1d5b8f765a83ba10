/**
 * Words as the full-text indexes cut them, in one place for every store, the query compiler and the
 * snippets: runs of letters, digits and combining marks (SQLite's unicode61 tokenizer; PostgreSQL is
 * given text already cut this way, postgres/textSearch.ts), folded to lower case without diacritics.
 */

/** One word: letters, digits and combining marks. */
export const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** A word in lower case without diacritics, as unicode61 remove_diacritics and unaccent fold it ("Équatorien" → "equatorien"). */
export function foldWord(word: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(word)) return word.toLowerCase();
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A text's words, folded. */
export function foldedWords(text: string): string[] {
  return (text.match(WORD) ?? []).map(foldWord).filter((w) => w.length > 0);
}

/**
 * Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese): a run
 * of them is one token to the indexes, so `港口` would never find `港口报告`. Such runs are cut with
 * Unicode word segmentation (Intl.Segmenter, ICU's dictionaries). Korean is written with spaces and
 * stays as it is.
 */
export const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Made at the first unspaced run: ICU loads its word dictionaries then (16 ms of every command's start). */
let segmenter: Intl.Segmenter | undefined;

/** The words of a run of unspaced script (one index token), in order; a single word when it cannot be cut. */
export function segmentRun(run: string): string[] {
  const words: string[] = [];
  segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
  for (const s of segmenter.segment(run)) if (s.isWordLike) words.push(s.segment);
  return words;
}
