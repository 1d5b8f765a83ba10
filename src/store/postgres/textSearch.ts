import type { TextTerm } from '../../query/ast.js';
import { WORD } from '../../text/words.js';

/**
 * Words as SQLite's unicode61 tokenizer cuts them: runs of letters, digits and combining marks;
 * everything else separates. PostgreSQL's own parser keeps e-mail addresses, host names, URLs and
 * decimals whole ("alice@example.org" is one token there, three words in SQLite); text is cut here
 * first so that a word finds the same messages in both stores. Folding case and diacritics is left
 * to the database's configuration (unaccent + simple).
 */
export function searchWords(text: string | null | undefined): string {
  if (!text) return '';
  return (text.normalize('NFC').match(WORD) ?? []).join(' ');
}

/** A word no message contains: what a term with no words at all ("!!!") looks for. */
const NO_WORD = 'epistolanowordzz0';

/** Weights of the tsvector (schema 1): which part of a message a field's words are in. */
export const FIELD_WEIGHT: Record<NonNullable<TextTerm['field']>, 'A' | 'B' | 'C' | 'D'> = {
  subject: 'A',
  from: 'B',
  to: 'C',
  cc: 'C',
  bcc: 'C',
  attachment: 'C',
  body: 'D',
  doc: 'D',
};

/** ts_rank weights for D, C, B, A: a word in the subject counts most, then the sender. */
export const RANK_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';

/**
 * One term as tsquery text for to_tsquery: its words in order (`<->`, a phrase when several),
 * `:*` on the last for a prefix, and a weight letter to stay within one part of the message.
 */
export function tsqueryOf(term: TextTerm, weight: string = ''): string {
  // Word forms (query/wordForms.ts): any of the values, each as a term of its own.
  if (term.forms && term.forms.length > 1) return `(${term.forms.map((value) => tsqueryOf({ ...term, value, forms: [value] }, weight)).join(' | ')})`;
  const words = searchWords(term.value).split(' ').filter(Boolean);
  if (words.length === 0) words.push(NO_WORD);
  const operands = words.map((w, i) => `'${w}':${i === words.length - 1 && term.prefix ? '*' : ''}${weight}`.replace(/:$/, ''));
  return operands.length === 1 ? operands[0]! : `(${operands.join(' <-> ')})`;
}

/**
 * PostgreSQL refuses a tsvector over 1 MB. Distinct words beyond this many bytes (a message of
 * random tokens, a huge log pasted in) are left out of one message's vector: the rest of it stays
 * searchable and the message is stored whole. SQLite has no such limit.
 */
export const TSVECTOR_WORD_BYTES = 512 * 1024;

/** A part's words for to_tsvector, cut where its distinct words would pass TSVECTOR_WORD_BYTES. */
export function tsvectorWords(text: string): string {
  const words = searchWords(pgText(text) as string);
  if (words.length < TSVECTOR_WORD_BYTES / 4) return words;
  const seen = new Set<string>();
  let bytes = 0;
  let end = 0;
  for (const match of words.matchAll(/\S+/g)) {
    const word = match[0].toLowerCase();
    if (!seen.has(word)) {
      seen.add(word);
      // A lexeme costs its bytes plus about 8 for its entry and positions.
      bytes += Buffer.byteLength(word) + 8;
      if (bytes > TSVECTOR_WORD_BYTES) break;
    }
    end = match.index + match[0].length;
  }
  return words.slice(0, end);
}

/** PostgreSQL text cannot hold NUL: it becomes U+FFFD (the raw message keeps every byte). */
export function pgText(value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
