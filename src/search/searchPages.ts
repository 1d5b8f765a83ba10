import { UsageError } from '../errors.js';
import type { SearchOptions, SnippetPart } from '../model/search.js';
import type { QueryNode } from '../query/ast.js';
import { openingOf, snippetOf, wordMatcher, type WordMatcher } from '../text/snippets.js';
import { ATTACHMENT_LABEL_END, ATTACHMENT_LABEL_START } from '../text/attachmentLabels.js';
import { positiveWords } from './queryPlan.js';

/** What every store's search shares: the cursor format, snippet markers, facet length. */

/** Opaque to callers; holds the sort key and id of the last hit, and the newest message number then. */
export interface Cursor {
  readonly s: SearchOptions['sort'];
  readonly k: number;
  readonly i: number;
  readonly u: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** A cursor that this search did not make (damaged, edited, or from another search or order). */
export class CursorError extends UsageError {
  override name = 'CursorError';
}

export function decodeCursor(text: string, sort: SearchOptions['sort']): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString()) as Cursor;
    if (cursor !== null && typeof cursor === 'object' && cursor.s === sort && [cursor.k, cursor.i, cursor.u].every((n) => Number.isFinite(n))) return cursor;
  } catch {
    // fall through
  }
  throw new CursorError('this cursor is not valid for this search (it belongs to another search or sort order)');
}

export interface SnippetRow {
  readonly id: number | string;
  readonly subject: string | null;
  readonly text_body: string | null;
  readonly search_extra: string;
  readonly search_from: string;
  readonly search_to: string;
  readonly search_cc: string;
  readonly search_bcc: string;
  readonly search_attachments: string;
  readonly search_attachment_text: string;
  readonly lang: string | null;
}

/**
 * Each hit's snippet, made from its own row (text/snippets.ts): the query's words marked where they
 * are, or the opening of the text when the query has none or none is in the text.
 */
export function snippetsOf(rows: readonly SnippetRow[], query: QueryNode): Map<number, SnippetPart[]> {
  const words = positiveWords(query);
  // A text is matched against stems of its own language only (snippets.ts tokens).
  const matcher = words.length > 0 ? wordMatcher(words, new Set(rows.flatMap((r) => (r.lang ? [r.lang] : [])))) : null;
  const snippets = new Map<number, SnippetPart[]>();
  for (const r of rows) {
    const texts = [r.text_body, r.subject, r.search_extra, r.search_from, r.search_to, r.search_cc, r.search_bcc, r.search_attachments];
    const found = matcher && (snippetOf(texts, matcher, r.lang) ?? attachmentSnippet(r.search_attachment_text, matcher, r.lang));
    snippets.set(Number(r.id), found || openingOf(r.text_body));
  }
  return snippets;
}

/** A snippet from inside an attachment, saying which file and page it quotes ("in report.pdf, page 3: …"). */
function attachmentSnippet(text: string | undefined, matcher: WordMatcher, lang: string | null): SnippetPart[] | null {
  for (const segment of (text ?? '').split(ATTACHMENT_LABEL_START)) {
    const end = segment.indexOf(ATTACHMENT_LABEL_END);
    if (end < 0) continue;
    const name = segment.slice(0, end);
    const pages = segment.slice(end + 1).split('\f');
    for (const [i, page] of pages.entries()) {
      const parts = snippetOf([page], matcher, lang);
      if (parts) return [{ text: `in ${name}${pages.length > 1 ? `, page ${i + 1}` : ''}: `, hit: false }, ...parts];
    }
  }
  return null;
}

/** Facet lists of many values (senders, recipients, folders, types) are cut to this many, unless all are asked for. */
export const FACET_TOP = 10;

/** How far the options say to cut facet lists (null: not at all). */
export function facetTop(options: Pick<SearchOptions, 'facets'>): number | null {
  return options.facets === 'all' ? null : FACET_TOP;
}

/** The page of hits out of `limit + 1` rows, and the cursor to the next page when there is one. */
export function pageOf<R extends { id: number; key: number }>(
  rows: readonly R[],
  limit: number,
  sort: SearchOptions['sort'],
  upto: number,
): { page: R[]; nextCursor: string | null; ids: number[] } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor({ s: sort, k: last.key, i: last.id, u: upto }) : null, ids: page.map((r) => r.id) };
}
