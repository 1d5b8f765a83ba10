import type { ComponentChildren, VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { LANGS, type Lang, type Messages } from '../i18n.js';
import type { CollectionAbout } from '../../config/dataDir.js';

/**
 * Views are functions of plain data (no request objects), rendered to strings: the live server and
 * the static export render the same pages. Preact escapes every text and attribute value.
 */

export interface PageContext {
  readonly lang: Lang;
  readonly t: Messages;
  readonly collection: string;
  /** This page's path and query without ?lang=, for the language switcher. */
  readonly path: string;
  /** Rendered for the static export: JSON links end in .json, links to what only the live server makes (proof bundles, mbox) are left out. */
  readonly staticCopy?: boolean;
  /** The preview server's form secret: set only there, where the publisher may redact from the page. */
  readonly csrf?: string;
  /** What readers are told of the collection (`epistola config`). */
  readonly about?: CollectionAbout;
}

/** The JSON twin of a page: `/api/…` on the live server, `/api/….json` in a static copy. */
export function jsonHref(ctx: PageContext, path: string): string {
  return ctx.staticCopy ? `${path}.json` : path;
}

export function renderPage(page: VNode): string {
  return `<!doctype html>\n${render(page)}`;
}

function withLang(path: string, lang: Lang): string {
  const [base, query = ''] = path.split('?');
  const params = new URLSearchParams(query);
  params.set('lang', lang);
  return `${base}?${params.toString()}`;
}

export function Layout(props: { ctx: PageContext; title: string; children: ComponentChildren; query?: string; description?: string }): VNode {
  const { ctx } = props;
  const fr = ctx.lang === 'fr';
  // What a link shared in a chat or a post shows (Open Graph) and what search engines quote.
  const description =
    props.description ??
    ctx.about?.description ??
    (fr
      ? `${ctx.collection} : des courriels avec leur source brute et leur preuve DKIM.`
      : `${ctx.collection}: e-mails with their raw sources and DKIM proofs.`);
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${ctx.collection}`}</title>
        <meta name="description" content={description} />
        <meta property="og:title" content={props.title} />
        <meta property="og:site_name" content={ctx.collection} />
        <meta property="og:description" content={description} />
        <meta property="og:type" content="website" />
        <meta property="og:locale" content={fr ? 'fr_FR' : 'en_GB'} />
        <link rel="stylesheet" href="/static/site.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="alternate" type="application/atom+xml" href="/feed.atom" title={ctx.collection} />
      </head>
      <body>
        <a class="skip" href="#main">
          {ctx.lang === 'fr' ? 'Aller au contenu' : 'Skip to content'}
        </a>
        <header>
          <a class="brand" href="/">
            {ctx.collection}
          </a>
          <form role="search" action="/search" method="get">
            <label for="q" class="visually-hidden">
              {ctx.t.search}
            </label>
            <input id="q" name="q" type="search" value={props.query ?? ''} placeholder={ctx.t.searchPlaceholder} />
            <button type="submit">{ctx.t.search}</button>
          </form>
          <nav aria-label={ctx.lang === 'fr' ? 'Navigation' : 'Site'}>
            <a href="/releases">{ctx.t.releases}</a> <a href="/dates">{ctx.lang === 'fr' ? 'Dates' : 'Dates'}</a>{' '}
            <a href="/people">{ctx.lang === 'fr' ? 'Personnes' : 'People'}</a> <a href="/attachments">{ctx.lang === 'fr' ? 'Pièces jointes' : 'Attachments'}</a>{' '}
            <a href="/keys">{ctx.t.keys}</a> <a href="/about">{ctx.t.about}</a>{' '}
            <span aria-label={ctx.t.language}>
              {LANGS.map((lang) =>
                lang === ctx.lang ? (
                  <strong key={lang}>{lang.toUpperCase()} </strong>
                ) : (
                  <a key={lang} href={withLang(ctx.path, lang)} hreflang={lang} lang={lang}>
                    {lang.toUpperCase()}{' '}
                  </a>
                ),
              )}
            </span>
          </nav>
        </header>
        <main id="main">{props.children}</main>
        <footer>
          <a href="/about">{ctx.t.about}</a> · <a href="/amendments">{ctx.lang === 'fr' ? 'Modifications' : 'Amendments'}</a> ·{' '}
          <a href="/status">{ctx.lang === 'fr' ? 'Miroirs' : 'Mirrors'}</a> · <a href="/accessibility">{fr ? 'Accessibilité' : 'Accessibility'}</a> ·{' '}
          <a href="/api/openapi.json">API</a>
        </footer>
      </body>
    </html>
  );
}
