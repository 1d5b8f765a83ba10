import { homePageData } from '../pages/homeData.js';
import { PAGE_HEADERS } from '../web/securityHeaders.js';
import { HomePage } from '../web/views/pages.js';
import { contextOf, sendPage, type RouteKit } from './routeKit.js';

/** The home page and the archive's figures. */
export function registerHomeRoutes(kit: RouteKit): void {
  const { app, store, site, collection } = kit;
  // Home
  app.get('/', async (request, reply) => {
    return sendPage(reply, HomePage({ ctx: contextOf(request, site), ...(await homePageData(store)) }));
  });
  app.get('/api/stats', async (_request, reply) => reply.headers(PAGE_HEADERS).send({ collection, ...(await store.stats()) }));
}
