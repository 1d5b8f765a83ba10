import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { BlobStore } from '../../src/store/blobStore.js';
import type { StoredMessage } from '../../src/store/archiveStore.js';
import type { IngestSummary } from '../../src/pipeline/ingest.js';
import { cliJson, corpusDir, noCorpusReason, tempDir } from '../helpers.js';

interface OracleRow {
  file: string;
  messageId: unknown;
  messageId_agree: boolean;
  subject: unknown;
  subject_agree: boolean;
  from: unknown;
  from_agree: boolean;
  attachment_count: unknown;
  attachment_count_agree: boolean;
}

async function allMessages(data: string): Promise<StoredMessage[]> {
  const store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true });
  try {
    const { messages } = await store.stats();
    const out: StoredMessage[] = [];
    for (let id = 1; id <= messages; id++) out.push((await store.getMessage(id))!);
    return out;
  } finally {
    await store.close();
  }
}

/** Share of oracle rows (where both reference parsers agree) on which we give the same value. */
function agreement(messages: StoredMessage[], prefix: string, sourceRoots: Map<string, string>): Record<string, { checked: number; same: number }> {
  const oracle = new Map<string, OracleRow>();
  for (const line of readFileSync(join(corpusDir, 'parse-oracle', 'parse-oracle.jsonl'), 'utf8')
    .trim()
    .split('\n')) {
    const row = JSON.parse(line) as OracleRow;
    if (row.file.startsWith(prefix)) oracle.set(row.file.slice(prefix.length), row);
  }
  const result: Record<string, { checked: number; same: number }> = {};
  const check = (field: string, agree: boolean, expected: unknown, actual: unknown) => {
    if (!agree) return;
    const r = (result[field] ??= { checked: 0, same: 0 });
    r.checked++;
    if (expected === actual) r.same++;
  };
  for (const m of messages) {
    for (const location of m.locations) {
      const row = oracle.get(`${sourceRoots.get(location.sourceKey) ?? ''}${location.locator}`);
      if (!row) continue;
      check('messageId', row.messageId_agree, row.messageId, m.messageId);
      check('subject', row.subject_agree, row.subject, (m.subject ?? '').replace(/\s+/g, ' ').trim());
      check('from', row.from_agree, row.from, m.from?.address.toLowerCase() ?? null);
      check('attachment_count', row.attachment_count_agree, row.attachment_count, m.attachments.length);
    }
  }
  return result;
}

test(
  'SpamAssassin corpus: all 6,046 files archived, raw bytes exact (md5 in the file names), parse agrees with the oracle',
  { skip: noCorpusReason, timeout: 300_000 },
  async (t) => {
    const groups = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'];
    const data = join(tempDir(), 'data');
    const paths = groups.map((g) => join(corpusDir, 'spamassassin', g));
    const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', ...paths]);
    // The corpus README: easy-ham-1 2,500 / easy-ham-2 1,400 / hard-ham-1 250 / spam-1 500 / spam-2 1,396.
    assert.equal(summary.messagesRead, 6046);
    assert.equal(summary.added + summary.duplicates, 6046);
    assert.deepEqual(summary.problems, {});

    const messages = await allMessages(data);
    const blobs = new BlobStore(data);
    let md5Matches = 0;
    let locations = 0;
    for (const m of messages) {
      const raw = await blobs.read(m.sha256);
      for (const location of m.locations) {
        locations++;
        // The file = the mbox envelope line (if any) + the message: the md5 in its name proves both were kept exactly.
        const name = location.locator.split('.')[1];
        const newline = raw.includes('\r\n') ? '\r\n' : '\n';
        const file = location.envelope === null ? raw : Buffer.concat([Buffer.from(location.envelope + newline, 'latin1'), raw]);
        if (createHash('md5').update(file).digest('hex') === name) md5Matches++;
      }
    }
    assert.equal(locations, 6046);
    // 6,045 files hash to their name upstream; one (hard-ham-1/00230) does not even there.
    assert.ok(md5Matches >= 6040, `${md5Matches} of 6,046 files rebuilt byte for byte`);

    const roots = new Map(paths.map((p, i) => [p, `${groups[i]}/`]));
    const scores = agreement(messages, 'spamassassin-public-corpus/', roots);
    t.diagnostic(`md5 rebuilt: ${md5Matches}/6046; oracle agreement: ${JSON.stringify(scores)}; warnings: ${JSON.stringify(summary.warnings)}`);
    for (const [field, { checked, same }] of Object.entries(scores)) {
      assert.ok(checked > 5900, `${field}: ${checked} oracle rows checked`);
      assert.ok(same / checked >= 0.99, `${field}: ${same}/${checked} agree with the parser consensus`);
    }
  },
);

test('linux-mips mboxrd.gz: 5,638 messages archived with the manifest hashes', { skip: noCorpusReason, timeout: 300_000 }, async (t) => {
  const data = join(tempDir(), 'data');
  const dir = join(corpusDir, 'linux-mips');
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', join(dir, 'linux-mips-2017.mboxrd.gz')]);
  assert.equal(summary.messagesRead, 5638);
  const expected = readFileSync(join(dir, 'manifest-2017.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { sha256: string }).sha256);
  const messages = await allMessages(data);
  assert.equal(summary.added + summary.duplicates, 5638);
  assert.deepEqual(new Set(messages.map((m) => m.sha256)), new Set(expected));
  t.diagnostic(`${summary.added} messages, ${summary.duplicates} duplicates, ${(summary.elapsedMs / 1000).toFixed(1)} s`);
});

test('JWZ threading set: 2,403 messages, every one with its Message-ID', { skip: noCorpusReason, timeout: 300_000 }, async (t) => {
  const data = join(tempDir(), 'data');
  const path = join(corpusDir, 'jwz-threading', 'ham');
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', path]);
  assert.equal(summary.messagesRead, 2403);
  const messages = await allMessages(data);
  // The corpus README: all 2,403 have a Message-ID, none repeated.
  assert.equal(messages.filter((m) => m.messageId !== null).length, messages.length);
  const scores = agreement(messages, 'jwz-threading-spamassassin-ham/', new Map([[path, 'ham/']]));
  t.diagnostic(`oracle agreement: ${JSON.stringify(scores)}`);
  for (const [field, { checked, same }] of Object.entries(scores)) {
    assert.ok(same / checked >= 0.99, `${field}: ${same}/${checked} agree with the parser consensus`);
  }
});
