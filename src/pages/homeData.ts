import type { MessageReader, ReleaseReader, SearchReader } from '../store/archiveStore.js';
import type { Release } from '../model/release.js';
import type { FacetCount } from '../model/search.js';
import { archiveMonths } from './datesIndex.js';

/** Messages the home page lists, newest first (live and static). */
export const HOME_LATEST = 10;

/** What the home page shows; `known`: what the caller read already (the export has the releases and months). */
export async function homePageData(
  store: MessageReader & ReleaseReader & SearchReader,
  known: { readonly releases?: readonly Release[]; readonly months?: readonly FacetCount[] } = {},
) {
  return {
    stats: await store.stats(),
    latest: await store.latest(HOME_LATEST),
    releases: known.releases ?? (await store.releases()),
    months: known.months ?? (await archiveMonths(store)),
  };
}
