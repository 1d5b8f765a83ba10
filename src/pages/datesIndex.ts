import type { MessageReader, SearchReader } from '../store/archiveStore.js';
import type { FacetCount } from '../model/search.js';
import type { MessageSummary } from '../model/message.js';
import { EVERY_MESSAGE } from '../query/ast.js';
import { parseQuery } from '../query/parseQuery.js';
import { dayQuery, monthQuery } from '../query/dateQueries.js';

/** Every month with mail and its count (the months facet of everything), the first to the last. */
export async function archiveMonths(store: SearchReader & MessageReader): Promise<readonly FacetCount[]> {
  return (await store.search(EVERY_MESSAGE, { sort: 'date', limit: 1, facets: true })).facets?.months ?? [];
}

/** A month's days (UTC) with their messages, every day of the month listed, and its latest messages. */
export async function monthDays(
  store: SearchReader & MessageReader,
  month: string,
): Promise<{ days: FacetCount[]; total: number; latest: readonly MessageSummary[] }> {
  const query = parseQuery(monthQuery(month)!);
  const ids = await store.matchingIds(query);
  const counts = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 1000) {
    for (const m of await store.summaries(ids.slice(i, i + 1000))) {
      if (m.dateUtc === null) continue;
      const day = new Date(m.dateUtc).toISOString().slice(0, 10);
      counts.set(day, (counts.get(day) ?? 0) + 1);
    }
  }
  const [y, mo] = month.split('-').map(Number) as [number, number];
  const length = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const days = Array.from({ length }, (_, d) => {
    const value = `${month}-${String(d + 1).padStart(2, '0')}`;
    return { value, count: counts.get(value) ?? 0 };
  });
  const latest = (await store.search(query, { sort: 'date', limit: 50 })).hits.map((h) => h.message);
  return { days, total: ids.length, latest };
}

/** Messages a day page lists at most, newest first; the live server's link to the day's search gives them all. */
export const DAY_PAGE_MESSAGES = 500;

/** One day's messages (UTC), newest first, at most DAY_PAGE_MESSAGES, and how many it has. */
export async function dayMessages(store: SearchReader & MessageReader, day: string): Promise<{ total: number; messages: MessageSummary[] }> {
  const found = await store.search(parseQuery(dayQuery(day)), { sort: 'date', limit: DAY_PAGE_MESSAGES });
  return { total: found.total, messages: found.hits.map((h) => h.message) };
}
