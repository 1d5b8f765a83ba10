import type { TextTerm } from '../query/ast.js';
import { queryStems, STEMMERS, stemmable, stemOf } from './stems.js';
import { foldWord, segmentRun, UNSPACED, WORD } from './words.js';

/**
 * Snippets made from a message's own text, the same way for every store: the words of the query are
 * found again in the text (as written, by prefix, as a stem in the message's language, inside a run
 * of Chinese or Japanese) and the stretch of text with the most of them is shown with them marked.
 * Made here rather than by FTS5's snippet() or ts_headline(): those mark only words the index holds
 * as written, so a stem or a cut Chinese word would show no mark, and the two stores marked
 * differently.
 */

export interface SnippetPart {
  readonly text: string;
  readonly hit: boolean;
}

/** Words shown around the best stretch, as FTS5's snippet() showed (16 tokens). */
const WINDOW_WORDS = 16;
/** Of a long text only this much is read for a snippet (a pasted log of megabytes). */
export const SNIPPET_SOURCE_CHARS = 100_000;
/** An opening (a result found without words) is this long. */
const OPENING_CHARS = 200;

/** What marks a word: the query's positive words, by how they may match. */
export interface WordMatcher {
  /** Folded words that count as written; each is also a term id for the count of distinct words found. */
  readonly exact: ReadonlyMap<string, number>;
  readonly prefixes: ReadonlyArray<readonly [prefix: string, term: number]>;
  /** Marked stems (stems.ts) → term. */
  readonly stems: ReadonlyMap<string, number>;
}

/** The matcher of a query's positive words (those not under a NOT); stems in `languages` only (the texts' own; null: all). */
export function wordMatcher(terms: readonly TextTerm[], languages: ReadonlySet<string> | null = null): WordMatcher {
  const exact = new Map<string, number>();
  const prefixes: Array<[string, number]> = [];
  const stems = new Map<string, number>();
  terms.forEach((term, id) => {
    const words = term.value.match(WORD) ?? [];
    words.forEach((word, i) => {
      const folded = foldWord(word);
      if (term.prefix && i === words.length - 1) prefixes.push([folded, id]);
      else if (UNSPACED.test(word)) for (const w of segmentRun(word)) exact.set(foldWord(w), id);
      else exact.set(folded, id);
    });
    if (!term.phrase && !term.prefix && words.length === 1 && stemmable(words[0]!)) for (const stem of queryStems(words[0]!, languages)) stems.set(stem, id);
  });
  return { exact, prefixes, stems };
}

interface Token {
  readonly start: number;
  readonly end: number;
  /** The term it matches, or -1. */
  readonly term: number;
}

/** The words of a text, each with the term it matches (runs of unspaced script cut into words). */
function tokens(text: string, matcher: WordMatcher, lang: string | null): Token[] {
  const out: Token[] = [];
  const stemming = lang !== null && STEMMERS[lang] !== undefined && matcher.stems.size > 0;
  const termOf = (word: string): number => {
    const folded = foldWord(word);
    const exact = matcher.exact.get(folded);
    if (exact !== undefined) return exact;
    for (const [prefix, term] of matcher.prefixes) if (folded.startsWith(prefix)) return term;
    if (stemming && stemmable(word)) return matcher.stems.get(stemOf(lang!, word.toLowerCase())!) ?? -1;
    return -1;
  };
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    if (UNSPACED.test(word) && word.length > 1) {
      let at = m.index;
      for (const piece of segmentRun(word)) {
        const start = text.indexOf(piece, at);
        out.push({ start, end: start + piece.length, term: termOf(piece) });
        at = start + piece.length;
      }
    } else out.push({ start: m.index, end: m.index + word.length, term: termOf(word) });
  }
  return out;
}

/** The best stretch of one text: most distinct words found, then most marks; null when none is found. */
function bestWindow(list: readonly Token[]): { from: number; to: number; distinct: number; marks: number } | null {
  let best: { from: number; to: number; distinct: number; marks: number } | null = null;
  for (let i = 0; i < list.length; i++) {
    if (list[i]!.term < 0) continue;
    // Windows start a few words before a mark, so that the mark is read in its sentence.
    const from = Math.max(0, Math.min(i - 3, list.length - WINDOW_WORDS));
    const to = Math.min(list.length, from + WINDOW_WORDS);
    const found = new Set<number>();
    let marks = 0;
    for (let j = from; j < to; j++) {
      if (list[j]!.term >= 0) {
        found.add(list[j]!.term);
        marks++;
      }
    }
    if (!best || found.size > best.distinct || (found.size === best.distinct && marks > best.marks)) best = { from, to, distinct: found.size, marks };
  }
  return best;
}

/** One text's snippet around its best stretch. */
function render(text: string, list: readonly Token[], from: number, to: number): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const push = (piece: string, hit: boolean) => {
    const clean = piece.replace(/\s+/g, ' ');
    if (!clean) return;
    const last = parts.at(-1);
    if (last && last.hit === hit) parts[parts.length - 1] = { text: last.text + clean, hit };
    else parts.push({ text: clean, hit });
  };
  if (from > 0) push('…', false);
  let at = list[from]!.start;
  for (let j = from; j < to; j++) {
    const t = list[j]!;
    push(text.slice(at, t.start), false);
    push(text.slice(t.start, t.end), t.term >= 0);
    at = t.end;
  }
  if (to < list.length) push('…', false);
  return parts;
}

/**
 * The snippet of a message for the query's words: from whichever of its texts (body first, then
 * subject, attached messages, names and addresses, file names) holds the most of them; null when
 * none holds any (the caller then shows the opening).
 */
export function snippetOf(texts: ReadonlyArray<string | null>, matcher: WordMatcher, lang: string | null): SnippetPart[] | null {
  let best: { text: string; list: Token[]; from: number; to: number; distinct: number; marks: number } | null = null;
  for (const full of texts) {
    if (!full) continue;
    const text = full.slice(0, SNIPPET_SOURCE_CHARS);
    const list = tokens(text, matcher, lang);
    const window = bestWindow(list);
    if (window && (!best || window.distinct > best.distinct || (window.distinct === best.distinct && window.marks > best.marks)))
      best = { text, list, ...window };
  }
  return best ? render(best.text, best.list, best.from, best.to) : null;
}

/**
 * The opening of a message, for a result found without words: its own first lines, past what it
 * quotes (`> …` and the "On …, X wrote:" line above it) and a PGP armour header, so that replies do
 * not all open with the same quoted line.
 */
export function openingOf(text: string | null): SnippetPart[] {
  const lines = (text ?? '').split('\n');
  const foreign = (i: number) => {
    const t = lines[i]!.trim();
    // A quote, the PGP armour, or an attribution (a line ending in a colon right above a quote).
    return t.startsWith('>') || /^-----BEGIN PGP SIGNED MESSAGE-----$|^Hash: /.test(t) || (t.endsWith(':') && lines[i + 1]?.trim().startsWith('>') === true);
  };
  // The first stretch of the message's own lines, whole: a snippet is a quote of the message.
  let from = 0;
  while (from < lines.length && (foreign(from) || lines[from]!.trim() === '')) from++;
  let to = from;
  while (to < lines.length && !foreign(to)) to++;
  const opening = (from < lines.length ? lines.slice(from, to) : lines).join(' ').replace(/\s+/g, ' ').trim();
  if (!opening) return [];
  return [{ text: opening.length > OPENING_CHARS ? `${opening.slice(0, OPENING_CHARS)}…` : opening, hit: false }];
}
