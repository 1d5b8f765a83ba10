import { personData } from '../web/personData.js';
import { peopleIndex, type PeopleSort } from '../web/peopleIndex.js';
import { PeopleIndexPage } from '../web/views/peopleIndexPage.js';
import { DatesPage, DayPage, MonthPage } from '../web/views/datesPages.js';
import { archiveMonths, dayMessages, monthDays } from '../web/datesIndex.js';
import { suggestionFor } from '../search/suggestions.js';
import { isCalendarDay } from '../query/dateQueries.js';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyEtag from '@fastify/etag';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VNode } from 'preact';
import type { ArchiveReader } from '../store/archiveStore.js';
import type { FacetName, SearchOptions, SearchResult, SearchSort } from '../model/search.js';
import type { Release } from '../model/release.js';
import type { StoredMessage } from '../model/message.js';
import type { BlobStore } from '../store/blobStore.js';
import { parseQuery, QueryError } from '../query/parseQuery.js';
import { EVERY_MESSAGE } from '../query/ast.js';
import type { CollectionAbout } from '../config/dataDir.js';
import { CursorError } from '../search/searchPages.js';
import { formatKeyFile } from '../verify/keyFile.js';
import { keyFacts } from '../verify/keyRecord.js';
import { KeyArchive } from '../verify/keyArchive.js';
import { verifyMessage } from '../verify/verifyMessage.js';
import { writeProofBundle } from '../verify/proofBundle.js';
import { mboxEntry } from '../mail/mboxWriter.js';
import { chooseLang, MESSAGES } from '../web/i18n.js';
import { emailHtmlDocument } from '../web/emailHtmlDocument.js';
import { DOWNLOAD_HEADERS, EMAIL_HTML_HEADERS, INLINE_IMAGE_HEADERS, PAGE_HEADERS } from '../web/securityHeaders.js';
import { renderPage, type PageContext } from '../web/views/layout.js';
import {
  AboutPage,
  AccessibilityPage,
  AmendmentsPage,
  WithdrawnPage,
  EmailPage,
  HomePage,
  monthRange,
  KeysPage,
  PersonPage,
  ReleasePage,
  ReleasesPage,
  SearchPage,
  FacetPage,
  StatusPage,
  ThreadPage,
  type MirrorStatusView,
} from '../web/views/pages.js';
import { atomFeed, statusFeed } from '../web/atomFeed.js';
import { partsDocument } from '../redact/partsDocument.js';
import { mboxName, releaseMbox, type ReleaseDownload } from '../publish/bulkDownloads.js';
import { queryExamples, subjectWords, type QueryExample } from '../web/views/readerHelp.js';
import { AttachmentIndexPage, AttachmentPage } from '../web/views/attachmentPages.js';
import { attachmentJson, attachmentViewOf, ATTACHMENTS_PER_PAGE } from '../web/attachmentData.js';
import fastifyFormbody from '@fastify/formbody';
import { timingSafeEqual } from 'node:crypto';
import { RedactResultPage } from '../web/views/redactionPanel.js';
import { OPENAPI } from '../web/openapi.js';
import { ROBOTS_TXT } from '../web/robots.js';
import { PageCache } from './pageCache.js';
import { answerClientError, classify, errorBody, HttpError, sendError } from './httpErrors.js';
import { WorkBudget, type WorkBudgetOptions } from './workBudget.js';
import { ADDRESS_PARAMS, API_SEARCH_QUERY, FACET_QUERY, SEARCH_QUERY } from './routeSchemas.js';

/**
 * The web reader: HTML pages (no JavaScript needed), a JSON API beside every page, raw messages and
 * attachments as downloads, Atom. Read-only: publishing is done with the CLI, never on the web.
 */

export interface ServerOptions {
  readonly store: ArchiveReader;
  readonly blobs: BlobStore;
  readonly blobRoot: string;
  readonly collection: string;
  /** What readers are told of the collection (`epistola config`). */
  readonly about?: CollectionAbout;
  /** Requests a client may make to search and the API per minute. */
  readonly rateLimitPerMinute?: number;
  readonly logger?: boolean;
  /** The collection's public signing key, shown on the about page. */
  readonly collectionKey?: { readonly publicPem: string; readonly fingerprint: string } | null;
  /** Reads the last `mirror status --save` (null when there is none). */
  readonly mirrorStatus?: () => Promise<MirrorStatusView | null>;
  /** Memory for rendered pages (default 64 MB). */
  readonly pageCacheBytes?: number;
  /**
   * The proxies allowed to say who the client is (X-Forwarded-For): addresses or CIDRs. Without
   * them a client is its socket address, so a flood cannot dodge the rate limit with a new header.
   */
  readonly trustProxy?: readonly string[];
  /** The bound on searches, mbox downloads and proof bundles across all clients. */
  readonly workBudget?: WorkBudgetOptions;
  /**
   * Where a release's bulk download (releases/<n>/release-<n>.mbox.gz) is built on first request
   * and kept (bulkDownloads.ts); without it the live site offers none.
   */
  readonly downloadsDir?: string;
  /** serve --preview: redaction from the email page (POST /emails/:id/redact, with the form's secret). */
  readonly publisher?: PublisherActions;
}

/** What a redaction form asks for (the preview server's publisher actions). */
export interface RedactForm {
  readonly id: number;
  /** One text to take out per line. */
  readonly texts: readonly string[];
  readonly headers: readonly string[];
  readonly attachments: readonly number[];
  readonly reason: string;
  readonly dryRun: boolean;
}

/** Writes the publisher may make from the preview server (serve --preview, 127.0.0.1 only). */
export interface PublisherActions {
  /** A random secret of this server process, in every form it renders: no other site can post one. */
  readonly csrf: string;
  redact(form: RedactForm): Promise<{ readonly ok: boolean; readonly lines: readonly string[] }>;
}

export interface ServedRoute {
  readonly method: string;
  /** With its parameters as Fastify writes them (`/emails/:id`). */
  readonly url: string;
}

const ROUTES = new WeakMap<FastifyInstance, readonly ServedRoute[]>();

/** The routes a server built by `buildServer` answers. */
export function servedRoutes(app: FastifyInstance): readonly ServedRoute[] {
  return ROUTES.get(app) ?? [];
}

/**
 * Downloads never kept in the page cache (streamed, or large). Raw messages are: the small ones are
 * sent as one buffer, and only those are cached (a streamed answer never is).
 */
// /status changes with `mirror status --save`, not with the archive (the cache's key): it is read each time.
const UNCACHED = /^\/emails\/\d+\/(attachments|proof)|^\/search\.mbox|\/mbox(\?|$)|\.mbox\.gz(\?|$)|^\/status(\/|\?|$)/;
/** Rate-limited routes look in the cache in their handler, after the limit (a global hook runs before it). */
const RATE_LIMITED = /^\/(api\/)?(search|people)/;
/** Routes whose answers cost real work (searches, person pages, mbox and proof bundles): they share the work budget. */
const EXPENSIVE = /^\/(api\/)?(search|people)|\/mbox(\?|$)|\/proof\.tar\.gz/;

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'static');
/** Messages in one mbox download of a search result, at most. */
const MBOX_SEARCH_LIMIT = 500;
const API_PAGE_LIMIT = 100;
const ATTACHMENTS_QUERY = {
  type: 'object',
  properties: { type: { type: 'string', maxLength: 40 }, page: { type: 'integer', minimum: 1, maximum: 100000 } },
} as const;

const PEOPLE_QUERY = {
  type: 'object',
  properties: { sort: { type: 'string', enum: ['messages', 'address'] }, page: { type: 'integer', minimum: 1, maximum: 100000 } },
} as const;
/** Rows of the people index a page. */
const PEOPLE_PER_PAGE = 200;

function contextOf(request: FastifyRequest, site: { readonly collection: string; readonly about?: CollectionAbout }): PageContext {
  const query = request.query as Record<string, unknown>;
  const lang = chooseLang(query.lang, request.headers['accept-language']);
  const url = new URL(request.url, 'http://x');
  url.searchParams.delete('lang');
  return { lang, t: MESSAGES[lang], collection: site.collection, path: `${url.pathname}${url.search}`, ...(site.about ? { about: site.about } : {}) };
}

function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).header('vary', 'accept-language').type('text/html; charset=utf-8').send(renderPage(page));
}

/** A message, thread or release number as written in its address: digits only (`1e3` is not 1000). */
function idParam(request: FastifyRequest): number | null {
  const text = (request.params as { id?: string }).id ?? '';
  return /^[1-9]\d{0,14}$/.test(text) ? Number(text) : null;
}

/** `filename` for Content-Disposition: ASCII fallback plus the RFC 5987 UTF-8 form. */
function disposition(kind: 'attachment' | 'inline', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { store, blobs, collection } = options;
  const site = { collection, ...(options.about ? { about: options.about } : {}) };
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? [...options.trustProxy] : false,
    // An address can be 254 characters, percent-encoded up to three times as long.
    routerOptions: { maxParamLength: 1024 },
    // A request that has not fully arrived after this long is answered 408 (slow clients hold no socket for ever).
    requestTimeout: 30_000,
    // Node answers a request without Host with an empty 400 of its own; it gets the site's page instead (hook below).
    http: { requireHostHeader: false },
    // Errors found before a route is chosen (bad percent-encoding, an over-long segment) get the site's page too.
    frameworkErrors: (error, request, reply) => {
      const { status, message } = classify(error, MESSAGES[chooseLang(undefined, request.headers['accept-language'])]);
      return sendError(request, reply, status, message, {}, collection);
    },
    clientErrorHandler: (error, socket) => answerClientError(error, socket, collection),
  });
  // Every route, as registered: the fuzz and embargo tests walk this list, so a new route cannot escape them.
  const routes: ServedRoute[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && !request.headers.host) throw new HttpError(400, contextOf(request, site).t.badRequest);
  });
  const budget = new WorkBudget(options.workBudget);
  /** Runs expensive work within the budget shared by all clients; a spent budget answers 503 "busy". */
  /** Runs work inside the shared search budget; `busy` answers when the budget has no room. */
  const spend = async <T>(work: () => Promise<T>, busy: () => T): Promise<T> => {
    const done = budget.tryStart();
    if (!done) return busy();
    try {
      return await work();
    } finally {
      done();
    }
  };
  const withinBudget = <T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> =>
    spend(work, () => {
      throw new HttpError(503, contextOf(request, site).t.busy, { 'retry-after': '1' });
    });
  await app.register(fastifyEtag, { weak: true });
  await app.register(fastifyRateLimit, {
    global: false,
    max: options.rateLimitPerMinute ?? 300,
    timeWindow: 60_000,
    errorResponseBuilder: (request, context) => {
      const ctx = contextOf(request, site);
      return Object.assign(new Error(`${ctx.t.tooManyRequests} (${context.max}/min)`), { statusCode: 429, ctx });
    },
  });
  await app.register(fastifyStatic, { root: options.blobRoot, serve: false });
  const limited = { config: { rateLimit: { max: options.rateLimitPerMinute ?? 300, timeWindow: 60_000 } } };

  // Rendered pages and JSON are served from memory until the archive changes; downloads are streamed
  // from disk. Rate-limited routes (search, people) check the cache in their handlers, after the limit.
  const cache = new PageCache(options.pageCacheBytes ?? 64 * 1024 * 1024, () => store.dataVersion());
  const cacheKey = (request: FastifyRequest) =>
    // A Range request wants part of an answer: never from, nor into, the cache.
    request.method === 'GET' && !UNCACHED.test(request.url) && request.headers.range === undefined
      ? `${chooseLang((request.query as Record<string, string | undefined>).lang, request.headers['accept-language'])} ${request.url}`
      : null;
  const fromCache = new WeakSet<FastifyRequest>();
  /** Sends the cached response for this request, if there is one; returns whether it did. */
  const fromCacheSent = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const key = cacheKey(request);
    const hit = key ? cache.get(key) : undefined;
    if (!hit) return false;
    fromCache.add(request);
    void reply.headers(hit.headers).send(hit.body);
    return true;
  };
  // A spent budget is answered before anything else is done: under a flood from many addresses the
  // refusals themselves must cost next to nothing, or they fill the main thread and pages wait
  // (bench/load.sh: a reader got 16 pages/s during a search flood when each refusal rendered a page).
  const busyPages = new Map<string, { type: string; body: string }>();
  app.addHook('onRequest', async (request, reply) => {
    if (!EXPENSIVE.test(request.url) || budget.available()) return;
    const cached = cacheKey(request);
    if (cached !== null && cache.get(cached)) return; // a cached answer costs nothing: it is still given
    budget.refused++;
    const ctx = contextOf(request, site);
    const api = request.url.startsWith('/api/');
    const key = `${ctx.lang} ${api}`;
    let busy = busyPages.get(key);
    if (!busy) busyPages.set(key, (busy = errorBody(api, 503, ctx.t.busy, { lang: ctx.lang, collection, path: '/' })));
    return reply.code(503).headers(PAGE_HEADERS).header('retry-after', '1').header('vary', 'accept-language').type(busy.type).send(busy.body);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!RATE_LIMITED.test(request.url) && fromCacheSent(request, reply)) return reply;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const key = fromCache.has(request) ? null : cacheKey(request);
    if (key && reply.statusCode === 200 && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
      const headers = Object.fromEntries(
        Object.entries(reply.getHeaders()).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'content-length'),
      );
      cache.set(key, { headers, body: Buffer.from(payload) });
    }
    return payload;
  });

  const loadMessage = async (request: FastifyRequest): Promise<StoredMessage | null> => {
    const id = idParam(request);
    return id === null ? null : ((await store.getMessage(id)) ?? null);
  };
  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendError(request, reply, 404, contextOf(request, site).t.notFound, {}, collection);
  app.setNotFoundHandler(notFound);
  app.setErrorHandler((error: Error, request, reply) => {
    const { status, message, headers } = classify(error, contextOf(request, site).t);
    if (status >= 500) request.log.error(error);
    return sendError(request, reply, status, message, headers, collection);
  });

  const sendStatic = async (reply: FastifyReply, file: string, type: string) =>
    reply
      .headers(PAGE_HEADERS)
      .type(type)
      .header('cache-control', 'public, max-age=3600')
      .send(await readFile(join(STATIC_DIR, file)));
  app.get('/static/site.css', async (_request, reply) => sendStatic(reply, 'site.css', 'text/css; charset=utf-8'));
  // Browsers ask for an icon on every page: without one, each page logs a 404 in the console.
  app.get('/static/favicon.svg', async (_request, reply) => sendStatic(reply, 'favicon.svg', 'image/svg+xml'));
  // Search engines may index the archive (what a publication wants); Lighthouse's SEO check reads it too.
  app.get('/robots.txt', async (_request, reply) => reply.headers(PAGE_HEADERS).type('text/plain; charset=utf-8').send(ROBOTS_TXT));
  // The about page's recipe: a signature checked with dkimpy against the archived keys (text, never run by the browser).
  app.get('/static/verify-dkim.py', async (_request, reply) => sendStatic(reply, 'verify-dkim.py', 'text/plain; charset=utf-8'));

  // Home
  app.get('/', async (request, reply) => {
    const ctx = contextOf(request, site);
    const stats = await store.stats();
    return sendPage(reply, HomePage({ ctx, stats, latest: await store.latest(10), releases: await store.releases(), months: await archiveMonths(store) }));
  });
  app.get('/api/stats', async (_request, reply) => reply.headers(PAGE_HEADERS).send({ collection, ...(await store.stats()) }));

  // Search
  // Parameters are checked by each route's schema (routeSchemas.ts): a repeated or over-long one is a 400.
  const runSearch = async (request: FastifyRequest, limit: number, facets: SearchOptions['facets'] = true) => {
    const params = request.query as { q?: string; sort?: SearchSort; cursor?: string };
    const q = params.q?.trim() ?? '';
    const sort: SearchSort = params.sort ?? 'relevance';
    const cursor = params.cursor ?? null;
    if (!q) return { q, sort, result: null, error: null };
    let query;
    try {
      query = parseQuery(q);
    } catch (error) {
      return { q, sort, result: null, error: (error as Error).message };
    }
    try {
      return { q, sort, result: await withinBudget(request, () => store.search(query, { sort, limit, cursor, facets })), error: null };
    } catch (error) {
      if (error instanceof CursorError) throw new HttpError(400, contextOf(request, site).t.badCursor);
      throw error;
    }
  };
  // The search help's examples are made of this archive's values (its busiest sender, first month,
  // words of a recent subject), and each is run once: only those that find something are shown.
  // Worked out once per version of the archive.
  let helpMemo: { version: string; examples: Promise<QueryExample[]> } | undefined;
  const helpExamples = () => {
    const version = store.dataVersion();
    if (helpMemo?.version !== version) {
      const examples = Promise.all([
        store.stats(),
        store.latest(20),
        store.releases(),
        store.search(EVERY_MESSAGE, { sort: 'date', limit: 1, facets: true }),
      ]).then(async ([stats, latest, releases, everything]) => {
        const candidates = queryExamples({
          sender: everything.facets?.senders[0]?.value ?? null,
          recipient: everything.facets?.recipients[0]?.value ?? null,
          month: stats.firstDate?.slice(0, 7) ?? null,
          release: releases[0]?.number ?? null,
          words: subjectWords(latest.map((m) => m.subject ?? '')),
          attachments: (everything.facets?.attachmentTypes.length ?? 0) > 0,
          verified: (stats.dkim.verified ?? 0) > 0,
        });
        const found = await Promise.all(candidates.map(async (e) => (await store.search(parseQuery(e.query), { sort: 'date', limit: 1 })).total > 0));
        return candidates.filter((_e, i) => found[i]);
      });
      helpMemo = { version, examples };
      examples.catch(() => (helpMemo = undefined));
    }
    return helpMemo.examples;
  };
  // A first page that found nothing may hold a typing slip: the nearest query that finds something.
  // Extra work, so only when the search budget has room; the answer never fails for want of it.
  const suggestionOf = async (request: FastifyRequest, q: string, result: SearchResult | null) => {
    if (!result || result.total > 0 || (request.query as { cursor?: string }).cursor) return null;
    return spend(
      () => suggestionFor(store, q, parseQuery(q)),
      () => null,
    );
  };
  const searchRoute = { ...limited, schema: { querystring: SEARCH_QUERY } };
  app.get('/search', searchRoute, async (request, reply) => {
    if (fromCacheSent(request, reply)) return reply;
    const ctx = contextOf(request, site);
    const { q, sort, result, error } = await runSearch(request, 20);
    const suggestion = await suggestionOf(request, q, result);
    return sendPage(reply, SearchPage({ ctx, query: q, sort, result, error, help: await helpExamples(), suggestion }), error ? 400 : 200);
  });
  // Every value of one facet of a search: the page the facets' "All values" link opens.
  app.get('/search/facet', { ...limited, schema: { querystring: FACET_QUERY } }, async (request, reply) => {
    if (fromCacheSent(request, reply)) return reply;
    const ctx = contextOf(request, site);
    const kind = (request.query as { facet: FacetName }).facet;
    const { q, sort, result, error } = await runSearch(request, 1, 'all');
    if (!q) throw new HttpError(400, 'q is required');
    return sendPage(reply, FacetPage({ ctx, query: q, sort, kind, result, error }), error ? 400 : 200);
  });
  app.get('/api/search', { ...limited, schema: { querystring: API_SEARCH_QUERY } }, async (request, reply) => {
    if (fromCacheSent(request, reply)) return reply;
    const params = request.query as { limit?: number; facets?: 'all' };
    const limit = Math.min(API_PAGE_LIMIT, params.limit ?? 20);
    const { q, result, error } = await runSearch(request, limit, params.facets ?? true);
    if (error || !result) throw new HttpError(400, error ?? 'q is required');
    return reply.headers(PAGE_HEADERS).send({ ...result, suggestion: await suggestionOf(request, q, result) });
  });
  app.get('/search.mbox', searchRoute, async (request, reply) => {
    const { result, error } = await runSearch(request, MBOX_SEARCH_LIMIT);
    if (error || !result) throw new HttpError(400, error ?? 'q is required');
    return withinBudget(request, () =>
      sendMbox(
        reply,
        result.hits.map((h) => h.message.id),
        'search.mbox',
      ),
    );
  });

  const sendMbox = async (reply: FastifyReply, ids: readonly number[], filename: string) => {
    const parts: Buffer[] = [];
    for (const id of ids) {
      const m = await store.getMessage(id);
      if (m) parts.push(mboxEntry(await blobs.read(m.sha256), m.from?.address ?? '', m.dateUtc ?? 0));
    }
    return reply
      .headers(DOWNLOAD_HEADERS)
      .type('application/mbox')
      .header('content-disposition', disposition('attachment', filename))
      .send(Buffer.concat(parts));
  };

  // Email
  app.get('/emails/:id', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message) {
      // A message taken down says so, with the signed entry: nothing disappears silently.
      const id = idParam(request);
      const amendment = id === null ? null : await store.withdrawal(id);
      if (id !== null && amendment) return sendPage(reply, WithdrawnPage({ ctx: contextOf(request, site), id, amendment }), 410);
      return notFound(request, reply);
    }
    const ctx = { ...contextOf(request, site), ...(options.publisher ? { csrf: options.publisher.csrf } : {}) };
    const thread = message.threadId !== null ? await store.thread(message.threadId) : [];
    const related = await store.related(message.id, 5);
    const permalink = `${request.protocol}://${request.host}/emails/${message.id}`;
    return sendPage(reply, EmailPage({ ctx, message, thread, related, permalink }));
  });
  if (options.publisher) registerPublisherRoutes(app, options.publisher, collection);
  app.get('/api/emails/:id', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message) return notFound(request, reply);
    // Where the publisher's files were (paths on their machine) is not for the public.
    const { html: _html, locations: _locations, ...rest } = message;
    return reply.headers(PAGE_HEADERS).send({ ...rest, hasHtml: message.html !== null, links: emailLinks(message.id) });
  });
  app.get('/emails/:id/parts.json', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message?.redaction) return notFound(request, reply);
    return reply.headers(PAGE_HEADERS).send(partsDocument(message.id, message.sha256, message.redaction));
  });
  app.get('/emails/:id/raw', async (request, reply) => {
    // What DKIM checkers fetch, so it asks the store for the blob's hash alone (not the whole message).
    const id = idParam(request);
    const blob = id === null ? undefined : await store.rawBlob(id);
    if (!blob) return notFound(request, reply);
    reply.headers(DOWNLOAD_HEADERS).header('content-disposition', disposition('attachment', `${id}.eml`));
    if (blob.size > SMALL_BLOB_BYTES || request.headers.range !== undefined) {
      return reply.sendFile(relativeBlob(blob.sha256), options.blobRoot, BLOB_SEND).type('message/rfc822');
    }
    // Small ones (nearly all mail) are read whole, and then served from the page cache like a page;
    // the content hash is the ETag (the same on every node; the etag plugin answers If-None-Match).
    reply.header('etag', `"${blob.sha256}"`).header('cache-control', BLOB_CACHE_CONTROL).header('accept-ranges', 'bytes');
    return reply.type('message/rfc822').send(await blobs.read(blob.sha256));
  });
  app.get('/emails/:id/html', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message?.html) return notFound(request, reply);
    const doc = emailHtmlDocument(message, contextOf(request, site).lang);
    return reply.headers(EMAIL_HTML_HEADERS).type('text/html; charset=utf-8').send(doc);
  });
  app.get('/emails/:id/attachments/:idx', async (request, reply) => {
    const message = await loadMessage(request);
    const idx = /^\d{1,6}$/.test((request.params as { idx: string }).idx) ? Number((request.params as { idx: string }).idx) : -1;
    const attachment = message?.attachments.find((a) => a.index === idx);
    if (!message || !attachment) return notFound(request, reply);
    // Only images referenced by cid: are shown inline (inside the sandboxed email HTML); all else downloads.
    const inline = (request.query as Record<string, string>).inline === '1' && /^image\/(png|gif|jpeg|webp)$/.test(attachment.contentType);
    return reply
      .headers(inline ? INLINE_IMAGE_HEADERS : DOWNLOAD_HEADERS)
      .header('content-disposition', disposition(inline ? 'inline' : 'attachment', attachment.filename ?? `attachment-${idx}`))
      .sendFile(relativeBlob(attachment.sha256), options.blobRoot, BLOB_SEND)
      .type(inline ? attachment.contentType : /^[\w.+-]+\/[\w.+-]+$/.test(attachment.contentType) ? attachment.contentType : 'application/octet-stream');
  });
  /** The page of a distinct attachment, if a visible message has it. */
  const attachmentPage = async (request: FastifyRequest, reply: FastifyReply, sha256: string) => {
    const view = await attachmentViewOf(store, sha256);
    if (!view) return notFound(request, reply);
    return sendPage(reply, AttachmentPage({ ctx: contextOf(request, site), ...view }));
  };
  app.get('/attachments/:sha256', async (request, reply) => {
    const { sha256 } = request.params as { sha256: string };
    return /^[0-9a-f]{64}$/.test(sha256) ? attachmentPage(request, reply, sha256) : notFound(request, reply);
  });
  app.get('/api/attachments/:sha256', async (request, reply) => {
    const { sha256 } = request.params as { sha256: string };
    const view = /^[0-9a-f]{64}$/.test(sha256) ? await attachmentViewOf(store, sha256) : null;
    if (!view) return notFound(request, reply);
    return reply.headers(PAGE_HEADERS).send(attachmentJson(view));
  });
  app.get('/emails/:id/attachments/:idx/text', async (request, reply) => {
    const message = await loadMessage(request);
    const idx = /^\d{1,6}$/.test((request.params as { idx: string }).idx) ? Number((request.params as { idx: string }).idx) : -1;
    const attachment = message?.attachments.find((a) => a.index === idx);
    return attachment ? attachmentPage(request, reply, attachment.sha256) : notFound(request, reply);
  });
  app.get('/attachments', { schema: { querystring: ATTACHMENTS_QUERY } }, async (request, reply) => {
    const query = request.query as { type?: string; page?: number };
    const type = query.type && /^[a-z0-9.+-]{1,40}$/i.test(query.type) ? query.type : null;
    const page = query.page ?? 1;
    const index = await store.attachmentIndex({ limit: ATTACHMENTS_PER_PAGE, offset: (page - 1) * ATTACHMENTS_PER_PAGE, type });
    return sendPage(reply, AttachmentIndexPage({ ctx: contextOf(request, site), index, type, page, perPage: ATTACHMENTS_PER_PAGE }));
  });
  app.get('/emails/:id/proof.tar.gz', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message) return notFound(request, reply);
    const bytes = await withinBudget(request, async () => {
      const raw = await blobs.read(message.sha256);
      // A redacted message's stored report is the publisher's check of the original: the bundle's is of these bytes.
      const report =
        message.redaction || !message.verification ? await verifyMessage(raw, { keys: new KeyArchive(await store.keyRecords()) }) : message.verification;
      const dir = await mkdtemp(join(tmpdir(), 'epistola-proof-'));
      try {
        const outFile = join(dir, 'proof.tar.gz');
        await writeProofBundle({ id: message.id, raw, report, outFile, redaction: message.redaction });
        return await readFile(outFile);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    return reply
      .headers(DOWNLOAD_HEADERS)
      .type('application/gzip')
      .header('content-disposition', disposition('attachment', `message-${message.id}-proof.tar.gz`))
      .send(bytes);
  });

  // Releases (the store shows the public only published ones)
  const releaseOf = async (request: FastifyRequest) => {
    const number = idParam(request);
    return number === null ? undefined : (await store.releases()).find((r) => r.number === number);
  };
  const releaseMessages = (number: number, limit: number, facets = false) => store.search(parseQuery(`release:${number}`), { sort: 'date', limit, facets });
  app.get('/releases', async (request, reply) => sendPage(reply, ReleasesPage({ ctx: contextOf(request, site), releases: await store.releases() })));
  // A release's mbox.gz, built on the first request in the background (minutes for a big release; a
  // 503 with Retry-After meanwhile), kept by a stamp of its messages, so it follows redactions and
  // withdrawals. Only the public's messages: the store is opened for the public (not in --preview).
  const downloadsDir = options.publisher ? undefined : options.downloadsDir;
  const builds = new Map<string, Promise<Omit<ReleaseDownload, 'torrent'>>>();
  const builtPaths = new Map<number, string>();
  const builtSizes = new Map<string, number>();
  const buildMbox = (release: Release) => {
    const key = `${release.number}|${store.dataVersion()}`;
    let build = builds.get(key);
    if (!build) {
      build = store.messageIds(release.number).then(async (ids) => {
        const made = await releaseMbox(store, blobs, downloadsDir!, release, ids);
        // The file of the release's messages before a redaction or a withdrawal is nobody's download any more.
        const before = builtPaths.get(release.number);
        if (before && before !== made.path) for (const old of [before, `${before}.sha256`]) await rm(old, { force: true });
        builtPaths.set(release.number, made.path);
        builtSizes.set(key, made.size);
        return made;
      });
      builds.set(key, build);
      build.catch(() => builds.delete(key));
    }
    return build;
  };
  const builtMbox = async (release: Release) => {
    const build = buildMbox(release);
    return Promise.race([build, new Promise<null>((done) => setTimeout(() => done(null), 3000).unref())]);
  };
  app.get('/releases/:id', async (request, reply) => {
    const release = await releaseOf(request);
    if (!release) return notFound(request, reply);
    // The size when the file is built already; a page view starts no build (a crawler would start one per release).
    const downloads = downloadsDir
      ? { mbox: mboxName(release.number), bytes: builtSizes.get(`${release.number}|${store.dataVersion()}`) ?? null, torrent: null }
      : undefined;
    return sendPage(reply, ReleasePage({ ctx: contextOf(request, site), release, messages: await releaseMessages(release.number, 200, true), downloads }));
  });
  app.get('/releases/:id/:file', async (request, reply) => {
    const release = await releaseOf(request);
    if (!release || !downloadsDir || (request.params as { file: string }).file !== mboxName(release.number)) return notFound(request, reply);
    const built = await builtMbox(release);
    if (!built) throw new HttpError(503, contextOf(request, site).t.preparingDownload, { 'retry-after': '30' });
    reply.header('content-disposition', disposition('attachment', built.name)).header('x-content-type-options', 'nosniff');
    return reply.sendFile(basename(built.path), downloadsDir, { ...BLOB_SEND, maxAge: 0, immutable: false }).type('application/gzip');
  });
  app.get('/api/releases', async (_request, reply) => reply.headers(PAGE_HEADERS).send(await store.releases()));
  app.get('/api/releases/:id', async (request, reply) => {
    const release = await releaseOf(request);
    if (!release) return notFound(request, reply);
    return reply.headers(PAGE_HEADERS).send({ ...release, latest: (await releaseMessages(release.number, 100)).hits.map((h) => h.message) });
  });
  app.get('/releases/:id/feed.atom', async (request, reply) => {
    const release = await releaseOf(request);
    if (!release) return notFound(request, reply);
    const base = `${request.protocol}://${request.host}`;
    const messages = (await releaseMessages(release.number, 50)).hits.map((h) => h.message);
    return reply
      .headers(PAGE_HEADERS)
      .type('application/atom+xml; charset=utf-8')
      .send(atomFeed({ base, title: `${collection}: ${release.title}`, path: `/releases/${release.number}/feed.atom`, messages }));
  });

  // Threads
  app.get('/threads/:id', async (request, reply) => {
    const id = idParam(request);
    const messages = id === null ? [] : await store.thread(id);
    if (id === null || messages.length === 0) return notFound(request, reply);
    return sendPage(reply, ThreadPage({ ctx: contextOf(request, site), threadId: id, messages }));
  });
  app.get('/api/threads/:id', async (request, reply) => {
    const id = idParam(request);
    const messages = id === null ? [] : await store.thread(id);
    if (id === null || messages.length === 0) return notFound(request, reply);
    return reply.headers(PAGE_HEADERS).send({ threadId: id, messages });
  });
  app.get('/threads/:id/mbox', async (request, reply) => {
    const id = idParam(request);
    const messages = id === null ? [] : await store.thread(id);
    if (id === null || messages.length === 0) return notFound(request, reply);
    return withinBudget(request, () =>
      sendMbox(
        reply,
        messages.map((m) => m.id),
        `thread-${id}.mbox`,
      ),
    );
  });

  // Dates: every month, then a month's days (each a search of that day)
  app.get('/dates', async (request, reply) => sendPage(reply, DatesPage({ ctx: contextOf(request, site), months: monthRange(await archiveMonths(store)) })));
  // A month (`2015-03`) or a day (`2015-03-07`), at the addresses the static copy has them too.
  app.get('/dates/:period', async (request, reply) => {
    const period = (request.params as { period: string }).period;
    if (/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) {
      const { days, total, latest } = await withinBudget(request, () => monthDays(store, period));
      if (total === 0) return notFound(request, reply);
      return sendPage(reply, MonthPage({ ctx: contextOf(request, site), month: period, days, total, latest }));
    }
    if (!isCalendarDay(period)) return notFound(request, reply);
    const found = await withinBudget(request, () => dayMessages(store, period));
    if (found.total === 0) return notFound(request, reply);
    return sendPage(reply, DayPage({ ctx: contextOf(request, site), day: period, ...found }));
  });

  // People
  app.get('/people', { schema: { querystring: PEOPLE_QUERY } }, async (request, reply) => {
    const query = request.query as { sort?: PeopleSort; page?: number };
    const sort = query.sort ?? 'messages';
    const page = query.page ?? 1;
    const index = await withinBudget(request, () => peopleIndex(store, { sort, offset: (page - 1) * PEOPLE_PER_PAGE, limit: PEOPLE_PER_PAGE }));
    return sendPage(reply, PeopleIndexPage({ ctx: contextOf(request, site), index, sort, page, perPage: PEOPLE_PER_PAGE }));
  });
  // The address arrives decoded once by the router (decoding it again made `/people/%25` a 500).
  const person = (request: FastifyRequest) => {
    const address = (request.params as { address: string }).address.toLowerCase();
    return withinBudget(request, async () => {
      try {
        return { address, ...(await personData(store, address)) };
      } catch (error) {
        // An address that cannot even be searched for (`%`, `""`) is nobody in the archive.
        if (error instanceof QueryError) throw new HttpError(404, contextOf(request, site).t.notFound);
        throw error;
      }
    });
  };
  const personRoute = { ...limited, schema: { params: ADDRESS_PARAMS } };
  app.get('/people/:address', personRoute, async (request, reply) => {
    if (fromCacheSent(request, reply)) return reply;
    const { address, sent, received, aliases } = await person(request);
    if (sent.total + received.total === 0) return notFound(request, reply);
    return sendPage(reply, PersonPage({ ctx: contextOf(request, site), address, sent, received, aliases }));
  });
  app.get('/api/people/:address', personRoute, async (request, reply) => {
    if (fromCacheSent(request, reply)) return reply;
    const { address, sent, received, aliases } = await person(request);
    if (sent.total + received.total === 0) return notFound(request, reply);
    return reply.headers(PAGE_HEADERS).send({
      address,
      sent: sent.total,
      received: received.total,
      wroteTo: sent.facets?.recipients,
      receivedFrom: received.facets?.senders,
      months: sent.facets?.months,
      sameName: aliases,
    });
  });

  // Key archive
  const keyRows = async () => {
    const uses = new Map((await store.keyUses()).map((u) => [u.name, u.messages]));
    return (await store.keyRecords()).map((key) => ({ ...key, facts: keyFacts(key), messages: uses.get(key.name) ?? 0 }));
  };
  app.get('/keys', async (request, reply) => sendPage(reply, KeysPage({ ctx: contextOf(request, site), keys: await keyRows() })));
  app.get('/api/keys', async (_request, reply) => reply.headers(PAGE_HEADERS).send(await keyRows()));
  app.get('/keys.txt', async (_request, reply) =>
    reply
      .headers(DOWNLOAD_HEADERS)
      .type('text/plain; charset=utf-8')
      .send(formatKeyFile(await store.keyRecords())),
  );

  app.get('/accessibility', async (request, reply) => sendPage(reply, AccessibilityPage({ ctx: contextOf(request, site) })));
  app.get('/about', async (request, reply) => sendPage(reply, AboutPage({ ctx: contextOf(request, site), key: options.collectionKey ?? null })));
  app.get('/collection-key.pub.pem', async (request, reply) =>
    options.collectionKey ? reply.headers(DOWNLOAD_HEADERS).type('text/plain; charset=utf-8').send(options.collectionKey.publicPem) : notFound(request, reply),
  );
  app.get('/amendments', async (request, reply) => sendPage(reply, AmendmentsPage({ ctx: contextOf(request, site), log: await store.amendments() })));
  app.get('/amendments.json', async (_request, reply) => reply.headers(PAGE_HEADERS).send(await store.amendments()));
  app.get('/status', async (request, reply) =>
    sendPage(reply, StatusPage({ ctx: contextOf(request, site), status: (await options.mirrorStatus?.()) ?? null })),
  );
  app.get('/status/feed.atom', async (request, reply) =>
    reply
      .headers(PAGE_HEADERS)
      .type('application/atom+xml; charset=utf-8')
      .send(
        statusFeed({ base: `${request.protocol}://${request.host}`, title: `${collection}: mirrors`, events: (await options.mirrorStatus?.())?.events ?? [] }),
      ),
  );
  app.get('/api/openapi.json', async (_request, reply) => reply.headers(PAGE_HEADERS).send(OPENAPI));
  app.get('/feed.atom', async (request, reply) => {
    const base = `${request.protocol}://${request.host}`;
    return reply
      .headers(PAGE_HEADERS)
      .type('application/atom+xml; charset=utf-8')
      .send(atomFeed({ base, title: collection, path: '/feed.atom', messages: await store.latest(50) }));
  });
  return app;
}

/** Blobs never change (their name is their hash): cacheable for a day, Range requests, ETag. */
const BLOB_SEND = { contentType: false, acceptRanges: true, etag: true, lastModified: false, maxAge: 86_400_000, immutable: true } as const;
/** What BLOB_SEND sends as Cache-Control, for blobs sent from memory. */
const BLOB_CACHE_CONTROL = 'public, max-age=86400, immutable';
/**
 * Blobs up to this size are read into memory and sent as one buffer: the file sender's stat,
 * stream and weak ETag cost more than the read for a message of a few KB (bench/web.sh).
 */
const SMALL_BLOB_BYTES = 256 * 1024;

function relativeBlob(sha256: string): string {
  return join(sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

function emailLinks(id: number) {
  return { html: `/emails/${id}`, raw: `/emails/${id}/raw`, proof: `/emails/${id}/proof.tar.gz` };
}

/**
 * The preview server's write: a redaction posted from the email page. Refused unless the form carries
 * this process's secret and, when the browser names one, comes from this very origin; the preview
 * listens on 127.0.0.1 only (serveCommand).
 */
function registerPublisherRoutes(app: FastifyInstance, publisher: PublisherActions, collection: string): void {
  void app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  app.post('/emails/:id/redact', async (request, reply) => {
    const ctx = contextOf(request, { collection });
    const id = idParam(request);
    const form = (request.body ?? {}) as Record<string, string | string[] | undefined>;
    const one = (name: string) => [form[name]].flat()[0] ?? '';
    const origin = request.headers.origin;
    const token = Buffer.from(one('token'));
    const secret = Buffer.from(publisher.csrf);
    if (token.length !== secret.length || !timingSafeEqual(token, secret) || (origin !== undefined && origin !== `${request.protocol}://${request.host}`))
      throw new HttpError(403, 'This form did not come from this preview server.');
    if (id === null) throw new HttpError(404, ctx.t.notFound);
    const list = (name: string, split: RegExp) =>
      one(name)
        .split(split)
        .map((v) => v.trim())
        .filter(Boolean);
    const attachments = list('attachments', /[\s,]+/).map(Number);
    if (attachments.some((n) => !Number.isInteger(n) || n < 0)) throw new HttpError(400, 'attachments: numbers, as on the message page');
    const result = await publisher.redact({
      id,
      texts: list('texts', /\r?\n/),
      headers: list('headers', /[\s,]+/),
      attachments,
      reason: one('reason').trim(),
      dryRun: one('dryRun') === '1',
    });
    return sendPage(reply, RedactResultPage({ ctx, id, ...result }), result.ok ? 200 : 422);
  });
}
