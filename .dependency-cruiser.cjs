/**
 * The directions imports may take between the stage folders, written down once (docs/architecture.md).
 * Checked on the compiled JavaScript in dist/src by `npm run check:imports` (part of `npm test`):
 * dependency-cruiser cannot read TypeScript 7 sources yet, so type-only imports, which vanish when
 * compiled, are not checked here; every import that runs is.
 *
 *   foundation  errors.js version.js mail/ model/ (domain types)
 *   stages      text/ verify/ parse/ ingest/ thread/ → foundation;  query/ → verify/, text/;
 *               search/ (query plans, in-memory columns, facets, pages, snippets) → query/, text/, verify/;
 *               release/ (when a release may be published) → model/
 *   store/      → foundation, the stages (search/ among them)
 *   web/        → query/, verify/ (views: no store, no HTTP)
 *   pages/      → store/, web/ (page data read from a store: the loaders serve/ and publish/ share)
 *   pipeline/   → ingest/ parse/ thread/ verify/ store/
 *   publish/ mirror/ serve/ demo/ config/  → the above (not each other's callers)
 *   cli/        → anything; nothing imports cli/
 */
const LOW = '^dist/src/(errors\\.js|version\\.js|mail/|text/|verify/|parse/|ingest/|thread/|query/|search/|release/)';
const HIGH = '^dist/src/(store|pages|pipeline|web|serve|publish|mirror|demo|config|cli)/';
module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'An import circle: split out what both sides need.', severity: 'error', from: {}, to: { circular: true } },
    { name: 'model-is-a-floor', comment: 'Domain types import no stage, store, view or adapter.', severity: 'error', from: { path: '^dist/src/model/' }, to: { path: HIGH } },
    { name: 'nothing-imports-cli', comment: 'The CLI is the outermost adapter.', severity: 'error', from: { pathNot: '^dist/src/cli/' }, to: { path: '^dist/src/cli/' } },
    { name: 'stages-stay-low', comment: 'Parsing, verifying, threading, the query language and the search stage know no store, web or adapter.', severity: 'error', from: { path: LOW }, to: { path: HIGH } },
    { name: 'store-below-adapters', comment: 'The store knows no pipeline, view or adapter.', severity: 'error', from: { path: '^dist/src/store/' }, to: { path: '^dist/src/(pages|pipeline|web|serve|publish|mirror|demo|config|cli)/' } },
    { name: 'pages-below-adapters', comment: 'Page data is read, not served or written.', severity: 'error', from: { path: '^dist/src/pages/' }, to: { path: '^dist/src/(pipeline|serve|publish|mirror|demo|config|cli)/' } },
    { name: 'views-without-store-or-http', comment: 'Views get their data; they do not fetch it.', severity: 'error', from: { path: '^dist/src/web/' }, to: { path: '^dist/src/(store|pages|pipeline|serve|publish|mirror|demo|config|cli)/' } },
    { name: 'pipeline-not-adapters', severity: 'error', from: { path: '^dist/src/pipeline/' }, to: { path: '^dist/src/(web|serve|publish|mirror|demo|config|cli)/' } },
    { name: 'serve-not-other-adapters', severity: 'error', from: { path: '^dist/src/serve/' }, to: { path: '^dist/src/(pipeline|mirror|demo|cli)/' } },
    { name: 'publish-mirror-not-serve', severity: 'error', from: { path: '^dist/src/(publish|mirror)/' }, to: { path: '^dist/src/(pipeline|serve|demo|cli)/' } },
  ],
  options: { doNotFollow: { path: 'node_modules' }, exclude: { path: '\\.map$' } },
};
