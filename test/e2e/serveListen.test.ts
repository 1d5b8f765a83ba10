import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EXTRA_LISTENERS } from '../../src/serve/listen.js';
import { cliPath, runCli, tempDir } from '../helpers.js';

/**
 * `serve` listens on its port with several SO_REUSEPORT sockets, so that connections are accepted
 * while the event loop is busy (Node accepts one per socket per loop iteration; see listen.ts and
 * docs/benchmarks.md "Under attack"). Still: one port, every socket answers, and a port already in
 * use is refused with a clear message rather than silently shared.
 */
const dir = tempDir();
const data = join(dir, 'data');
let server: ChildProcess;
let port = 0;

function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Listening TCP sockets on a port, from the kernel's own table. */
function listeningSockets(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .filter((line) => line.split(/\s+/)[2]?.endsWith(`:${hex}`) && line.split(/\s+/)[4] === '0A').length;
}

before(async () => {
  assert.equal((await runCli(['--data', data, 'demo', '--count', '60', '--out', join(dir, 'mail'), '--ingest'])).code, 0);
  port = await freePort();
  server = spawn(process.execPath, [cliPath, '--data', data, 'serve', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((done, fail) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Serving')) done();
    });
    server.once('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
  });
});
after(() => server?.kill());

test(
  'serve listens on one port with several sockets, and every connection is answered',
  { skip: process.platform !== 'linux' && 'SO_REUSEPORT spreading is Linux behaviour' },
  async () => {
    assert.equal(listeningSockets(port), EXTRA_LISTENERS + 1);
    // Many connections at once, each its own: the kernel spreads them over the sockets.
    const statuses = await Promise.all(
      Array.from({ length: 64 }, () => fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } }).then((r) => r.status)),
    );
    assert.deepEqual(new Set(statuses), new Set([200]));
  },
);

test('a port already in use is refused, not shared', { timeout: 60_000 }, async () => {
  const second = await runCli(['--data', data, 'serve', '--port', String(port)]);
  assert.equal(second.code, 2);
  assert.match(second.stderr, /cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
  assert.equal(listeningSockets(port), EXTRA_LISTENERS + 1, 'the first server is untouched');
});
