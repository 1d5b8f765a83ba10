import { parseQuery } from '../query/parseQuery.js';
import type { SearchReader } from '../store/archiveStore.js';
import type { SearchResult } from '../model/search.js';
import type { Alias } from '../model/people.js';

/** Other addresses looked at, at most, for a name (the busiest senders of that name first). */
const ALIAS_CANDIDATES = 6;

/** What a person page shows (live server and static export): what they sent, with facets, what they received, and the other addresses of their name. */
export async function personData(store: SearchReader, address: string): Promise<{ sent: SearchResult; received: SearchResult; aliases: Alias[] }> {
  const quoted = `"${address.replace(/"/g, '')}"`;
  const [sent, received] = await Promise.all([
    store.search(parseQuery(`from:${quoted}`), { sort: 'date', limit: 20, facets: true }),
    store.search(parseQuery(`to:${quoted} OR cc:${quoted}`), { sort: 'date', limit: 20, facets: true }),
  ]);
  return { sent, received, aliases: await aliasesOf(store, address, sent) };
}

/**
 * The addresses that send under this address's name. Only strong evidence counts: a name of two
 * words or more (a first name alone is shared by many people), written exactly the same in the
 * From: field of messages of both addresses. The page says why each is listed; it merges nothing.
 */
async function aliasesOf(store: SearchReader, address: string, sent: SearchResult): Promise<Alias[]> {
  const name = sent.hits
    .map((h) => h.message.from)
    .find((a) => a?.address.toLowerCase() === address && a.name)
    ?.name?.trim();
  if (!name || !isEvidenceName(name)) return [];
  const aliases: Alias[] = [];
  for (const candidate of (await sendersNamed(store, name)).filter((s) => s !== address).slice(0, ALIAS_CANDIDATES)) {
    const theirs = await store.search(parseQuery(`from:"${candidate.replace(/"/g, '')}"`), { sort: 'date', limit: 20 });
    const same = theirs.hits.some((h) => h.message.from?.address.toLowerCase() === candidate && h.message.from.name?.trim() === name);
    if (same) aliases.push({ address: candidate, name, sent: theirs.total });
  }
  return aliases;
}

/** A name strong enough to link two addresses: two words or more (a first name alone is shared by many), nothing a query would read as syntax. */
export function isEvidenceName(name: string): boolean {
  return name.trim().split(/\s+/).length >= 2 && !/["()]/.test(name);
}

/** The addresses that send under a name, the busiest first (the senders facet of `from:"name"`). */
export async function sendersNamed(store: SearchReader, name: string): Promise<string[]> {
  const byName = await store.search(parseQuery(`from:"${name.trim()}"`), { sort: 'date', limit: 1, facets: true });
  return (byName.facets?.senders ?? []).map((s) => s.value);
}
