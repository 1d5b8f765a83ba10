import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer, servedRoutes } from '../../src/serve/server.js';
import { BlobStore } from '../../src/store/blobStore.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { runCli, tempDir } from '../helpers.js';
import { randomQueries } from '../randomQueries.js';
import { rawRequest, type RawResponse } from '../rawHttp.js';
import { prng } from '../../src/demo/prng.js';

/**
 * The web reader under hostile requests (fixed seed, bounded): every route of the server's own
 * route table × malformed ids, addresses, cursors, percent-encodings, repeated and oversized
 * parameters, odd methods and headers, and requests Node's parser refuses. No answer is a 500, no
 * connection is reset, every error is an HTML page or JSON, and no embargoed message shows anywhere.
 * `EPISTOLA_FUZZ_REQUESTS` makes the run longer (bench/fuzz-http.sh).
 */
const REQUESTS = Number(process.env.EPISTOLA_FUZZ_REQUESTS ?? 1500);
const dir = tempDir();
const data = join(dir, 'data');
let app: FastifyInstance;
let store: SqliteStore;
let port = 0;
let visible: number[] = [];
let hidden: number[] = [];
/** Strings only embargoed messages have (their Message-IDs): none may appear in any answer. */
let secrets: string[] = [];

before(async () => {
  const made = await runCli(['--data', data, 'demo', '--count', '300', '--out', join(dir, 'mail'), '--ingest']);
  assert.equal(made.code, 0, made.stderr);
  store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true, audience: 'public' });
  const publisher = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true });
  for (const { id } of await publisher.rawRefs({ afterId: 0, limit: 1000 })) {
    if (await store.getMessage(id)) visible.push(id);
    else {
      hidden.push(id);
      const message = await publisher.getMessage(id);
      if (message?.messageId) secrets.push(message.messageId);
    }
  }
  await publisher.close();
  assert.ok(hidden.length > 50 && secrets.length > 50, 'the demo keeps part 3 embargoed');
  // Limits high enough that the handlers themselves are what is tested (the limits have their own tests).
  app = await buildServer({
    store,
    blobs: new BlobStore(data),
    blobRoot: join(data, 'blobs'),
    collection: 'Fuzz',
    rateLimitPerMinute: 1_000_000,
    workBudget: { msPerSecond: 1000, burstMs: 60_000, concurrent: 64 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
after(async () => {
  await app?.close();
  await store?.close();
});

const IDS = [
  '0',
  '-1',
  '1e3',
  '0x10',
  '01',
  '1.5',
  '99999999999999999999',
  '%31',
  '%',
  '%25',
  '%E0%A4%A',
  '%00',
  '%ff',
  '..',
  '%2e%2e',
  '%2F',
  'a'.repeat(1500),
  '1;DROP TABLE messages',
  "1'",
  '%F0%9F%98%80',
  '\u00e9',
  ' 1',
  '1%20',
  'NaN',
  'Infinity',
];
const ADDRESSES = [
  '%25',
  '%',
  '%2525',
  '""',
  '%22%22',
  'a%40b',
  'x'.repeat(400),
  '%E0%A4%A',
  '%00',
  '..',
  'alice@',
  '@',
  '(',
  '%28budget',
  'from:x',
  '*',
  '%F0%9F%98%80%40x',
];
const CURSORS = [
  '',
  'x',
  'e30',
  'bnVsbA',
  'W10',
  'eyJzIjoiZGF0ZSJ9',
  Buffer.from('{"s":"date","k":"1","i":1,"u":1}').toString('base64url'),
  Buffer.from('{"s":"relevance","k":1e309,"i":1,"u":1}').toString('base64url'),
  '%ff',
  'A'.repeat(600),
  Buffer.from('{"s":"date","k":-1,"i":-5,"u":0}').toString('base64url'),
];
const QUERY_EXTRAS = [
  'q=a&q=b',
  'q=',
  'q=%',
  'q=%E0%A4%A',
  `q=${'a'.repeat(2500)}`,
  'sort=x',
  'sort=date&sort=date',
  'limit=-1',
  'limit=abc',
  'limit=99999999999',
  'lang=xx',
  'lang=fr&lang=en',
  'lang[]=fr',
  'q[a]=b',
  'inline=1',
  'inline=1&inline=1',
  '%=%',
  '&&&',
  'q=budget&cursor=%ff',
];
const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND'];
const HEADERS = [
  'Accept-Language: ;;;,q=x,zz-ZZ;q=2',
  `Accept-Language: ${'fr,'.repeat(2000)}`,
  'If-None-Match: "garbage", W/"x"',
  'Range: bytes=abc-',
  'Range: bytes=999999999-',
  'Range: bytes=0-0,1-1,2-2,3-3,4-4,5-5',
  'X-Forwarded-For: 1.2.3.4, ::1, garbage',
  'X-Forwarded-Host: evil.example.com',
  'Content-Type: application/json',
  'Accept: */*;q=garbage',
  'Cookie: a=b',
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** A request for one route of the table, with hostile parts chosen at random. */
function requestFor(random: () => number, url: string): string {
  const id = () => (random() < 0.35 ? String(pick(random, random() < 0.5 ? visible : hidden)) : pick(random, IDS));
  let path = url
    .replace(':idx', random() < 0.5 ? String(Math.floor(random() * 3)) : pick(random, IDS))
    .replace(':id', id())
    .replace(':address', random() < 0.3 ? encodeURIComponent('siobhan@meridian-port.example.org') : pick(random, ADDRESSES));
  const extras: string[] = [];
  if (/search/.test(url) || random() < 0.2) {
    extras.push(`q=${encodeURIComponent(randomQueries(1, Math.floor(random() * 1e6)).next().value ?? 'budget')}`);
    if (random() < 0.5) extras.push(`cursor=${pick(random, CURSORS)}`);
    if (random() < 0.3) extras.push(`sort=${random() < 0.5 ? 'date' : 'relevance'}`);
  }
  if (random() < 0.6) extras.push(pick(random, QUERY_EXTRAS));
  if (extras.length > 0) path += `?${extras.join('&')}`;
  const method = pick(random, METHODS);
  const headers = ['Host: 127.0.0.1', 'Connection: close', ...(random() < 0.5 ? [pick(random, HEADERS)] : [])];
  const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? '{"q":' : '';
  if (body) headers.push(`Content-Length: ${body.length}`);
  return `${method} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body}`;
}

/** Requests Node's HTTP parser itself refuses, and ones that try to climb out of the site. */
const MALFORMED = [
  'GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET /emails/\x00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  `GET /search?q=${'a'.repeat(30_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
  `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1_000_000)}\r\n\r\n`,
  `GET / HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: y`).join('\r\n')}\r\n\r\n`,
  'BLAH\r\n\r\n',
  'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET /emails/1/attachments/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET /static/..%2f..%2fpackage.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET http://evil.example.com/ HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n',
  'GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET / HTTP/1.1\r\n\r\n',
  'GET /emails/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Bad\x01Name: y\r\n\r\n',
];

/** Downloads and files that are not pages (their 200s are not HTML or JSON). */
const NOT_PAGES = /\/raw$|\/attachments\/|\.tar\.gz$|\.mbox|\/mbox$|\.atom$|\.txt(\?|$)|\.pem$|\.css$|\.svg(\?|$)|\.py(\?|$)/;

function check(label: string, response: RawResponse, method: string, url: string): void {
  assert.equal(response.broken, null, `${label}: the connection broke (${response.broken})`);
  assert.ok(response.status >= 200 && response.status < 600, `${label}: status ${response.status}`);
  assert.ok(
    response.status < 500 || (response.status === 503 && response.headers.has('retry-after')),
    `${label}: ${response.status} ${response.body.toString().slice(0, 300)}`,
  );
  const type = response.headers.get('content-type') ?? '';
  if (method !== 'HEAD' && response.status !== 304 && (response.status >= 400 || !NOT_PAGES.test(url))) {
    assert.match(type, /^(text\/html|application\/(problem\+)?json)/, `${label}: ${response.status} answered as "${type}"`);
    assert.ok(response.body.length > 0, `${label}: an empty ${response.status}`);
  }
  // The site's own page: its layout (search box) and the reason said where a screen reader announces it.
  if (method !== 'HEAD' && response.status >= 400 && type.startsWith('text/html'))
    assert.match(response.body.toString(), /<form role="search"[\s\S]*role="alert"/, `${label}: the site's own error page`);
  const body = response.body.toString('latin1');
  for (const secret of secrets) assert.ok(!body.includes(secret), `${label}: shows the embargoed <${secret}>`);
}

test('no request a client can send gets a 500, a reset, a framework error or an embargoed message', { timeout: 600_000 }, async () => {
  const routes = servedRoutes(app);
  assert.ok(routes.length >= 25, `the route table has every route (${routes.length})`);
  const random = prng(20261201);
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  for (const raw of MALFORMED) {
    const response = await rawRequest(port, raw);
    check(JSON.stringify(raw.slice(0, 80)), response, 'GET', '/');
    count(response.status);
  }
  // Every route at least a few times, then at random.
  const plan = [
    ...routes.flatMap((r) => Array.from({ length: 8 }, () => r)),
    ...Array.from({ length: Math.max(0, REQUESTS - routes.length * 8) }, () => pick(random, routes)),
  ];
  for (const route of plan) {
    const raw = requestFor(random, route.url);
    const response = await rawRequest(port, raw);
    check(raw.split('\r\n')[0]!.slice(0, 200), response, raw.slice(0, raw.indexOf(' ')), raw.split(' ')[1]!.split('?')[0]!);
    count(response.status);
  }
  // The run must have reached the handlers, not only the router's refusals.
  for (const status of [200, 400, 404]) assert.ok((statuses.get(status) ?? 0) > 20, `${status} answers: ${JSON.stringify([...statuses])}`);
});

test('the route table is what the server answers: each route exists and an unknown one is a 404 page', async () => {
  for (const route of servedRoutes(app).filter((r) => r.method === 'GET')) {
    const path =
      route.url.replace(':idx', '0').replace(':id', String(visible[0])).replace(':address', 'nobody%40example.org') +
      (route.url.includes('search') ? '?q=budget' : '') +
      (route.url === '/search/facet' ? '&facet=senders' : '');
    const response = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.ok([200, 304, 404].includes(response.status), `${path}: ${response.status}`);
  }
  const unknown = await rawRequest(port, 'GET /admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.toString(), /<form role="search"[\s\S]*role="alert"/);
});
