import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { VNode } from 'preact';
import type { ArchiveReader } from '../store/archiveStore.js';
import type { StoredMessage } from '../model/message.js';
import type { BlobStore } from '../store/blobStore.js';
import type { CollectionAbout } from '../config/dataDir.js';
import { chooseLang, MESSAGES } from '../web/i18n.js';
import { PAGE_HEADERS } from '../web/securityHeaders.js';
import { renderPage, type PageContext } from '../web/views/layout.js';
import type { MirrorStatusView } from '../web/views/pages.js';
import type { WorkBudgetOptions } from './workBudget.js';

/** What the server's groups of routes share: their options, the kit buildServer hands each, page helpers. */

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

/** The site a page belongs to: its title and what readers are told of it. */
export interface Site {
  readonly collection: string;
  readonly about?: CollectionAbout;
}

/**
 * What every group of routes is given by buildServer: the app to register on, the reader and blobs,
 * and the server's shared rules (the search budget, the page cache, the 404 page).
 */
export interface RouteKit {
  readonly app: FastifyInstance;
  readonly store: ArchiveReader;
  readonly blobs: BlobStore;
  readonly options: ServerOptions;
  readonly site: Site;
  readonly collection: string;
  /** Route options of the rate-limited routes (search, people). */
  readonly limited: { readonly config: { readonly rateLimit: { readonly max: number; readonly timeWindow: number } } };
  /** Runs work inside the search budget shared by all clients; a spent budget answers 503 "busy". */
  withinBudget<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T>;
  /** Runs work inside the shared search budget; `busy` answers when the budget has no room. */
  spend<T>(work: () => Promise<T>, busy: () => T): Promise<T>;
  notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<FastifyReply>;
  loadMessage(request: FastifyRequest): Promise<StoredMessage | null>;
  /** Sends the cached response for this request, if there is one; returns whether it did. */
  fromCacheSent(request: FastifyRequest, reply: FastifyReply): boolean;
  /** Sends messages as one mbox file. */
  sendMbox(reply: FastifyReply, ids: readonly number[], filename: string): Promise<FastifyReply>;
}

export function contextOf(request: FastifyRequest, site: Site): PageContext {
  const query = request.query as Record<string, unknown>;
  const lang = chooseLang(query.lang, request.headers['accept-language']);
  const url = new URL(request.url, 'http://x');
  url.searchParams.delete('lang');
  return { lang, t: MESSAGES[lang], collection: site.collection, path: `${url.pathname}${url.search}`, ...(site.about ? { about: site.about } : {}) };
}

export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).header('vary', 'accept-language').type('text/html; charset=utf-8').send(renderPage(page));
}

/** A message, thread or release number as written in its address: digits only (`1e3` is not 1000). */
export function idParam(request: FastifyRequest): number | null {
  const text = (request.params as { id?: string }).id ?? '';
  return /^[1-9]\d{0,14}$/.test(text) ? Number(text) : null;
}

/** `filename` for Content-Disposition: ASCII fallback plus the RFC 5987 UTF-8 form. */
export function disposition(kind: 'attachment' | 'inline', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Blobs never change (their name is their hash): cacheable for a day, Range requests, ETag. */
export const BLOB_SEND = { contentType: false, acceptRanges: true, etag: true, lastModified: false, maxAge: 86_400_000, immutable: true } as const;

/** A page and its JSON twin under /api, from one loader. */
export interface PageAndApi<D> {
  readonly html: string;
  readonly api: string;
  /** Fastify route options of both (schema, rate limit). */
  readonly route?: RouteShorthandOptions;
  /** Rate-limited routes look in the page cache in their handler, after the limit (server.ts RATE_LIMITED). */
  readonly cacheInHandler?: boolean;
  /** The page's data, or null: no such page (404 on both). */
  load(request: FastifyRequest): Promise<D | null>;
  view(ctx: PageContext, data: D): VNode;
  json(data: D): unknown;
}

/**
 * Registers a page and its /api twin from one loader: the two cannot disagree on what exists or on
 * who may see it, since both answer from the same data (embargo included: the loader reads the
 * store as this server's audience).
 */
export function pageAndApi<D>(kit: RouteKit, page: PageAndApi<D>): void {
  const answer = (send: (request: FastifyRequest, reply: FastifyReply, data: D) => FastifyReply) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (page.cacheInHandler && kit.fromCacheSent(request, reply)) return reply;
    const data = await page.load(request);
    return data === null ? kit.notFound(request, reply) : send(request, reply, data);
  };
  kit.app.get(
    page.html,
    page.route ?? {},
    answer((request, reply, data) => sendPage(reply, page.view(contextOf(request, kit.site), data))),
  );
  kit.app.get(
    page.api,
    page.route ?? {},
    answer((_request, reply, data) => reply.headers(PAGE_HEADERS).send(page.json(data))),
  );
}
