import { formatKeyFile } from '../verify/keyFile.js';
import { keyRows } from '../pages/keysData.js';
import { DOWNLOAD_HEADERS } from '../web/securityHeaders.js';
import { KeysPage } from '../web/views/pages.js';
import { pageAndApi, type RouteKit } from './routeKit.js';

/** The DKIM key archive: page, API, key file. */
export function registerKeyRoutes(kit: RouteKit): void {
  const { app, store } = kit;
  // Key archive
  pageAndApi(kit, {
    html: '/keys',
    api: '/api/keys',
    load: () => keyRows(store),
    view: (ctx, keys) => KeysPage({ ctx, keys }),
    json: (keys) => keys,
  });
  app.get('/keys.txt', async (_request, reply) =>
    reply
      .headers(DOWNLOAD_HEADERS)
      .type('text/plain; charset=utf-8')
      .send(formatKeyFile(await store.keyRecords())),
  );
}
