import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runCli, tempDir } from '../helpers.js';
import { buildServer } from '../../src/serve/server.js';
import { previewActions } from '../../src/cli/serveCommand.js';
import { BlobStore } from '../../src/store/blobStore.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { resolveDataDir } from '../../src/config/dataDir.js';

/**
 * The publisher redacts from the preview server's email page: the form carries the server's secret,
 * a post without it (another site's page in the same browser) or from another origin is refused,
 * and a redaction made there is what `epistola redact` makes.
 */
const root = tempDir();
const data = join(root, 'data');
let app: FastifyInstance;
let store: SqliteStore;
let origin = '';

before(async () => {
  const made = await runCli(['--data', data, 'demo', '--count', '60', '--out', join(root, 'mail'), '--ingest']);
  assert.equal(made.code, 0, made.stderr);
  store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true, audience: 'publisher' });
  const dir = resolveDataDir(data);
  app = await buildServer({
    store,
    blobs: new BlobStore(data),
    blobRoot: join(data, 'blobs'),
    collection: 'Preview',
    rateLimitPerMinute: 10_000,
    publisher: await previewActions(dir, { kind: 'sqlite', path: dir.database }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(async () => {
  await app.close();
  await store.close();
});

const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(origin + path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

test('a redaction posted from the preview page needs the form secret and this origin, and then is made', async () => {
  const message = (await (await fetch(`${origin}/api/emails/5`)).json()) as { text: string };
  const word = /\b[A-Za-z]{7,}\b/.exec(message.text)![0];
  const page = await (await fetch(`${origin}/emails/5`)).text();
  const token = /name="token" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(token, 'the preview page has the redaction form');
  assert.equal((await post('/emails/5/redact', { texts: word, reason: 'x' })).status, 403, 'no secret: refused');
  assert.equal((await post('/emails/5/redact', { token: 'wrong', texts: word, reason: 'x' })).status, 403);
  assert.equal(
    (await post('/emails/5/redact', { token, texts: word, reason: 'x' }, { origin: 'https://evil.example' })).status,
    403,
    'another origin: refused',
  );
  const dry = await post('/emails/5/redact', { token, texts: word, reason: 'test', dryRun: '1' });
  assert.equal(dry.status, 200);
  assert.match(await dry.text(), /Would redact message 5/);
  assert.ok((await (await fetch(`${origin}/api/emails/5`)).text()).includes(word), 'a dry run changes nothing');
  const done = await post('/emails/5/redact', { token, texts: word, reason: 'a private name' }, { origin });
  assert.equal(done.status, 200);
  assert.match(await done.text(), /Redacted message 5/);
  const after = await (await fetch(`${origin}/emails/5`)).text();
  assert.match(after, /Redacted by the publisher/);
  assert.ok(!new RegExp(`\\b${word}\\b`, 'i').test(after.replace(/<form[\s\S]*<\/form>/, '')), 'the word is gone from the page');
  const refused = await post('/emails/5/redact', { token, texts: 'no such words at all here', reason: 'x' });
  assert.equal(refused.status, 422);
  assert.match(await refused.text(), /nothing redacted/);
});

test('the public server has no redaction route and no form', async () => {
  const publicStore = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true, audience: 'public' });
  const plain = await buildServer({ store: publicStore, blobs: new BlobStore(data), blobRoot: join(data, 'blobs'), collection: 'Public' });
  try {
    const response = await plain.inject({
      method: 'POST',
      url: '/emails/1/redact',
      payload: 'texts=a&reason=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.statusCode, 404);
    const ids = (await publicStore.latest(1)).map((m) => m.id);
    const page = await plain.inject({ method: 'GET', url: `/emails/${ids[0]}` });
    assert.doesNotMatch(page.body, /name="token"/);
  } finally {
    await plain.close();
    await publicStore.close();
  }
});

test('correct: a corrected rendering replaces the published bytes, says so on the page, and undoes to the received bytes', async () => {
  const raw = Buffer.from(await (await fetch(`${origin}/emails/7/raw`)).arrayBuffer());
  const corrected = Buffer.from(raw.toString('latin1').replace(/^Subject:.*$/m, 'Subject: Corrected subject line'), 'latin1');
  const file = join(root, 'corrected.eml');
  writeFileSync(file, corrected);
  const done = await runCli(['--data', data, 'correct', '7', '--file', file, '--reason', 'the subject was rendered from the wrong field', '--json']);
  assert.equal(done.code, 0, done.stderr);
  const page = await (await fetch(`${origin}/emails/7`)).text();
  assert.match(page, /Corrected by the publisher/);
  assert.match(page, /Corrected subject line/);
  assert.match(page, /the subject was rendered from the wrong field/);
  const same = await runCli(['--data', data, 'correct', '7', '--file', file, '--reason', 'again']);
  assert.equal(same.code, 1, 'the same bytes again: nothing to correct');
  assert.equal((await runCli(['--data', data, 'redact', '7', '--undo', '--reason', 'back'])).code, 0);
  assert.ok(Buffer.from(await (await fetch(`${origin}/emails/7/raw`)).arrayBuffer()).equals(raw), 'the received bytes are published again');
});
