import { createRequire } from 'node:module';
import type snowballModule from 'snowball-stemmers';
import { foldWord } from './words.js';

/**
 * Word forms: Snowball stemmers, one per language, so that `economique` finds "économiques" and `run`
 * finds "running". A message's words are indexed also as their stems in the message's own language
 * (forms.ts); a query word is looked up also as its stem in every language that has one, each stem
 * tagged with its language, so it only ever matches messages of that language.
 */

/** ISO 639-1 → Snowball algorithm. */
export const STEMMERS: Readonly<Record<string, string>> = {
  en: 'english',
  fr: 'french',
  de: 'german',
  es: 'spanish',
  pt: 'portuguese',
  it: 'italian',
  nl: 'dutch',
  sv: 'swedish',
  da: 'danish',
  no: 'norwegian',
  fi: 'finnish',
  hu: 'hungarian',
  ro: 'romanian',
  ru: 'russian',
  tr: 'turkish',
  ca: 'catalan',
  cs: 'czech',
};

/**
 * Joins a stem and its language in the index (`runᚠen`, `economᚠfr`), so that a stem never matches
 * the same word written out (an exact `run` finds only "run") and a stem of one language never
 * matches a message of another (the French stem of `economique` is the English stem of "economic").
 * A Runic letter: a letter to every tokenizer (one word with the stem), without case or diacritics to
 * fold, and in no mail one searches.
 */
export const STEM_MARK = 'ᚠ';

/** Stems are cached per language: a stemmer takes 8–14 µs a word, a cached one 0.03 µs (measured); mail repeats its words. */
const CACHE_LIMIT = 50_000;
const caches = new Map<string, { stem(word: string): string; cache: Map<string, string> }>();

/** Loaded at the first stem: a command that stems nothing (stats, show) does not pay for it. */
const requireLazily = createRequire(import.meta.url);
let snowball: typeof snowballModule | undefined;

function stemmerFor(lang: string) {
  let entry = caches.get(lang);
  if (!entry) {
    const algorithm = STEMMERS[lang];
    if (!algorithm) return null;
    snowball ??= requireLazily('snowball-stemmers') as typeof snowballModule;
    const stemmer = snowball.newStemmer(algorithm);
    entry = { stem: (w) => stemmer.stem(w), cache: new Map() };
    caches.set(lang, entry);
  }
  return entry;
}

/** The stem of a word (lower-cased, diacritics kept: Snowball expects them) in a language, folded, marked and tagged; null when the language has no stemmer. */
export function stemOf(lang: string, word: string): string | null {
  const s = stemmerFor(lang);
  if (!s) return null;
  let stem = s.cache.get(word);
  if (stem === undefined) {
    if (s.cache.size >= CACHE_LIMIT) s.cache.clear();
    stem = `${foldWord(s.stem(word))}${STEM_MARK}${lang}`;
    s.cache.set(word, stem);
  }
  return stem;
}

/**
 * A query word's stems in every language, distinct; or in the given languages only (those an archive
 * holds: a stem is tagged with its language, so one of another language matches nothing there, and
 * making the 17 stemmers and running each once cost 28 ms of a 120 ms command).
 */
export function queryStems(word: string, languages: ReadonlySet<string> | null = null): string[] {
  const lower = word.toLowerCase();
  const langs = Object.keys(STEMMERS).filter((lang) => languages === null || languages.has(lang));
  return [...new Set(langs.map((lang) => stemOf(lang, lower)!))];
}

/** Longer runs of letters are no word of any language (a base64 line, a pasted blob): Snowball takes 100 ms and more on them. */
const MAX_WORD = 40;

/** Whether a word is worth a stem: letters only, 2 to MAX_WORD of them (numbers, codes and single letters have no forms). */
export function stemmable(word: string): boolean {
  return word.length >= 2 && word.length <= MAX_WORD && /^\p{L}[\p{L}\p{M}]*$/u.test(word);
}
