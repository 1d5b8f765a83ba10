import type { StoredMessage } from '../model/message.js';
import { MESSAGES, type Lang } from './i18n.js';
import { sanitizeEmailHtml } from './sanitizeEmailHtml.js';

/**
 * The document shown in the email page's sandboxed iframe: the sanitized HTML body, its cid: images
 * pointing at the message's own parts. The meta CSP repeats the live server's header for static
 * copies, where no header can be set.
 */
export function emailHtmlDocument(message: StoredMessage, lang: Lang, staticCopy = false): string {
  const cids = new Map(message.attachments.filter((a) => a.contentId && a.contentType.startsWith('image/')).map((a) => [a.contentId!, a.index]));
  const { html } = sanitizeEmailHtml(message.html ?? '', {
    // A static copy's document is emails/<id>/html/index.html: its images are relative to it (any path, file://).
    cidUrl: (cid) => (!cids.has(cid) ? null : staticCopy ? `../attachments/${cids.get(cid)}` : `/emails/${message.id}/attachments/${cids.get(cid)}?inline=1`),
    remoteImageLabel: MESSAGES[lang].remoteImage,
  });
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">` +
    `<title>${message.id}</title></head><body>${html}</body></html>`
  );
}
