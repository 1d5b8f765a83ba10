import type { MessageSummary } from '../store/archiveStore.js';

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
