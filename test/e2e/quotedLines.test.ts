import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SearchResult } from '../../src/model/search.js';
import { cliJson, runCli, tempDir } from '../helpers.js';
import { STORES, stopSharedPostgres, storeArgs } from '../stores.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';

/**
 * Quoted lines (text/quotes.ts): a reply that quotes a message must not outrank the message on
 * the words it quotes (SQLite weighs them at a fifth), and the copy of the quoted lines the index
 * keeps must never make a phrase match that the body does not hold.
 */
const FILLER =
  'The inspection team walked the east quay this morning and logged the state of every pump house, gate and pipe along the wall, with photographs for the file and notes for the engineers who come on Monday.';
const MAILS = [
  {
    id: 'original@x',
    subject: 'Pump house inspection',
    body: `${FILLER}\nThe kestrel valve at the third pump failed its pressure test.\n${FILLER}`,
  },
  {
    id: 'reply@x',
    subject: 'Re: Pump house inspection',
    body: '> The kestrel valve at the third pump failed its pressure test.\nNoted, thanks.',
  },
  // Two quoted runs with the message's own line between them: "harrier plover" is no phrase of this body.
  { id: 'seam@x', subject: 'Birds', body: '> the last word here is harrier\nmy own line between\n> plover starts the next quote' },
];

function mbox(): string {
  return MAILS.map((m, i) =>
    [
      'From x@x Thu Jan  1 00:00:00 2015',
      'From: Alice <alice@example.org>',
      'To: bob@example.net',
      `Subject: ${m.subject}`,
      `Date: Thu, ${i + 1} Jan 2015 10:00:00 +0000`,
      `Message-ID: <${m.id}>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      m.body,
      '',
    ].join('\n'),
  ).join('\n');
}

after(stopSharedPostgres);
for (const store of STORES) {
  describe(`quoted lines on ${store.kind}`, { skip: store.skip }, () => {
    let data: string[] = [];
    let root = '';
    before(async () => {
      root = tempDir();
      data = ['--data', join(root, 'data'), ...(await storeArgs(store.kind))];
      writeFileSync(join(root, 'mail.mbox'), mbox());
      const result = await runCli([...data, 'ingest', '--no-verify', join(root, 'mail.mbox')]);
      assert.equal(result.code, 0, result.stderr);
    });
    const ids = async (query: string) =>
      (await cliJson<SearchResult>([...data, 'search', '--json', '--limit', '10', '--', query])).hits.map((h) => h.message.messageId);

    test('a quoted word is still found; a phrase across two quotes is not', async () => {
      assert.deepEqual((await ids('kestrel')).sort(), ['original@x', 'reply@x']);
      assert.deepEqual(await ids('harrier'), ['seam@x']);
      assert.deepEqual(await ids('"harrier plover"'), [], 'the seam between two quoted runs is no phrase');
      assert.deepEqual(await ids('body:"harrier plover"'), []);
      assert.deepEqual(await ids('"harrier my own"'), ['seam@x'], 'a phrase the body holds, across a quote and a line of its own');
    });

    if (store.kind === 'sqlite') {
      test('the quoted message ranks above the reply that quotes it', async () => {
        assert.deepEqual(await ids('kestrel valve'), ['original@x', 'reply@x']);
        assert.deepEqual(await ids('body:kestrel'), ['original@x', 'reply@x']);
      });

      test('an archive made before schema 13 gets its quoted lines on the first writing command', async () => {
        const path = join(root, 'data', 'archive.sqlite');
        // Back to schema 12: no quoted lines column, the index without it.
        const db = new Database(path);
        db.exec(`DROP TABLE messages_fts;
          ALTER TABLE messages DROP COLUMN search_quoted;
          CREATE VIRTUAL TABLE messages_fts USING fts5(subject, search_from, search_to, search_cc, search_bcc, text_body, search_attachments,
            search_extra, forms_subject, forms_body, search_attachment_text, content='messages', content_rowid='id', tokenize = "unicode61 remove_diacritics 2");
          INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');`);
        // The version before the migration that adds the column (later migrations run again after it).
        db.pragma(`user_version = ${MIGRATIONS.findIndex((m) => typeof m === 'string' && m.includes('ADD COLUMN search_quoted'))}`);
        db.close();
        const upgraded = await runCli([...data, 'ingest', '--no-verify', join(root, 'mail.mbox')]);
        assert.equal(upgraded.code, 0, upgraded.stderr);
        assert.deepEqual(await ids('kestrel valve'), ['original@x', 'reply@x']);
        assert.deepEqual(await ids('"harrier plover"'), []);
      });
    }
  });
}
