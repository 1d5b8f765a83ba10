import { UsageError } from '../errors.js';
import type { SearchOptions, SnippetPart } from './archiveStore.js';

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

export const HIT_START = '\u0002';
export const HIT_END = '\u0003';

export function snippetParts(text: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const piece of text.split(HIT_START)) {
    const end = piece.indexOf(HIT_END);
    if (end < 0) {
      if (piece) parts.push({ text: piece, hit: false });
    } else {
      parts.push({ text: piece.slice(0, end), hit: true });
      if (end + 1 < piece.length) parts.push({ text: piece.slice(end + 1), hit: false });
    }
  }
  return parts;
}

/** Facet lists are cut to this many values (months are all kept). */
export const FACET_TOP = 10;

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
