import type { SearchReader } from '../store/archiveStore.js';
import { EVERY_MESSAGE } from '../query/ast.js';
import type { PeopleIndex, PeopleSort } from '../model/people.js';

/**
 * Everyone who wrote or was written to, from the archive's sender and recipient counts (the facet
 * columns, in memory), sorted by messages (sent and received) or by address, a page at a time; the
 * name shown is the one of the address's latest sent message.
 */
export async function peopleIndex(store: SearchReader, options: { sort: PeopleSort; offset: number; limit: number }): Promise<PeopleIndex> {
  const facets = (await store.search(EVERY_MESSAGE, { sort: 'date', limit: 1, facets: 'all' })).facets;
  const people = new Map<string, { sent: number; received: number }>();
  for (const s of facets?.senders ?? []) people.set(s.value, { sent: s.count, received: 0 });
  for (const r of facets?.recipients ?? []) people.set(r.value, { sent: people.get(r.value)?.sent ?? 0, received: r.count });
  const all = [...people].map(([address, n]) => ({ address, ...n }));
  all.sort((a, b) =>
    options.sort === 'address' ? a.address.localeCompare(b.address) : b.sent + b.received - (a.sent + a.received) || a.address.localeCompare(b.address),
  );
  const page = all.slice(options.offset, options.offset + options.limit);
  const rows = await Promise.all(
    page.map(async (p) => {
      const latest =
        p.sent > 0
          ? (await store.search({ kind: 'field', field: 'address', role: 'from', value: p.address, position: 0 }, { sort: 'date', limit: 1 })).hits[0]
          : undefined;
      return { ...p, name: latest?.message.from?.name || null };
    }),
  );
  return { total: all.length, rows };
}
