import type { QueryNode } from '../src/query/ast.js';
import type { ArchiveReader } from '../src/store/archiveStore.js';

/** Every message number a query finds, page by page through the search: the oracle of `matchingIds`. */
export async function searchAllIds(store: ArchiveReader, ast: QueryNode): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.search(ast, { sort: 'date', limit: 1000, cursor });
    ids.push(...page.hits.map((h) => h.message.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}
