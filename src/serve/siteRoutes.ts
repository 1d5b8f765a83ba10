import { DOWNLOAD_HEADERS, PAGE_HEADERS } from '../web/securityHeaders.js';
import { AboutPage, AccessibilityPage, AmendmentsPage, StatusPage } from '../web/views/pages.js';
import { atomFeed, statusFeed } from '../web/atomFeed.js';
import { OPENAPI } from '../web/openapi.js';
import { contextOf, sendPage, type RouteKit } from './routeKit.js';

/** About, accessibility, the collection key, amendments, mirror status, the API description, the feed. */
export function registerSiteRoutes(kit: RouteKit): void {
  const { app, store, options, site, collection, notFound } = kit;
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
}
