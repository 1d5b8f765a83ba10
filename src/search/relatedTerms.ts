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

/** The `count` words of highest tf × idf among those in more than one and at most `maxShare` of the `n` messages. */
function bestTerms(tf: ReadonlyMap<string, number>, df: (term: string) => number, n: number, maxShare: number, count: number): string[] {
  const most = Math.max(2, n * maxShare);
  return [...tf.entries()]
    .map(([term, c]) => {
      const d = df(term);
      return { term, score: d > 1 && d <= most ? c * Math.log(n / d) : 0 };
    })
    .filter((t) => t.score > 0)
    .sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1))
    .slice(0, count)
    .map((t) => t.term);
}

/**
 * The message's most distinctive words (tf × idf) among those in more than one and at most
 * RELATED_MAX_DF_SHARE of the `n` messages; `df` says in how many messages a word is.
 */
export function distinctiveTerms(tf: ReadonlyMap<string, number>, df: (term: string) => number, n: number): string[] {
  return bestTerms(tf, df, n, RELATED_MAX_DF_SHARE, RELATED_TERMS);
}

/**
 * A topic's words are in more messages than rare words are (in the demo, each of "budget review
 * third quarter" is in 6% of the messages, so no word of that subject was distinctive and "read
 * also" found nothing). The core: the CORE_TERMS best words of the subject among those in at most
 * this share, two of which a related message must hold: intersections of a few posting lists,
 * cheap where ORing common words was not.
 */
const CORE_MAX_DF_SHARE = 0.35;
const CORE_TERMS = 4;

/** The words a message's related messages are found by (relatedSteps): its topic's, and its rare ones. */
export interface RelatedWords {
  readonly core: readonly string[];
  readonly rare: readonly string[];
}

/** One full-text query of the search for related messages, in a store's syntax. */
export interface RelatedStep {
  readonly match: string;
  /** By relevance; otherwise newest first. */
  readonly ranked: boolean;
}

/**
 * The queries, in order, until enough messages are found: every core word (the same topic), two of
 * them (any pair: one odd subject word such as "Newsletter" does not shut the topic out), then any
 * rare word, ranked.
 */
export function relatedSteps(
  core: readonly string[],
  rare: readonly string[],
  syntax: { readonly and: string; readonly or: string; readonly word: (term: string) => string; readonly subjectWord: (term: string) => string },
): RelatedStep[] {
  // The topic is the subject's: its words are looked for in subjects ("crane" and "schedule" are
  // side by side in the text of many messages about other things).
  const topic = syntax.subjectWord;
  const pairs = core.flatMap((a, i) => core.slice(i + 1).map((b) => `(${topic(a)}${syntax.and}${topic(b)})`));
  return [
    ...(core.length > 2 ? [{ match: core.map(topic).join(syntax.and), ranked: false }] : []),
    ...(pairs.length > 0 ? [{ match: pairs.join(syntax.or), ranked: false }] : []),
    ...(rare.length > 0 ? [{ match: rare.map(syntax.word).join(syntax.or), ranked: true }] : []),
  ];
}

export function relatedWords(subject: string | null, tf: ReadonlyMap<string, number>, df: (term: string) => number, n: number): RelatedWords {
  // The subject names the topic: the core is chosen among its words.
  const own = new Set(words(subject ?? ''));
  const core = bestTerms(new Map([...tf].filter(([term]) => own.has(term))), df, n, CORE_MAX_DF_SHARE, CORE_TERMS);
  // One word alone is no topic.
  return { core: core.length >= 2 ? core : [], rare: distinctiveTerms(tf, df, n) };
}
