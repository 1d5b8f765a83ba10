import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { parseQuery } from '../../src/query/parseQuery.js';
import { sha256Hex } from '../../src/mail/contentHash.js';
import type { ArchiveStats, StoredMessage } from '../../src/store/archiveStore.js';
import type { IngestSummary } from '../../src/pipeline/ingest.js';
import { cliJson, runCli, tempDir } from '../helpers.js';

const DEMO_COUNT = 400;

/** The file behind a Maildir locator (`folder/unique`): in cur/ or new/, flags after the unique part. */
function maildirFile(maildir: string, locator: string): string {
  const parts = locator.split('/');
  const unique = parts.pop()!;
  for (const sub of ['cur', 'new']) {
    const dir = join(maildir, ...parts, sub);
    const name = readdirSync(dir).find((f) => f === unique || f.startsWith(`${unique}:`));
    if (name) return join(dir, name);
  }
  throw new Error(`no file for ${locator}`);
}

async function demoArchive() {
  const root = tempDir();
  const data = join(root, 'data');
  const mail = join(root, 'mail');
  const demo = await runCli(['--data', data, 'demo', '--out', mail, '--count', String(DEMO_COUNT), '--seed', '7']);
  assert.equal(demo.code, 0, demo.stderr);
  const paths = [join(mail, 'Maildir'), join(mail, 'harbour-list.mbox'), join(mail, 'archive-2014.mbox.gz')];
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', ...paths]);
  return { data, mail, paths, summary };
}

test('demo → ingest → stats → show: counts add up and raw bytes come back exactly', async () => {
  const { data, mail, paths, summary } = await demoArchive();
  assert.equal(summary.added, DEMO_COUNT);
  assert.equal(summary.messagesRead, DEMO_COUNT);
  assert.equal(summary.firstId, 1);
  assert.equal(summary.lastId, DEMO_COUNT);
  assert.ok(summary.copies > 0, 'the demo files Sent and INBOX copies of some messages');

  const stats = await cliJson<ArchiveStats>(['--data', data, 'stats', '--json']);
  assert.equal(stats.messages, DEMO_COUNT);
  assert.equal(stats.duplicates, 0);
  assert.equal(stats.copies, summary.copies);
  assert.ok(stats.attachments > 0);
  assert.deepEqual(new Set(stats.folders.map((f) => f.folder)), new Set(['INBOX', 'Sent', 'Press', 'Archive/2014', 'harbour-list', 'archive-2014']));

  // A Maildir message: --raw is the file, byte for byte.
  const shown = await cliJson<StoredMessage>(['--data', data, 'show', '1', '--json']);
  const original = readFileSync(maildirFile(join(mail, 'Maildir'), shown.locations[0]!.locator));
  const raw = await runCli(['--data', data, 'show', '1', '--raw']);
  assert.ok(raw.stdout.equals(original));
  assert.equal(sha256Hex(raw.stdout), shown.sha256);

  // Every stored message's raw bytes hash to its recorded sha256 (the last one comes from the gzip'd mbox).
  const last = await cliJson<StoredMessage>(['--data', data, 'show', String(DEMO_COUNT), '--json']);
  assert.equal(last.locations[0]!.sourceKey, paths[2]);
  assert.equal(sha256Hex((await runCli(['--data', data, 'show', String(DEMO_COUNT), '--raw'])).stdout), last.sha256);

  // Re-ingesting the same sources changes nothing.
  const again = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', ...paths]);
  assert.equal(again.added, 0);
  assert.equal(again.unchangedSources, 3);
  assert.deepEqual(await cliJson<ArchiveStats>(['--data', data, 'stats', '--json']), stats);
});

test('identical bytes in a second place are one message with two locations; Sent/INBOX copies are linked', async () => {
  const { data, mail } = await demoArchive();
  const extra = join(mail, 'extra');
  mkdirSync(extra);
  const shown = await cliJson<StoredMessage>(['--data', data, 'show', '1', '--json']);
  copyFileSync(maildirFile(join(mail, 'Maildir'), shown.locations[0]!.locator), join(extra, 'same.eml'));
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', extra]);
  assert.equal(summary.added, 0);
  assert.equal(summary.duplicates, 1);
  const after = await cliJson<StoredMessage>(['--data', data, 'show', '1', '--json']);
  assert.equal(after.locations.length, 2);

  const store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true });
  try {
    const stats = await store.stats();
    let linked: StoredMessage | undefined;
    for (let id = 1; id <= stats.messages && !linked; id++) {
      const m = (await store.getMessage(id))!;
      if (m.copyOf !== null) linked = m;
    }
    assert.ok(linked, 'some message is a copy');
    const first = (await store.getMessage(linked.copyOf!))!;
    assert.equal(first.messageId, linked.messageId);
    assert.notEqual(first.sha256, linked.sha256);
    assert.ok(first.copies.includes(linked.id));
  } finally {
    await store.close();
  }
});

test('full-text index folds case and diacritics: "equatorien" finds "Équatorien"', async () => {
  const { data } = await demoArchive();
  const store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true });
  try {
    const result = await store.search(parseQuery('EQUATORIEN'), { sort: 'date', limit: 1000 });
    const ids = result.hits.map((h) => h.message.id);
    assert.ok(ids.length > 0);
    for (const id of ids.slice(0, 20)) {
      const m = (await store.getMessage(id))!;
      // The word is in the message itself, or in a message attached to it (forwards are indexed too).
      const attachedMessage = m.attachments.some((a) => a.contentType === 'message/rfc822');
      assert.ok(/équatorien/i.test(`${m.subject} ${m.text}`) || attachedMessage, `message ${id}`);
    }
    // And the index agrees with a scan of the stored text.
    const stats = await store.stats();
    let scanned = 0;
    for (let id = 1; id <= stats.messages; id++) {
      const m = (await store.getMessage(id))!;
      const text = `${m.subject ?? ''} ${m.text ?? ''}`.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
      if (/\bequatorien\b/.test(text)) scanned++;
    }
    assert.ok(result.total >= scanned, `${result.total} index hits, ${scanned} by scanning subject and text`);
  } finally {
    await store.close();
  }
});

test('a path that does not exist: one clear line, exit 2, nothing created', async () => {
  const root = tempDir();
  const data = join(root, 'data');
  const result = await runCli(['--data', data, 'ingest', join(root, 'missing.mbox')]);
  assert.equal(result.code, 2);
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.match(result.stderr, /missing\.mbox: no such file or directory/);
  assert.equal(existsSync(data), false);
});

test('readers cannot write: the store opened read-only refuses a commit', async () => {
  const root = tempDir();
  const data = join(root, 'data');
  assert.equal((await runCli(['init', data])).code, 0);
  const store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true });
  try {
    await assert.rejects(
      store.commit({ items: [], problems: [{ sourceKey: 'x', problem: { locator: '1', kind: 'empty-file', detail: '' } }], finishedSources: [] }),
      /readonly/i,
    );
  } finally {
    await store.close();
  }
});
