import type { MessageSummary } from '../model/message.js';

/** An Atom feed (RFC 4287) of messages: for the collection now, for each release later. */

// XML 1.0 cannot carry C0 control characters (other than tab and newlines): they are dropped.
// oxlint-disable-next-line no-control-regex
const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function atomFeed(feed: { base: string; title: string; path: string; messages: readonly MessageSummary[] }): string {
  const updated = new Date(Math.max(0, ...feed.messages.map((m) => m.dateUtc ?? 0))).toISOString();
  const entries = feed.messages.map((m) => {
    const url = `${feed.base}/emails/${m.id}`;
    const author = m.from ? `<author><name>${escapeXml(m.from.name || m.from.address)}</name></author>` : '<author><name>unknown</name></author>';
    return `<entry><id>${escapeXml(url)}</id><title>${escapeXml(m.subject ?? '(no subject)')}</title><link href="${escapeXml(url)}"/><updated>${new Date(m.dateUtc ?? 0).toISOString()}</updated>${author}</entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>${escapeXml(feed.base + feed.path)}</id><title>${escapeXml(feed.title)}</title><updated>${updated}</updated><link rel="self" href="${escapeXml(feed.base + feed.path)}"/>${entries.join('')}</feed>\n`;
}

/** The status feed: each change of a site's reachability, as seen from an observer ("mirror-nl down, seen from mirror-fr"). */
export function statusFeed(feed: {
  base: string;
  title: string;
  events: ReadonlyArray<{ at: string; observer: string; site: string; from: string | null; to: string }>;
}): string {
  const path = '/status/feed.atom';
  const events = [...feed.events].reverse().slice(0, 50);
  const updated = events[0]?.at ?? new Date(0).toISOString();
  const entries = events.map((e) => {
    const id = `${feed.base}/status#${encodeURIComponent(`${e.at}|${e.observer}|${e.site}`)}`;
    const title = `${e.site}: ${e.to}${e.from ? ` (was ${e.from})` : ''}, seen from ${e.observer}`;
    return `<entry><id>${escapeXml(id)}</id><title>${escapeXml(title)}</title><link href="${escapeXml(`${feed.base}/status`)}"/><updated>${escapeXml(e.at)}</updated><author><name>${escapeXml(e.observer)}</name></author></entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>${escapeXml(feed.base + path)}</id><title>${escapeXml(feed.title)}</title><updated>${escapeXml(updated)}</updated><link rel="self" href="${escapeXml(feed.base + path)}"/>${entries.join('')}</feed>\n`;
}
