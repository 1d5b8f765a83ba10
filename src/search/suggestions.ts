import type { QueryNode } from '../query/ast.js';
import { parseQuery } from '../query/parseQuery.js';
import { suggestSpelling, type Suggestion } from '../query/spelling.js';
import type { SearchOptions, SearchResult } from '../model/search.js';

/** What "did you mean" asks of a store: word counts of its vocabulary, and searches as this reader sees them. */
export interface SuggestionReader {
  wordCounts(words: readonly string[]): Promise<ReadonlyMap<string, number>>;
  search(query: QueryNode, options: SearchOptions): Promise<SearchResult>;
}

/** "Did you mean" for a query that found nothing, on this reader: its vocabulary, its visibility (query/spelling.ts). */
export function suggestionFor(reader: SuggestionReader, text: string, ast: QueryNode): Promise<Suggestion | null> {
  return suggestSpelling(text, ast, {
    wordCounts: (words) => reader.wordCounts(words),
    total: async (query) => (await reader.search(parseQuery(query), { sort: 'date', limit: 1 })).total,
  });
}
