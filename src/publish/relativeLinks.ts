import { posix } from 'node:path';

/**
 * A static copy that works anywhere: at a domain's root, under any sub-path, and opened from disk
 * (file://, a USB stick). The views link root-absolute (`/emails/12`), as the live server wants;
 * the export rewrites every such link of a page it rendered to a path relative to that page, and
 * names the file of a page (`../13/index.html`), because a file:// URL of a directory shows a listing,
 * not its index.html. Only the pages Epistola renders are rewritten (their attributes are always
 * double-quoted by Preact); an email's own HTML is not touched.
 */

/** The addresses of the site that are pages (a directory with index.html); every other address is a file. */
const PAGE =
  /^\/(?:emails\/\d+(?:\/html)?|threads\/\d+|people(?:\/[^/]+)?|attachments(?:\/[0-9a-f]{64})?|releases(?:\/\d+)?|dates(?:\/\d{4}-\d{2}(?:-\d{2})?)?|keys|about|accessibility|amendments|status|search)?\/?$/;

/** The file of the copy an address is served from: `/emails/12` → `emails/12/index.html`. */
export function fileOfAddress(address: string): string {
  if (!PAGE.test(address)) return address.slice(1);
  const dir = address.replace(/^\/+|\/+$/g, '');
  return dir === '' ? 'index.html' : `${dir}/index.html`;
}

/** `target` (an address of the site, with its query and fragment) as seen from the page stored at `pageFile`. */
export function relativeAddress(pageFile: string, target: string): string {
  const cut = target.search(/[?#]/);
  const path = cut < 0 ? target : target.slice(0, cut);
  const rest = cut < 0 ? '' : target.slice(cut);
  const relative = posix.relative(posix.dirname(`/${pageFile}`), `/${fileOfAddress(path)}`);
  return `${relative}${rest}`;
}

/** Every root-absolute href, src and action of a rendered page, made relative to where the page is stored. */
export function withRelativeLinks(html: string, pageFile: string): string {
  return html.replace(/(\s(?:href|src|action)=")(\/(?!\/)[^"]*)"/g, (_all, attr: string, target: string) => `${attr}${relativeAddress(pageFile, target)}"`);
}
