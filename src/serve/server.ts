import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyEtag from '@fastify/etag';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { StoredMessage } from '../model/message.js';
import { mboxEntry } from '../mail/mboxWriter.js';
import { chooseLang, MESSAGES } from '../web/i18n.js';
import { DOWNLOAD_HEADERS, PAGE_HEADERS } from '../web/securityHeaders.js';
import { PageCache } from './pageCache.js';
import { answerClientError, classify, errorBody, HttpError, sendError } from './httpErrors.js';
import { WorkBudget } from './workBudget.js';
import { contextOf, idParam, disposition, type RouteKit, type ServerOptions } from './routeKit.js';
import { registerStaticRoutes } from './staticRoutes.js';
import { registerHomeRoutes } from './homeRoutes.js';
import { registerSearchRoutes } from './searchRoutes.js';
import { registerEmailRoutes } from './emailRoutes.js';
import { registerReleaseRoutes } from './releaseRoutes.js';
import { registerThreadRoutes } from './threadRoutes.js';
import { registerDateRoutes } from './dateRoutes.js';
import { registerPeopleRoutes } from './peopleRoutes.js';
import { registerKeyRoutes } from './keyRoutes.js';
import { registerSiteRoutes } from './siteRoutes.js';

export type { PublisherActions, RedactForm, ServerOptions } from './routeKit.js';

/**
 * The web reader: HTML pages (no JavaScript needed), a JSON API beside every page, raw messages and
 * attachments as downloads, Atom. Read-only: publishing is done with the CLI, never on the web.
 */

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
  /** Runs expensive work within the budget shared by all clients; a spent budget answers 503 "busy". */
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
    if (request.method === 'GET' && request.headers['if-none-match'] === undefined) {
      // The stored bytes go straight to the socket: Fastify's reply pipeline (header checks, the
      // send hooks) were a sixth of a cached answer (A/B, docs/benchmarks.md). A conditional request or a
      // HEAD takes the usual way, where the ETag plugin answers 304 and no body is sent.
      reply.hijack();
      reply.raw.writeHead(200, { ...hit.headers, 'content-length': String(hit.body.length) });
      reply.raw.end(hit.body);
      return true;
    }
    // Marked so that the send hook does not store it again.
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
  const kit: RouteKit = { app, store, blobs, options, site, collection, limited, withinBudget, spend, notFound, loadMessage, fromCacheSent, sendMbox };
  // In this order (the order of servedRoutes).
  registerStaticRoutes(kit);
  registerHomeRoutes(kit);
  registerSearchRoutes(kit);
  registerEmailRoutes(kit);
  registerReleaseRoutes(kit);
  registerThreadRoutes(kit);
  registerDateRoutes(kit);
  registerPeopleRoutes(kit);
  registerKeyRoutes(kit);
  registerSiteRoutes(kit);
  return app;
}
