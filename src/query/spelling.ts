import type { QueryNode, TextTerm } from './ast.js';
import { foldWord } from '../text/words.js';

/**
 * "Did you mean": when a query finds nothing, the words of it the archive does not hold, each
 * replaced by a word one typing slip away (a letter dropped, added, changed, or two swapped) that
 * the archive does hold. Only plain words anywhere are corrected (not phrases, prefixes or fields).
 * A suggestion is offered only when the corrected query itself finds messages this reader may see:
 * the vocabulary counts every message, embargoed ones too, and must not be shown through it.
 */
export interface SpellingSource {
  /** How many messages hold each of these folded words (words of fewer than two messages are absent). */
  wordCounts(words: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** How many messages this reader may see the query finds. */
  total(query: string): Promise<number>;
}

export interface Suggestion {
  readonly query: string;
  readonly total: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Candidates tried a word, the most common first: each costs one count of the corrected query. */
const CANDIDATES = 3;

/** Every string one edit from a folded word (Damerau: delete, swap, replace, insert). */
export function oneEditAway(word: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const [head, tail] = [word.slice(0, i), word.slice(i)];
    if (tail) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2));
    for (const c of LETTERS) {
      if (tail && c !== tail[0]) out.add(head + c + tail.slice(1));
      out.add(head + c + tail);
    }
  }
  out.delete(word);
  return [...out];
}

/** The plain words of a query that a slip could explain: unfielded, unquoted, no prefix, letters and digits. */
function correctable(node: QueryNode): TextTerm[] {
  if (node.kind === 'text') return node.field === null && !node.phrase && !node.prefix && /^[a-z0-9]{3,}$/.test(foldWord(node.value)) ? [node] : [];
  if (node.kind === 'and' || node.kind === 'or') return node.children.flatMap(correctable);
  return [];
}

/** A suggestion for a query that found nothing, or null. `text` is the query as typed (terms know their column in it). */
export async function suggestSpelling(text: string, ast: QueryNode, source: SpellingSource): Promise<Suggestion | null> {
  const terms = correctable(ast);
  if (terms.length === 0) return null;
  const known = await source.wordCounts(terms.map((t) => foldWord(t.value)));
  const unknown = terms.filter((t) => !known.has(foldWord(t.value)));
  if (unknown.length === 0 || unknown.length > 3) return null;
  for (const term of unknown) if (text.slice(term.position, term.position + term.value.length) !== term.value) return null;
  const replaced = (words: ReadonlyMap<TextTerm, string>) => {
    let query = text;
    // Right to left, so that the columns of the words still to replace stay right.
    for (const term of [...words.keys()].sort((a, b) => b.position - a.position))
      query = query.slice(0, term.position) + words.get(term)! + query.slice(term.position + term.value.length);
    return query;
  };
  const candidates = new Map<TextTerm, string[]>();
  for (const term of unknown) {
    const counts = await source.wordCounts(oneEditAway(foldWord(term.value)));
    const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, CANDIDATES);
    if (best.length === 0) return null;
    candidates.set(
      term,
      best.map(([word]) => word),
    );
  }
  if (unknown.length === 1) {
    // One slip: of its likeliest corrections, the one that finds the most.
    let chosen: Suggestion | null = null;
    for (const word of candidates.get(unknown[0]!)!) {
      const query = replaced(new Map([[unknown[0]!, word]]));
      const total = await source.total(query);
      if (total > 0 && (chosen === null || total > chosen.total)) chosen = { query, total };
    }
    return chosen;
  }
  // Several: each word's likeliest correction, kept if the whole finds something.
  const query = replaced(new Map([...candidates].map(([term, words]) => [term, words[0]!])));
  const total = await source.total(query);
  return total > 0 ? { query, total } : null;
}
