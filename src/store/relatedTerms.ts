/** Choosing the words that say what a message is about, for "read also" (every store). */

/** Words too common to say what a message is about (English and French). */
const STOPWORDS = new Set(
  `the and for that this with you are was have from not but all can will your our they what about would there their been
  has had were which when who one more also into than them then some only other out its just like could should after
  les des une est pour que qui dans par sur pas plus avec sont nous vous mais ont ces aux leur elle ils tout cette
  bien fait être avoir comme sans entre même très été re fwd wrote écrit`.split(/\s+/),
);

/** Distinctive words a message is scored on: the most frequent words of its subject and text, weighted by rarity. */
const RELATED_TERMS = 12;
/** Text read from a message to choose its words: enough to know the topic, bounded for speed. */
const RELATED_TEXT_CHARS = 4000;
/**
 * Words found in more than this share of messages are not distinctive, and their long posting
 * lists made the ranking query cost ~200 ms at 100k demo messages (every page view, every exported
 * page). Only rarer words are used: the query then ranks a few thousand rows at most.
 */
const RELATED_MAX_DF_SHARE = 0.02;

/** Folds text the way the FTS5 tokenizer does (unicode61, diacritics removed, lower case). */
function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !/^\d+$/.test(w) && !STOPWORDS.has(w));
}

/** How often each word occurs in a message's subject (3×) and the start of its text. */
export function termCounts(subject: string | null, text: string | null): Map<string, number> {
  const tf = new Map<string, number>();
  for (const w of words(subject ?? '')) tf.set(w, (tf.get(w) ?? 0) + 3);
  for (const w of words((text ?? '').slice(0, RELATED_TEXT_CHARS))) tf.set(w, (tf.get(w) ?? 0) + 1);
  return tf;
}

/**
 * The message's most distinctive words (tf × idf) among those in more than one and at most
 * RELATED_MAX_DF_SHARE of the `n` messages; `df` says in how many messages a word is.
 */
export function distinctiveTerms(tf: ReadonlyMap<string, number>, df: (term: string) => number, n: number): string[] {
  return [...tf.entries()]
    .map(([term, count]) => {
      const d = df(term);
      return { term, score: d > 1 && d <= maxDocs(n) ? count * Math.log(n / d) : 0 };
    })
    .filter((t) => t.score > 0)
    .sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1))
    .slice(0, RELATED_TERMS)
    .map((t) => t.term);
}

/** The most messages a word may be in and still count as distinctive. */
function maxDocs(n: number): number {
  return Math.max(2, n * RELATED_MAX_DF_SHARE);
}
