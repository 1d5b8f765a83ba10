import type { Command } from 'commander';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { readFile } from 'node:fs/promises';
import type { MirrorStatusView } from '../web/views/pages.js';
import { requireDataDir, type DataDir } from '../config/dataDir.js';
import { RefusedError, UsageError } from '../errors.js';
import type { PublisherActions } from '../serve/server.js';
import { BlobStore } from '../store/blobStore.js';
import { openReader, type DatabaseLocation } from '../store/openStore.js';
import { databaseOf, dataDirOf, print } from './context.js';

export interface ServeFlags {
  port: string;
  host: string;
  rateLimit: string;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For is believed. */
  trustProxy?: string[];
  searchBudget: string;
  /** Show embargoed messages too (the publisher's own check before a release); never on a public address. */
  preview?: boolean;
}

/** Serves the archive until the process is stopped (Ctrl-C closes the server and the database). */
export async function serveArchive(dir: DataDir, database: DatabaseLocation, flags: ServeFlags): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not ${flags.port}`);
  const config = await requireDataDir(dir);
  const searchBudget = Number(flags.searchBudget);
  if (!Number.isFinite(searchBudget) || searchBudget <= 0 || searchBudget > 1000)
    throw new UsageError(`--search-budget must be milliseconds of search per second, 1 to 1000, not ${flags.searchBudget}`);
  for (const proxy of flags.trustProxy ?? []) {
    if (!isIP(proxy.split('/')[0] ?? '')) throw new UsageError(`--trust-proxy takes an IP address or a CIDR such as 10.0.0.0/8, not ${proxy}`);
  }
  if (flags.preview && !['127.0.0.1', 'localhost', '::1'].includes(flags.host))
    throw new UsageError('--preview shows embargoed mail: it only listens on 127.0.0.1');
  const store = await openReader(database, { audience: flags.preview ? 'publisher' : 'public', watch: true });
  // Before listening: the first reader would otherwise wait for the search columns (0.5 s at 100k messages, 6.5 s at 1M).
  print('Preparing search…');
  await store.prepareSearch().catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  // The web stack is loaded here, not when the CLI starts: other commands do not pay for it.
  const [{ buildServer }, { listenWide }, { loadPublicKey }] = await Promise.all([
    import('../serve/server.js'),
    import('../serve/listen.js'),
    import('../publish/collectionKey.js'),
  ]);
  const app = await buildServer({
    store,
    blobs: new BlobStore(dir.root),
    blobRoot: join(dir.root, 'blobs'),
    downloadsDir: join(dir.root, 'downloads'),
    collection: config.title,
    ...(config.about ? { about: config.about } : {}),
    collectionKey: await loadPublicKey(dir.root),
    mirrorStatus: async () => JSON.parse((await readFile(join(dir.root, 'status.json'), 'utf8').catch(() => 'null')) || 'null') as MirrorStatusView | null,
    rateLimitPerMinute: Number(flags.rateLimit) || 300,
    trustProxy: flags.trustProxy ?? [],
    workBudget: { msPerSecond: searchBudget },
    publisher: flags.preview ? await previewActions(dir, database) : undefined,
  });
  let listening;
  try {
    listening = await listenWide(app, port, flags.host);
  } catch (error) {
    await app.close();
    await store.close();
    throw new UsageError(`cannot listen on ${flags.host}:${port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const shown = `http://${flags.host === '0.0.0.0' ? 'localhost' : flags.host}:${listening.port}`;
  const releases = await store.releases();
  print(`Serving ${config.title} at ${shown}  (Ctrl-C to stop)`);
  if (flags.preview) print('  PREVIEW: embargoed messages are shown too');
  else if (releases.length === 0)
    print('  No release is published yet, so there is nothing public to show: "epistola release create" and "release publish", or --preview');
  const stop = () => {
    listening.stopAccepting();
    void app.close().then(() => store.close());
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise<void>((done) => app.server.once('close', () => done()));
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the archive on the web: pages, JSON API, raw messages, feeds (read-only)')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--rate-limit <n>', 'search and API requests per client per minute', '300')
    .option(
      '--trust-proxy <address...>',
      'believe X-Forwarded-For only from these proxies (IP or CIDR, e.g. 127.0.0.1); otherwise a client is its socket address',
    )
    .option(
      '--search-budget <ms>',
      'milliseconds of search work per second across all clients; beyond it searches answer 503 "busy" while pages stay fast',
      '400',
    )
    .option('--preview', 'also show embargoed messages (publisher only; listens on 127.0.0.1 only)')
    .action(async (flags: ServeFlags, command: Command) => {
      const dir = dataDirOf(command);
      await serveArchive(dir, databaseOf(command, dir, await requireDataDir(dir)), flags);
    });
}

/** The preview server's publisher actions: a redaction posted from an email page runs as `epistola redact` would. */
export async function previewActions(dir: DataDir, database: DatabaseLocation): Promise<PublisherActions> {
  const { randomBytes } = await import('node:crypto');
  const { runRedaction, describeOutcome } = await import('./redactAction.js');
  return {
    csrf: randomBytes(24).toString('base64url'),
    async redact(form) {
      if (!form.reason && !form.dryRun) return { ok: false, lines: ['A reason is needed: it is shown publicly with each span.'] };
      try {
        const result = await runRedaction(dir, database, {
          id: form.id,
          reason: form.reason,
          dryRun: form.dryRun,
          targets: [
            ...form.texts.map((text) => ({ kind: 'text' as const, text })),
            ...form.headers.map((name) => ({ kind: 'header' as const, name })),
            ...form.attachments.map((index) => ({ kind: 'attachment' as const, index })),
          ],
        });
        const amendment = result.amendment ? [`The message is public: amendment ${result.amendment.entry.seq} (signed) records it.`] : [];
        return { ok: true, lines: [...(result.outcome ? describeOutcome(result.outcome) : []), ...amendment] };
      } catch (error) {
        if (error instanceof RefusedError || error instanceof UsageError) return { ok: false, lines: [error.message] };
        throw error;
      }
    },
  };
}
