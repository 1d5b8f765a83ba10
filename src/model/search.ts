import type { MessageSummary } from './message.js';

/** A search's answer: hits with snippets, facets over the whole result, the cursor to the next page. */

/** A piece of a snippet: `hit` marks the words the query matched. */
export interface SnippetPart {
  readonly text: string;
  readonly hit: boolean;
}

export interface SearchHit {
  readonly message: MessageSummary;
  readonly snippet: readonly SnippetPart[];
  /** bm25 (lower is better) when sorted by relevance. */
  readonly score: number | null;
}

export interface FacetCount {
  readonly value: string;
  readonly count: number;
}

/** Counts over the whole result set, not just the page: each list by count (months and releases by value). */
export interface FacetLists {
  readonly senders: readonly FacetCount[];
  readonly recipients: readonly FacetCount[];
  readonly months: readonly FacetCount[];
  readonly folders: readonly FacetCount[];
  readonly releases: readonly FacetCount[];
  readonly dkim: readonly FacetCount[];
  readonly attachmentTypes: readonly FacetCount[];
  /** By detected language (ISO 639-1); messages of unknown language are not counted. */
  readonly languages: readonly FacetCount[];
}

export type FacetName = keyof FacetLists;

export interface Facets extends FacetLists {
  /** How many distinct values each facet has: more than its list shows when the list was cut (SearchOptions.facets). */
  readonly distinct: Readonly<Record<FacetName, number>>;
}

export type SearchSort = 'relevance' | 'date';

export interface SearchOptions {
  readonly sort: SearchSort;
  readonly limit: number;
  /** From a previous result's `nextCursor`: the next page, unchanged by messages added since. */
  readonly cursor?: string | null;
  /** Count facets: their first values (FACET_TOP of senders, recipients, folders, types), or 'all' of every one. */
  readonly facets?: boolean | 'all';
}

export interface SearchResult {
  readonly total: number;
  readonly sort: SearchSort;
  readonly hits: readonly SearchHit[];
  readonly nextCursor: string | null;
  readonly facets: Facets | null;
}
