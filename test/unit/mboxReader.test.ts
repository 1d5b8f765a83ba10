import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readMboxFile, readMboxStream } from '../../src/ingest/mboxReader.js';
import type { RawMessage, SourceItem } from '../../src/ingest/rawMessage.js';
import { tempDir } from '../helpers.js';

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(items: AsyncIterable<SourceItem>): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  for await (const item of items) if ('message' in item) out.push(item.message);
  return out;
}

const read = (mbox: string | Buffer, chunk = 1 << 16) =>
  collect(readMboxStream(chunked(Buffer.isBuffer(mbox) ? mbox : Buffer.from(mbox), chunk), { folder: 'f', baseOffset: 0 }));

const MBOXRD = [
  'From alice@example.org Thu Jan  1 00:00:00 2015',
  'Subject: one',
  '',
  'Hello',
  '>From the quoted line (was "From the quoted line")',
  '>>From twice quoted (was ">From twice quoted")',
  'From here on, this body line must not split the message.',
  '',
  'From bob@example.org Fri Jan  2 10:11:12 2015',
  'Subject: two',
  '',
  'Second body',
  '',
].join('\n');

test('mboxrd: splits on envelope lines only and removes one level of >From quoting', async () => {
  const messages = await read(MBOXRD);
  assert.equal(messages.length, 2);
  assert.equal(
    messages[0]!.bytes.toString(),
    'Subject: one\n\nHello\nFrom the quoted line (was "From the quoted line")\n>From twice quoted (was ">From twice quoted")\nFrom here on, this body line must not split the message.\n',
  );
  assert.equal(messages[1]!.bytes.toString(), 'Subject: two\n\nSecond body\n');
  assert.equal(messages[0]!.envelope, 'From alice@example.org Thu Jan  1 00:00:00 2015');
});

test('mbox: offsets point at envelope lines and cursors at the next message', async () => {
  const messages = await read(MBOXRD);
  const second = MBOXRD.indexOf('From bob@');
  assert.equal(messages[0]!.offset, 0);
  assert.equal(messages[0]!.cursor, String(second));
  assert.equal(messages[1]!.offset, second);
  assert.equal(messages[1]!.cursor, String(Buffer.byteLength(MBOXRD)));
});

test('mbox: the same messages whatever the chunk size (separators across chunk boundaries)', async () => {
  const whole = await read(MBOXRD);
  for (const size of [1, 2, 3, 7, 64]) {
    const parts = await read(MBOXRD, size);
    assert.deepEqual(
      parts.map((m) => [m.bytes.toString('hex'), m.offset, m.cursor]),
      whole.map((m) => [m.bytes.toString('hex'), m.offset, m.cursor]),
      `chunk size ${size}`,
    );
  }
});

test('mbox: CRLF line endings, a last message without final newline, and text before the first envelope', async () => {
  const crlf = 'From a@b Sat Jan  3 01:02:03 2015\r\nSubject: x\r\n\r\nbody\r\n\r\nFrom c@d Sat Jan  3 01:02:04 2015\r\nSubject: y\r\n\r\nend';
  const messages = await read(crlf);
  assert.deepEqual(
    messages.map((m) => m.bytes.toString()),
    ['Subject: x\r\n\r\nbody\r\n', 'Subject: y\r\n\r\nend'],
  );
  const preamble = await read('Subject: no envelope\n\nstray\n\nFrom a@b Sat Jan  3 01:02:03 2015\nSubject: z\n\nok\n');
  assert.equal(preamble.length, 2);
  assert.equal(preamble[0]!.bytes.toString(), 'Subject: no envelope\n\nstray\n');
  assert.equal(preamble[0]!.envelope, null);
});

test('mbox: a line starting "From " without a date is body text (no split)', async () => {
  const messages = await read(
    'From a@b Sat Jan  3 01:02:03 2015\nSubject: x\n\nFrom me to you\nFrom: not a header here\n\nFrom the desk of the editor, 2015\n',
  );
  assert.equal(messages.length, 1);
});

test('mbox file: gzip and plain give the same messages; resuming at a cursor gives the rest', async () => {
  const dir = tempDir();
  const plain = join(dir, 'list.mbox');
  const gz = join(dir, 'list.mbox.gz');
  writeFileSync(plain, MBOXRD);
  writeFileSync(gz, gzipSync(MBOXRD));
  const a = await collect(readMboxFile(plain, false, { folder: 'list' }));
  const b = await collect(readMboxFile(gz, true, { folder: 'list' }));
  assert.deepEqual(
    b.map((m) => [m.bytes.toString(), m.offset]),
    a.map((m) => [m.bytes.toString(), m.offset]),
  );
  for (const [path, gzip] of [
    [plain, false],
    [gz, true],
  ] as const) {
    const rest = await collect(readMboxFile(path, gzip, { folder: 'list', startOffset: Number(a[0]!.cursor) }));
    assert.deepEqual(
      rest.map((m) => [m.bytes.toString(), m.offset]),
      [[a[1]!.bytes.toString(), a[1]!.offset]],
    );
  }
});

test('mbox file: an empty file is reported as a problem, not a crash', async () => {
  const path = join(tempDir(), 'empty.mbox');
  writeFileSync(path, '');
  const items: SourceItem[] = [];
  for await (const item of readMboxFile(path, false, { folder: 'empty' })) items.push(item);
  assert.equal(items.length, 1);
  assert.ok('problem' in items[0]! && items[0].problem.kind === 'empty-source');
});

/** An mboxcl2 file: Content-Length on every message, and body lines starting "From " left unquoted. */
function mboxcl2(bodies: string[], lengths: Array<number | null> = bodies.map((b) => Buffer.byteLength(b)), nl = '\n'): string {
  return bodies
    .map(
      (body, i) =>
        `From sender${i}@example.org Thu Jan  1 00:00:0${i} 2015${nl}Subject: m${i}${nl}${lengths[i] === null ? '' : `Content-Length: ${lengths[i]}${nl}`}${nl}${body}${nl}`,
    )
    .join('');
}

test('mboxcl2: an unquoted "From " line inside a body whose Content-Length is right stays in the message', async () => {
  const bodies = ['Hi,\n\nFrom Mon Jan  1 10:00:00 2018 on, this is one body.\nStill the first.\n', 'Second body\n'];
  const file = mboxcl2(bodies);
  for (const chunk of [1, 7, 64, 1 << 16]) {
    const messages = await read(file, chunk);
    assert.equal(messages.length, 2, `chunk ${chunk}`);
    assert.equal(messages[0]!.bytes.toString(), `Subject: m0\nContent-Length: ${Buffer.byteLength(bodies[0]!)}\n\n${bodies[0]}`);
    assert.equal(messages[1]!.bytes.toString(), `Subject: m1\nContent-Length: ${Buffer.byteLength(bodies[1]!)}\n\n${bodies[1]}`);
    assert.equal(messages[1]!.offset, file.indexOf('From sender1@'));
  }
  // CRLF files alike.
  const crlfBodies = ['One\r\nFrom Mon Jan  1 10:00:00 2018 inside\r\n', 'Two\r\n'];
  for (const chunk of [5, 1 << 16]) assert.equal((await read(mboxcl2(crlfBodies, undefined, '\r\n'), chunk)).length, 2);
});

test('mboxcl2: a wrong Content-Length is not believed: the messages split where the envelopes are', async () => {
  const bodies = ['First\nFrom Mon Jan  1 10:00:00 2018 looks like an envelope\n', 'Second\n', 'Third\n'];
  // Far too long (past the end of the file), too short, and a little too long (into the next message).
  for (const declared of [500, 3, Buffer.byteLength(bodies[0]!) + 4]) {
    for (const chunk of [3, 1 << 16]) {
      const messages = await read(mboxcl2(bodies, [declared, null, null]), chunk);
      assert.equal(messages.length, 4, `Content-Length ${declared}, chunk ${chunk}`);
      assert.equal(messages[0]!.bytes.toString(), `Subject: m0\nContent-Length: ${declared}\n\nFirst\n`);
      assert.equal(messages[1]!.envelope, 'From Mon Jan  1 10:00:00 2018 looks like an envelope');
      assert.equal(messages[2]!.bytes.toString(), 'Subject: m1\n\nSecond\n');
      assert.equal(messages[3]!.bytes.toString(), 'Subject: m2\n\nThird\n');
      assert.deepEqual(
        messages.map((m) => m.cursor),
        [...messages.slice(1).map((m) => String(m.offset)), String(Buffer.byteLength(mboxcl2(bodies, [declared, null, null])))],
        'each cursor is the next message',
      );
    }
  }
});
