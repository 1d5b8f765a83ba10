import { parseQuery } from '../query/parseQuery.js';
import type { SearchReader } from '../store/archiveStore.js';
import type { SearchResult } from '../model/search.js';

/** How many of a release's messages its page lists (with the release's facets), its API gives and its feed carries: the same live and static. */
export const RELEASE_PAGE_MESSAGES = 200;
export const RELEASE_API_MESSAGES = 100;
export const RELEASE_FEED_MESSAGES = 50;

/** A release's newest messages (date order), with facets when its page shows them. */
export function releaseMessages(store: SearchReader, release: number, limit: number, facets = false): Promise<SearchResult> {
  return store.search(parseQuery(`release:${release}`), { sort: 'date', limit, facets });
}
