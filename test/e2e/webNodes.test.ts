import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliJson, cliPath, runCli, tempDir } from '../helpers.js';
import { freeTcpPort, startNginx, type Nginx } from '../nginxServer.js';
import { noPostgresReason } from '../postgresServer.js';
import { sharedPostgres, stopSharedPostgres } from '../stores.js';
import type { SearchResult } from '../../src/store/archiveStore.js';

/**
 * Two `epistola serve` processes against one real PostgreSQL, behind a real nginx balancing between
 * them on loopback: the pages are the same whichever node answers, and an ingest and a publication
 * made while they serve show on both.
 */
const skip = noPostgresReason;
let data: string[] = [];
let root = '';
let lb: Nginx | undefined;
const nodes: Array<{ port: number; child: ChildProcess }> = [];

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} never answered`);
}

before(async () => {
  if (skip) return;
  root = tempDir();
  data = ['--data', join(root, 'data'), '--database', await (await sharedPostgres()).createDatabase('nodes')];
  const demo = await runCli([...data, 'demo', '--count', '300', '--out', join(root, 'mail'), '--ingest']);
  assert.equal(demo.code, 0, demo.stderr);
  for (let i = 0; i < 2; i++) {
    const port = await freeTcpPort();
    const child = spawn(process.execPath, [cliPath, ...data, 'serve', '--port', String(port), '--rate-limit', '100000'], { stdio: 'ignore' });
    nodes.push({ port, child });
    await waitFor(`http://127.0.0.1:${port}/`);
  }
  lb = await startNginx({ upstreams: nodes.map((n) => n.port) }, join(root, 'nginx'));
});

after(async () => {
  await lb?.stop();
  for (const { child } of nodes) child.kill('SIGTERM');
  await stopSharedPostgres();
});

const PAGES = [
  '/',
  '/emails/1',
  '/emails/1/raw',
  '/api/emails/7',
  '/threads/1',
  '/search?q=%C3%A9quatorien',
  '/api/search?q=budget',
  '/api/stats',
  '/releases/1',
  '/keys',
  '/feed.atom',
  '/about',
];

async function body(base: string, path: string): Promise<{ status: number; text: string; etag: string | null; upstream: string | null }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, text: await response.text(), etag: response.headers.get('etag'), upstream: response.headers.get('x-upstream') };
}

test('both nodes serve identical pages; the balancer spreads requests over them', { skip }, async () => {
  for (const path of PAGES) {
    // Through nginx (one Host for both, as readers see them), round robin: each node answers every other request.
    const byNode = new Map<string, Awaited<ReturnType<typeof body>>>();
    for (let i = 0; i < 4; i++) {
      const r = await body(lb!.url, path);
      assert.equal(r.status, 200, path);
      byNode.set(r.upstream ?? '', r);
    }
    assert.equal(byNode.size, 2, `${path}: both nodes answered (${[...byNode.keys()].join(', ')})`);
    const [one, two] = [...byNode.values()];
    assert.equal(two!.text, one!.text, `${path}: the same bytes from both nodes`);
    assert.equal(two!.etag, one!.etag, path);
  }
  // The embargoed part is hidden by both.
  const embargoed = await cliJson<SearchResult>([...data, 'search', '--json', '--limit', '5', 'release:3']);
  assert.ok(embargoed.total > 0);
  for (const hit of embargoed.hits)
    for (const node of nodes) assert.equal((await body(`http://127.0.0.1:${node.port}`, `/emails/${hit.message.id}`)).status, 404);
});

test('an ingest and a release made while the nodes serve: no failed request, then both show it', { skip }, async () => {
  writeFileSync(
    join(root, 'late.eml'),
    'From: Ana <ana@harbour.example.org>\nTo: desk@example.net\nSubject: Zanzibar quay survey\nDate: Mon, 2 Jan 2017 10:00:00 +0000\nMessage-ID: <late-1@harbour.example.org>\n\nThe zanzibarquay survey is attached.\n',
  );
  let failures = 0;
  let requests = 0;
  let done = false;
  const load = (async () => {
    while (!done) {
      const r = await body(lb!.url, PAGES[requests++ % PAGES.length]!);
      if (r.status !== 200) failures++;
    }
  })();
  const ingest = await runCli([...data, 'ingest', join(root, 'late.eml')]);
  assert.equal(ingest.code, 0, ingest.stderr);
  const created = await runCli([...data, 'release', 'create', '--title', 'Part 4: late', '--query', 'zanzibarquay']);
  assert.equal(created.code, 0, created.stderr);
  const published = await runCli([...data, 'release', 'publish', '4']);
  assert.equal(published.code, 0, published.stderr);
  done = true;
  await load;
  assert.equal(failures, 0, `${failures} of ${requests} requests failed during the writes`);
  assert.ok(requests > 10);
  // Each node learns of the writes from PostgreSQL (LISTEN/NOTIFY) and drops its cached pages.
  for (const node of nodes) {
    let found = 0;
    for (let i = 0; i < 100 && found === 0; i++) {
      const r = await fetch(`http://127.0.0.1:${node.port}/api/search?q=zanzibarquay`);
      found = ((await r.json()) as SearchResult).total;
      if (found === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(found, 1, `node ${node.port} shows the new message`);
  }
  const pages = new Map<string, string>();
  for (let i = 0; i < 4; i++) {
    const r = await body(lb!.url, '/emails/301');
    assert.equal(r.status, 200);
    pages.set(r.upstream ?? '', r.text);
  }
  const [one, two] = [...pages.values()];
  assert.match(one!, /Zanzibar quay survey/);
  assert.equal(two, one);
});

test('a node reading from a streaming replica serves the archive and sees new releases (by its poll: replicas cannot LISTEN)', { skip }, async () => {
  const server = await sharedPostgres();
  const replica = await server.startReplica();
  const port = await freeTcpPort();
  const dataDir = data[data.indexOf('--data') + 1]!;
  const child = spawn(
    process.execPath,
    [cliPath, '--data', dataDir, '--database', replica.urlOf('nodes'), 'serve', '--port', String(port), '--rate-limit', '100000'],
    { stdio: 'ignore' },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/`);
    assert.match(await (await fetch(`${base}/emails/1`)).text(), /<h1/);
    // A message and a release written to the primary reach the replica, and the node notices.
    writeFileSync(
      join(root, 'replica.eml'),
      'From: Ana <ana@harbour.example.org>\nSubject: Replica check\nDate: Tue, 3 Jan 2017 10:00:00 +0000\nMessage-ID: <replica-1@harbour.example.org>\n\nThe qwertyreplica word.\n',
    );
    for (const args of [
      ['ingest', join(root, 'replica.eml')],
      ['release', 'create', '--title', 'Part 5', '--query', 'qwertyreplica'],
      ['release', 'publish', '5'],
    ]) {
      const run = await runCli([...data, ...args]);
      assert.equal(run.code, 0, run.stderr);
    }
    let found = 0;
    for (let i = 0; i < 150 && found === 0; i++) {
      found = ((await (await fetch(`${base}/api/search?q=qwertyreplica`)).json()) as SearchResult).total;
      if (found === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(found, 1, 'the replica node shows the new release');
  } finally {
    child.kill('SIGTERM');
    await replica.stop();
  }
});
