import { parseQuery } from '../query/parseQuery.js';
import type { ArchiveReader, SearchResult } from '../store/archiveStore.js';

/** What a person page shows (live server and static export): what they sent, with facets, and what they received. */
export async function personData(store: ArchiveReader, address: string): Promise<{ sent: SearchResult; received: SearchResult }> {
  const quoted = `"${address.replace(/"/g, '')}"`;
  const [sent, received] = await Promise.all([
    store.search(parseQuery(`from:${quoted}`), { sort: 'date', limit: 20, facets: true }),
    store.search(parseQuery(`to:${quoted} OR cc:${quoted}`), { sort: 'date', limit: 20, facets: true }),
  ]);
  return { sent, received };
}
