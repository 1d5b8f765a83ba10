import type { QueryNode } from '../query/ast.js';
import { parseQuery } from '../query/parseQuery.js';
import { suggestSpelling, type Suggestion } from '../query/spelling.js';
import type { ArchiveReader } from './archiveStore.js';

/** "Did you mean" for a query that found nothing, on this reader: its vocabulary, its visibility (query/spelling.ts). */
export function suggestionFor(reader: ArchiveReader, text: string, ast: QueryNode): Promise<Suggestion | null> {
  return suggestSpelling(text, ast, {
    wordCounts: (words) => reader.wordCounts(words),
    total: async (query) => (await reader.search(parseQuery(query), { sort: 'date', limit: 1 })).total,
  });
}
