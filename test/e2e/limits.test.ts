import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from '../../src/serve/server.js';
import { BlobStore } from '../../src/store/blobStore.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { WorkBudget } from '../../src/serve/workBudget.js';
import { runCli, tempDir } from '../helpers.js';

/**
 * Limits a flood cannot dodge: a client is its socket address unless a proxy it comes through is
 * trusted, and searches from every client together have a budget, beyond which they answer 503
 * while pages are still served.
 */
const dir = tempDir();
const data = join(dir, 'data');
let store: SqliteStore;
const servers: FastifyInstance[] = [];

before(async () => {
  const made = await runCli(['--data', data, 'demo', '--count', '120', '--out', join(dir, 'mail'), '--ingest']);
  assert.equal(made.code, 0, made.stderr);
  store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true, audience: 'public' });
});
after(async () => {
  for (const server of servers) await server.close();
  await store?.close();
});

async function serve(options: Partial<ServerOptions>): Promise<string> {
  const app = await buildServer({ store, blobs: new BlobStore(data), blobRoot: join(data, 'blobs'), collection: 'Limits', ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  servers.push(app);
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

test('a new X-Forwarded-For on every request does not dodge the per-client limit', async () => {
  const base = await serve({ rateLimitPerMinute: 5 });
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await fetch(`${base}/search?q=budget${i}`, { headers: { 'x-forwarded-for': `198.51.100.${i}` } })).status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
});

test('behind a trusted proxy, X-Forwarded-For names the client', async () => {
  const base = await serve({ rateLimitPerMinute: 2, trustProxy: ['127.0.0.1'] });
  const statuses: number[] = [];
  // Two clients behind the proxy, each with its own count.
  for (let i = 0; i < 3; i++)
    for (const client of ['198.51.100.1', '198.51.100.2'])
      statuses.push((await fetch(`${base}/search?q=quay${i}`, { headers: { 'x-forwarded-for': client } })).status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
});

test('searches from all clients share a budget; past it they answer 503 and pages are still served', async () => {
  // Next to nothing in reserve and no refill to speak of: the first search spends it.
  const base = await serve({ rateLimitPerMinute: 1000, trustProxy: ['127.0.0.1'], workBudget: { msPerSecond: 1e-6, burstMs: 1e-6 } });
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await fetch(`${base}/api/search?q=harbour${i}`, { headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
  assert.equal(statuses[0], 200);
  assert.ok(
    statuses.slice(1).every((s) => s === 503),
    `busy after the first: ${statuses}`,
  );
  const busy = await fetch(`${base}/search?q=harbour99`, { headers: { 'accept-language': 'fr' } });
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get('retry-after'), '1');
  assert.match(await busy.text(), /beaucoup de recherches/);
  for (const path of ['/', '/keys', '/about', '/emails/1']) assert.equal((await fetch(`${base}${path}`)).status, 200, path);
});

test('the budget counts the time work took, refills with time and bounds work running at once', () => {
  let now = 0;
  const budget = new WorkBudget({ msPerSecond: 100, burstMs: 50, concurrent: 2, now: () => now });
  const a = budget.tryStart();
  const b = budget.tryStart();
  assert.ok(a && b);
  assert.equal(budget.tryStart(), null, 'two at once at most');
  now += 80;
  a();
  b();
  // The bucket was full (50, so nothing refilled while they ran), and 2 × 80 ms were spent: -110.
  assert.equal(budget.tryStart(), null, 'spent');
  now += 1000;
  assert.equal(budget.tryStart(), null, 'still -10 after a second');
  now += 1000;
  assert.ok(budget.tryStart(), 'refilled after two');
  assert.equal(budget.refused, 3);
});
