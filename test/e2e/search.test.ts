import { after, describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchResult } from '../../src/store/archiveStore.js';
import { cliJson, runCli, tempDir } from '../helpers.js';
import { STORES, stopSharedPostgres, storeArgs } from '../stores.js';
import { openReader, parseDatabase, type DatabaseLocation } from '../../src/store/openStore.js';
import { parseQuery } from '../../src/query/parseQuery.js';

/** A small collection whose right answers can be checked by hand. */
interface Mail {
  readonly from: string;
  readonly to: string;
  readonly cc?: string;
  readonly subject: string;
  readonly date?: string;
  readonly id: string;
  readonly replyTo?: string;
  readonly body: string;
  readonly attachment?: string;
}

const INBOX: Mail[] = [
  /* 1 */ {
    from: 'Alice <alice@example.org>',
    to: 'bob@example.net',
    subject: 'Budget review 2015',
    date: 'Sat, 10 Jan 2015 10:00:00 +0000',
    id: 'm1@x',
    body: 'The budget for the north basin dredging is ready.',
    attachment: 'report.pdf',
  },
  /* 2 */ {
    from: 'Bob <bob@example.net>',
    to: 'alice@example.org',
    subject: 'Re: Budget review 2015',
    date: 'Sun, 11 Jan 2015 09:00:00 +0000',
    id: 'm2@x',
    replyTo: 'm1@x',
    body: 'Looks good. Draft attached.',
    attachment: 'draft.docx',
  },
  /* 3 */ {
    from: 'Carol <carol@other.example.com>',
    to: 'alice@example.org',
    cc: 'bob@example.net',
    subject: 'Équateur : délégation',
    date: 'Thu, 5 Mar 2015 08:00:00 +0100',
    id: 'm3@x',
    body: 'Le délégué équatorien arrive jeudi.',
  },
  /* 4 */ {
    from: 'dave@example.org',
    to: 'alice@example.org',
    subject: 'Lunch',
    date: 'Wed, 1 Jun 2016 12:00:00 +0000',
    id: 'm4@x',
    body: 'North basin lunch? No budget talk please.',
  },
  /* 5 */ {
    from: 'Bob <bob@example.net>',
    to: 'list@example.net',
    subject: 'Re: Old topic',
    date: 'Mon, 1 Dec 2014 12:00:00 +0000',
    id: 'm5@x',
    replyTo: 'ghost@x',
    body: 'About the old topic, once more.',
  },
  /* 6 */ { from: 'eve@example.org', to: 'alice@example.org', subject: 'Undated', id: 'm6@x', body: 'A budget line without a date.' },
];
const SENT: Mail[] = [
  /* 7 */ {
    from: 'Alice <alice@example.org>',
    to: 'carol@other.example.com',
    subject: 'Re: Équateur : délégation',
    date: 'Fri, 6 Mar 2015 09:00:00 +0000',
    id: 'm7@x',
    replyTo: 'm3@x',
    body: 'Thanks, noted: the equatorien delegate.',
  },
];

function raw(m: Mail): string {
  const head = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    `Subject: =?utf-8?B?${Buffer.from(m.subject).toString('base64')}?=`,
    ...(m.date ? [`Date: ${m.date}`] : []),
    `Message-ID: <${m.id}>`,
    ...(m.replyTo ? [`In-Reply-To: <${m.replyTo}>`, `References: <${m.replyTo}>`] : []),
    'MIME-Version: 1.0',
  ];
  if (!m.attachment) return [...head, 'Content-Type: text/plain; charset=utf-8', '', m.body, ''].join('\n');
  return [
    ...head,
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    m.body,
    '--b',
    `Content-Type: application/octet-stream; name="${m.attachment}"`,
    `Content-Disposition: attachment; filename="${m.attachment}"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(`contents of ${m.attachment}`).toString('base64'),
    '--b--',
    '',
  ].join('\n');
}

const mbox = (mails: Mail[]) => mails.map((m) => `From x@x Thu Jan  1 00:00:00 2015\n${raw(m)}\n`).join('');

// The same hand-checked expectations on every store: the stores must agree.
after(stopSharedPostgres);
for (const store of STORES) {
  describe(`search on ${store.kind}`, { skip: store.skip }, () => {
    let data: string[] = [];
    let root = '';
    before(async () => {
      root = tempDir();
      data = ['--data', join(root, 'data'), ...(await storeArgs(store.kind))];
      writeFileSync(join(root, 'inbox.mbox'), mbox(INBOX));
      writeFileSync(join(root, 'sent.mbox'), mbox(SENT));
      const result = await runCli([...data, 'ingest', join(root, 'inbox.mbox'), join(root, 'sent.mbox')]);
      assert.equal(result.code, 0, result.stderr);
    });

    // Flags first, then `--`: a query may start with '-' (an exclusion).
    const search = (query: string, ...flags: string[]) => cliJson<SearchResult>([...data, 'search', ...flags, '--json', '--', query]);
    const ids = async (query: string, ...flags: string[]) => (await search(query, ...flags)).hits.map((h) => h.message.id);
    const sorted = async (query: string) => (await ids(query, '--limit', '100')).sort((a, b) => a - b);
    /** The archive's database, as the CLI finds it from `data`. */
    const location = (): DatabaseLocation => {
      const at = data.indexOf('--database');
      return at >= 0 ? parseDatabase(data[at + 1]!) : { kind: 'sqlite', path: join(root, 'data', 'archive.sqlite') };
    };

    test('a query that finds nothing because of a typing slip suggests the query that finds something', async () => {
      const slipped = await cliJson<SearchResult & { suggestion: { query: string; total: number } | null }>([
        ...data,
        'search',
        '--json',
        '--',
        'budgte from:alice@example.org',
      ]);
      assert.equal(slipped.total, 0);
      assert.deepEqual(slipped.suggestion, { query: 'budget from:alice@example.org', total: 1 });
      const text = (await runCli([...data, 'search', '--', 'nroth basin'])).stdout.toString();
      assert.match(text, /^0 messages[\s\S]*Did you mean: north basin {2}\(2 messages\)/);
      // Nothing to suggest: a word two slips away, a query that finds something, a word no message has.
      for (const query of ['bdugte', 'budget', 'zzzyzzx'])
        assert.equal((await cliJson<{ suggestion: unknown }>([...data, 'search', '--json', '--', query])).suggestion, null, query);
    });

    test('each operator finds exactly the hand-checked messages', async () => {
      const expectations: Array<[string, number[]]> = [
        ['budget', [1, 2, 4, 6]],
        ['"north basin"', [1, 4]],
        ['EQUATORIEN', [3, 7]],
        ['from:alice@example.org', [1, 7]],
        ['from:@example.org', [1, 4, 6, 7]],
        ['from:bob', [2, 5]],
        ['to:bob@example.net', [1]],
        ['cc:bob@example.net', [3]],
        ['to:"alice"', [2, 3, 4, 6]],
        ['subject:budget', [1, 2]],
        ['body:budget', [1, 4, 6]],
        ['attachment:draft', [2]],
        ['has:attachment', [1, 2]],
        ['filetype:pdf', [1]],
        ['filetype:docx', [2]],
        ['after:2015 before:2016', [1, 2, 3, 7]],
        ['after:2015-03', [3, 4, 7]],
        ['before:2015', [5]],
        ['budget -draft', [1, 4, 6]],
        ['budget NOT subject:budget', [4, 6]],
        ['lunch OR equatorien', [3, 4, 7]],
        ['(lunch OR equatorien) after:2016', [4]],
        ['folder:sent', [7]],
        ['folder:inbox from:alice@example.org', [1]],
        ['thread:1', [1, 2]],
        ['thread:7', [3, 7]],
        ['id:<m3@x>', [3]],
        ['id:4', [4]],
        ['dkim:none', [1, 2, 3, 4, 5, 6, 7]],
        ['dkim:pass', []],
        ['release:1', []],
        ['-budget', [3, 5, 7]],
        ['budg*', [1, 2, 4, 6]],
      ];
      // In-process, on both kinds of reader (a server's, with its in-memory columns, and a command's,
      // from SQL alone): a process start per query proves nothing more. The CLI itself, for a few.
      const readers = [await openReader(location()), await openReader(location(), { shortLived: true })];
      try {
        for (const [query, expected] of expectations) {
          for (const [i, reader] of readers.entries()) {
            const found = (await reader.search(parseQuery(query), { sort: 'relevance', limit: 100 })).hits.map((h) => h.message.id);
            assert.deepEqual(
              found.sort((a, b) => a - b),
              expected,
              `${query} (${i === 0 ? 'server' : 'command line'} reader)`,
            );
          }
        }
      } finally {
        for (const reader of readers) await reader.close();
      }
      for (const [query, expected] of [expectations[0]!, expectations[3]!, expectations[31]!])
        assert.deepEqual(await sorted(query), expected, `${query} (CLI)`);
    });

    test('relevance puts subject matches first; date order is newest first with undated last', async () => {
      const byRelevance = await ids('budget');
      assert.deepEqual(byRelevance.slice(0, 2).sort(), [1, 2]);
      assert.deepEqual(await ids('budget', '--sort', 'date'), [4, 2, 1, 6]);
    });

    test('snippets mark the matched words; facets count the whole result set', async () => {
      const result = await search('equatorien', '--limit', '1');
      assert.equal(result.total, 2);
      assert.equal(result.hits.length, 1);
      assert.ok(
        result.hits[0]!.snippet.some((p) => p.hit && /^[ée]quatorien$/i.test(p.text)),
        JSON.stringify(result.hits[0]!.snippet),
      );
      const facets = result.facets!;
      assert.deepEqual(facets.senders, [
        { value: 'alice@example.org', count: 1 },
        { value: 'carol@other.example.com', count: 1 },
      ]);
      assert.deepEqual(facets.months, [{ value: '2015-03', count: 2 }]);
      assert.deepEqual(facets.folders, [
        { value: 'inbox', count: 1 },
        { value: 'sent', count: 1 },
      ]);
      assert.deepEqual(facets.dkim, [{ value: 'no-signature', count: 2 }]);
      const withFiles = await search('has:attachment');
      assert.deepEqual(withFiles.facets!.attachmentTypes.map((f) => f.value).sort(), [
        'application/pdf',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ]);
    });

    test('cursor pages are stable while new mail arrives', async () => {
      const first = await search('budget', '--limit', '2', '--sort', 'date');
      assert.deepEqual(
        first.hits.map((h) => h.message.id),
        [4, 2],
      );
      assert.ok(first.nextCursor);
      // A newer message about the budget arrives between the two pages.
      writeFileSync(
        join(root, 'late.mbox'),
        mbox([
          { from: 'zed@example.org', to: 'alice@example.org', subject: 'Budget again', date: 'Mon, 1 Jan 2018 00:00:00 +0000', id: 'late@x', body: 'budget' },
        ]),
      );
      assert.equal((await runCli([...data, 'ingest', join(root, 'late.mbox')])).code, 0);
      const second = await search('budget', '--limit', '2', '--sort', 'date', '--cursor', first.nextCursor);
      assert.deepEqual(
        second.hits.map((h) => h.message.id),
        [1, 6],
      );
      assert.equal(second.total, 4);
      assert.equal(second.nextCursor, null);
      assert.deepEqual((await search('budget', '--sort', 'date')).hits[0]!.message.id, 8);
    });

    test('malformed queries: a clear message with the position, exit 2, no stack trace', async () => {
      const result = await runCli([...data, 'search', 'budget (north']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /query error at column 8: this parenthesis is never closed/);
      assert.match(result.stderr, /\n {9}\^/);
      assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
    });

    test('threads: the tree shows links, their evidence and missing parents', async () => {
      const tree = (await runCli([...data, 'thread', '5'])).stdout.toString();
      assert.match(tree, /\[not in the archive\] <ghost@x>\n→\s+5 /);
      const two = (await runCli([...data, 'thread', '1'])).stdout.toString();
      assert.match(two, /→ 1 .*Budget review 2015\n\s+2 .*Re: Budget review 2015/);
    });

    test('related messages: similar content outside the thread', async () => {
      const related = await cliJson<Array<{ id: number }>>([...data, 'related', '1', '--json']);
      const found = related.map((m) => m.id);
      assert.ok(!found.includes(2), 'not from its own thread');
      assert.equal(found[0], 4, 'the other "north basin" budget message comes first');
    });
  });
}
