import { formatKeyFile } from '../verify/keyFile.js';
import { keyFacts } from '../verify/keyRecord.js';
import { DOWNLOAD_HEADERS } from '../web/securityHeaders.js';
import { KeysPage } from '../web/views/pages.js';
import { pageAndApi, type RouteKit } from './routeKit.js';

/** The DKIM key archive: page, API, key file. */
export function registerKeyRoutes(kit: RouteKit): void {
  const { app, store } = kit;
  // Key archive
  const keyRows = async () => {
    const uses = new Map((await store.keyUses()).map((u) => [u.name, u.messages]));
    return (await store.keyRecords()).map((key) => ({ ...key, facts: keyFacts(key), messages: uses.get(key.name) ?? 0 }));
  };
  pageAndApi(kit, {
    html: '/keys',
    api: '/api/keys',
    load: keyRows,
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
