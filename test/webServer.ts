import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/serve/server.js';
import { BlobStore } from '../src/store/blobStore.js';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';
import type { Audience } from '../src/store/archiveStore.js';

/** The web reader over an archive's SQLite file, listening on a loopback port of its own. */
export async function startWebReader(
  data: string,
  options: { audience: Audience; collection: string },
): Promise<{ origin: string; store: SqliteStore; app: FastifyInstance; close: () => Promise<void> }> {
  const store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true, audience: options.audience });
  const app = await buildServer({
    store,
    blobs: new BlobStore(data),
    blobRoot: join(data, 'blobs'),
    // As `epistola serve` does: a release's mbox.gz is built there on first request.
    downloadsDir: join(data, 'downloads'),
    collection: options.collection,
    rateLimitPerMinute: 10_000,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    store,
    app,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
