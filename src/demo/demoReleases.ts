import { parseQuery } from '../query/parseQuery.js';
import type { ArchiveWriter } from '../store/archiveStore.js';

/**
 * The demo's publication: 2014 and 2015 are published parts, everything later is an embargoed
 * third part, so the demo site shows what the public sees and what it does not.
 */
export async function createDemoReleases(store: ArchiveWriter, now: Date): Promise<string[]> {
  if ((await store.releases()).length > 0) return [];
  const done: string[] = [];
  for (const [title, query] of [
    ['Part 1: 2014', 'before:2015'],
    ['Part 2: 2015', 'after:2015 before:2016'],
  ] as const) {
    const { release } = await store.createRelease({ title, selection: `query: ${query}`, ids: await store.matchingIds(parseQuery(query)) });
    await store.publishRelease(release.number, now);
    done.push(`${release.number} "${title}" (${release.messages}, public)`);
  }
  const { release } = await store.createRelease({ title: 'Part 3: 2016', selection: 'all remaining messages', ids: 'all-remaining' });
  done.push(`${release.number} "Part 3: 2016" (${release.messages}, embargoed)`);
  return done;
}
