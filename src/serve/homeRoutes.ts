import { archiveMonths } from '../web/datesIndex.js';
import { PAGE_HEADERS } from '../web/securityHeaders.js';
import { HomePage } from '../web/views/pages.js';
import { contextOf, sendPage, type RouteKit } from './routeKit.js';

/** The home page and the archive's figures. */
export function registerHomeRoutes(kit: RouteKit): void {
  const { app, store, site, collection } = kit;
  // Home
  app.get('/', async (request, reply) => {
    const ctx = contextOf(request, site);
    const stats = await store.stats();
    return sendPage(reply, HomePage({ ctx, stats, latest: await store.latest(10), releases: await store.releases(), months: await archiveMonths(store) }));
  });
  app.get('/api/stats', async (_request, reply) => reply.headers(PAGE_HEADERS).send({ collection, ...(await store.stats()) }));
}
