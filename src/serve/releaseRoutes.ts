import { releaseMessages, RELEASE_API_MESSAGES, RELEASE_FEED_MESSAGES, RELEASE_PAGE_MESSAGES } from '../pages/releaseData.js';
import { type FastifyRequest } from 'fastify';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Release } from '../model/release.js';
import { PAGE_HEADERS } from '../web/securityHeaders.js';
import { ReleasePage, ReleasesPage } from '../web/views/pages.js';
import { atomFeed } from '../web/atomFeed.js';
import { mboxName, releaseMbox, type ReleaseDownload } from '../publish/bulkDownloads.js';
import { HttpError } from './httpErrors.js';
import { contextOf, sendPage, idParam, disposition, BLOB_SEND, type RouteKit } from './routeKit.js';

/** Releases: the list, a release's page, its bulk download, API and feed. */
export function registerReleaseRoutes(kit: RouteKit): void {
  const { app, store, blobs, options, site, collection, notFound } = kit;
  // Releases (the store shows the public only published ones)
  const releaseOf = async (request: FastifyRequest) => {
    const number = idParam(request);
    return number === null ? undefined : (await store.releases()).find((r) => r.number === number);
  };
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
    return sendPage(
      reply,
      ReleasePage({ ctx: contextOf(request, site), release, messages: await releaseMessages(store, release.number, RELEASE_PAGE_MESSAGES, true), downloads }),
    );
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
    return reply
      .headers(PAGE_HEADERS)
      .send({ ...release, latest: (await releaseMessages(store, release.number, RELEASE_API_MESSAGES)).hits.map((h) => h.message) });
  });
  app.get('/releases/:id/feed.atom', async (request, reply) => {
    const release = await releaseOf(request);
    if (!release) return notFound(request, reply);
    const base = `${request.protocol}://${request.host}`;
    const messages = (await releaseMessages(store, release.number, RELEASE_FEED_MESSAGES)).hits.map((h) => h.message);
    return reply
      .headers(PAGE_HEADERS)
      .type('application/atom+xml; charset=utf-8')
      .send(atomFeed({ base, title: `${collection}: ${release.title}`, path: `/releases/${release.number}/feed.atom`, messages }));
  });
}
