import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandSources, type FilesSource } from '../../src/ingest/sources.js';
import { readMessageFiles } from '../../src/ingest/filesReader.js';
import type { RawMessage } from '../../src/ingest/rawMessage.js';
import { UsageError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

const MAIL = (subject: string) => `From: a@example.org\nSubject: ${subject}\n\nbody\n`;

function makeTree(): string {
  const root = tempDir();
  const md = join(root, 'Mail');
  for (const folder of ['', '.Sent', '.Lists.linux']) for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(md, folder, sub), { recursive: true });
  writeFileSync(join(md, 'cur', '1000.M1P1.host:2,S'), MAIL('inbox read'));
  writeFileSync(join(md, 'new', '1001.M2P1.host'), MAIL('inbox new'));
  writeFileSync(join(md, 'tmp', '1002.M3P1.host'), MAIL('being delivered: not yet mail'));
  writeFileSync(join(md, 'dovecot.index.log'), 'binary bookkeeping');
  writeFileSync(join(md, '.Sent', 'cur', '1003.M4P1.host:2,RS'), MAIL('sent'));
  writeFileSync(join(md, '.Lists.linux', 'cur', '1004.M5P1.host:2,'), MAIL('list'));
  mkdirSync(join(root, 'exports', '2015'), { recursive: true });
  writeFileSync(join(root, 'exports', '2015', 'a.eml'), `From someone@example.org Mon Jan  5 10:00:00 2015\n${MAIL('with envelope')}`);
  writeFileSync(join(root, 'exports', 'notes.bin'), Buffer.from([0, 1, 2, 3, 255]));
  writeFileSync(join(root, 'exports', 'list.mbox'), `From x@example.org Mon Jan  5 10:00:00 2015\n${MAIL('in mbox')}\n`);
  return root;
}

async function messagesOf(source: FilesSource): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  for await (const item of readMessageFiles(source, null)) if ('message' in item) out.push(item.message);
  return out;
}

test('a tree with Maildir++ folders, .eml files and an mbox becomes sources in a stable order', async () => {
  const root = makeTree();
  const { sources, skipped } = await expandSources([root]);
  assert.deepEqual(
    sources.map((s) => s.kind),
    ['files', 'mbox'],
  );
  const files = sources[0] as FilesSource;
  const messages = await messagesOf(files);
  assert.deepEqual(
    messages.map((m) => [m.folder, m.locator]),
    [
      // Sorted by path ('.' sorts before digits); a Maildir++ '.Lists.linux' is shown as Lists/linux.
      ['Mail/Lists/linux', 'Mail/.Lists.linux/1004.M5P1.host'],
      ['Mail/Sent', 'Mail/.Sent/1003.M4P1.host'],
      ['Mail', 'Mail/1000.M1P1.host'],
      ['Mail', 'Mail/1001.M2P1.host'],
      ['exports/2015', 'exports/2015/a.eml'],
    ],
  );
  const envelope = messages.find((m) => m.locator === 'exports/2015/a.eml')!;
  assert.equal(envelope.envelope, 'From someone@example.org Mon Jan  5 10:00:00 2015');
  assert.ok(envelope.bytes.toString().startsWith('From: a@example.org'), 'the envelope line is not part of the message');
  assert.equal(skipped.length, 1);
  assert.match(skipped[0]!.path, /notes\.bin$/);
  const mbox = sources[1]!;
  assert.equal(mbox.kind === 'mbox' ? mbox.folder : null, 'list');
});

test('a resume cursor skips what was committed', async () => {
  const { sources } = await expandSources([makeTree()]);
  const files = sources[0] as FilesSource;
  const all = await messagesOf(files);
  const rest: RawMessage[] = [];
  for await (const item of readMessageFiles(files, all[1]!.cursor)) if ('message' in item) rest.push(item.message);
  assert.deepEqual(
    rest.map((m) => m.locator),
    all.slice(2).map((m) => m.locator),
  );
});

test('a missing path is a UsageError naming it', async () => {
  await assert.rejects(expandSources(['/definitely/not/here']), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /\/definitely\/not\/here: no such file or directory/);
    return true;
  });
});
