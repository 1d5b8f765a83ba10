import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliJson, runCli, manifestFiles, tempDir } from '../helpers.js';

/**
 * An incremental export renders only the pages whose inputs changed (pageStamps.ts,
 * exportMessages.ts): a new release's messages, the old messages of the threads it answers, a
 * redacted message's thread; every other page is kept. And it is the same copy an export from
 * nothing makes (but for "Read also", which is computed when a page is rendered).
 */
const dir = tempDir();
const data = join(dir, 'data');
const cli = (...args: string[]) => ['--data', data, ...args];

interface Exported {
  sequence: number;
  rendered: number;
  written: number;
  files: number;
}

function message(n: number, thread: string, replyTo: number | null): string {
  const refs = replyTo ? `In-Reply-To: <m${replyTo}@port.example.org>\r\nReferences: <m${replyTo}@port.example.org>\r\n` : '';
  return (
    `From: Clerk ${n % 3} <clerk${n % 3}@port.example.org>\r\nTo: board@port.example.org\r\nSubject: ${replyTo ? 'Re: ' : ''}${thread}\r\n` +
    `Date: Mon, ${1 + (n % 27)} Jun 2020 10:00:00 +0000\r\nMessage-ID: <m${n}@port.example.org>\r\n${refs}\r\nNote ${n} on the ${thread.toLowerCase()}.\r\n`
  );
}

test('an export renders again only what changed, and gives the copy an export from nothing gives', async () => {
  // Part 1: four threads of five messages each (1–5, 6–10, …), each a reply to the one before; files named so that ingest numbers them in order.
  mkdirSync(join(dir, 'part1'), { recursive: true });
  const threads = ['North basin', 'Crane hire', 'Tug rota', 'Fuel dock'];
  for (let n = 1; n <= 20; n++) {
    const t = threads[Math.floor((n - 1) / 5)]!;
    writeFileSync(join(dir, 'part1', `${String(n).padStart(2, '0')}.eml`), message(n, t, (n - 1) % 5 === 0 ? null : n - 1));
  }
  for (const args of [
    ['ingest', join(dir, 'part1')],
    ['release', 'create', '--title', 'Part 1', '--all-remaining'],
    ['release', 'publish', '1'],
  ]) {
    assert.equal((await runCli(cli(...args))).code, 0);
  }
  const site = join(dir, 'site');
  const first = await cliJson<Exported>(cli('export', site, '--json'));
  assert.equal(first.rendered, 20);
  const same = await cliJson<Exported>(cli('export', site, '--json'));
  assert.equal(same.rendered, 0, 'nothing changed: no page rendered');
  assert.equal(same.written, 0);

  // Part 2: a reply in the "Crane hire" thread (messages 6–10) and two messages of a new thread.
  mkdirSync(join(dir, 'part2'), { recursive: true });
  writeFileSync(join(dir, 'part2', '21.eml'), message(21, 'Crane hire', 10));
  writeFileSync(join(dir, 'part2', '22.eml'), message(22, 'Pilot boat', null));
  writeFileSync(join(dir, 'part2', '23.eml'), message(23, 'Pilot boat', 22));
  for (const args of [
    ['ingest', join(dir, 'part2')],
    ['release', 'create', '--title', 'Part 2', '--all-remaining'],
    ['release', 'publish', '2'],
  ]) {
    assert.equal((await runCli(cli(...args))).code, 0);
  }
  const second = await cliJson<Exported>(cli('export', site, '--json'));
  assert.equal(second.rendered, 3 + 5, 'the 3 new messages and the 5 of the thread that got a reply; the other 15 kept');
  assert.match(readFileSync(join(site, 'emails', '6', 'index.html'), 'utf8'), /href="\.\.\/21\/index\.html"/, 'an old message of the thread shows the reply');

  // A redaction in the "Tug rota" thread (11–15): that thread's pages change, nothing else.
  const redacted = await runCli(cli('redact', '13', '--text', 'Note 13', '--reason', 'a name'));
  assert.equal(redacted.code, 0, redacted.stderr);
  const third = await cliJson<Exported>(cli('export', site, '--json'));
  assert.equal(third.rendered, 5);
  assert.doesNotMatch(readFileSync(join(site, 'emails', '13', 'index.html'), 'utf8'), /Note 13/);
  // The copy it replaced (kept one round for readers still in it) still matches its own manifest:
  // pages made again were never written into the files the two copies share (hard links).
  const replaced = join(dir, '.site.snapshots', String(third.sequence - 1));
  const fingerprint = (JSON.parse(readFileSync(join(replaced, 'manifest.json'), 'utf8')) as { fingerprint: string }).fingerprint;
  const verified = await runCli(['mirror', 'verify', replaced, '--key', fingerprint]);
  assert.equal(verified.code, 0, verified.stdout.toString());

  // From nothing: the same files with the same bytes (e-mail pages compared without "Read also").
  const fresh = join(dir, 'fresh');
  await cliJson<Exported>(cli('export', fresh, '--json'));
  const [a, b] = [manifestFiles(site), manifestFiles(fresh)];
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  const withoutRelated = (root: string, path: string) => readFileSync(join(root, path), 'utf8').replace(/<section><h2>Read also<\/h2>[\s\S]*?<\/section>/, '');
  const differ: string[] = [];
  for (const [path, sha] of a) {
    if (b.get(path) === sha) continue;
    if (/^emails\/\d+\/index\.html$/.test(path) && withoutRelated(site, path) === withoutRelated(fresh, path)) continue;
    differ.push(path);
  }
  assert.deepEqual(differ, []);
});

test('a live copy that lost or had altered parts of its file list is repaired by the next export', async () => {
  const site = join(dir, 'site');
  const manifest = JSON.parse(readFileSync(join(site, 'manifest.json'), 'utf8')) as { fingerprint: string; parts: Array<{ name: string; path: string }> };
  const emails = manifest.parts.filter((p) => p.name.startsWith('emails'));
  const threads = manifest.parts.find((p) => p.name.startsWith('threads'))!;
  assert.ok(emails.length > 0 && threads);
  // One part deleted, another changed by a byte (a copy damaged by hand, a full disk): neither is believed.
  rmSync(join(site, emails[0]!.path));
  const altered = join(site, threads.path);
  const bytes = readFileSync(altered);
  rmSync(altered); // not written in place: the copy before this one shares the file
  writeFileSync(altered, Buffer.concat([bytes, Buffer.from(' ')]));
  const repaired = await cliJson<Exported & { damagedParts: string[] }>(cli('export', site, '--json'));
  assert.deepEqual(repaired.damagedParts.sort(), [emails[0]!.name, threads.name].sort());
  assert.ok(repaired.rendered > 0, 'the pages those parts listed were made again');
  const verified = await runCli(['mirror', 'verify', site, '--key', manifest.fingerprint]);
  assert.equal(verified.code, 0, verified.stdout.toString());
  const again = await cliJson<Exported & { damagedParts: string[] }>(cli('export', site, '--json'));
  assert.deepEqual(again.damagedParts, []);
  assert.equal(again.written, 0, 'repaired: the next export has nothing to do');
});

test('a new address under a name others send under makes their person pages again', async () => {
  const site = join(dir, 'site');
  // "Clerk 1" writes from clerk1@port.example.org (part 1); now from another address too.
  mkdirSync(join(dir, 'part4'), { recursive: true });
  writeFileSync(
    join(dir, 'part4', '30.eml'),
    'From: Clerk 1 <clerk1@harbour.example.net>\r\nTo: board@port.example.org\r\nSubject: From home\r\nDate: Tue, 2 Jun 2020 10:00:00 +0000\r\nMessage-ID: <m30@harbour.example.net>\r\n\r\nSent from home.\r\n',
  );
  for (const args of [
    ['ingest', join(dir, 'part4')],
    ['release', 'create', '--title', 'Part 3', '--all-remaining'],
    ['release', 'publish', '3'],
  ]) {
    assert.equal((await runCli(cli(...args))).code, 0);
  }
  await cliJson<Exported>(cli('export', site, '--json'));
  const page = readFileSync(join(site, 'people', 'clerk1@port.example.org', 'index.html'), 'utf8');
  assert.match(page, /clerk1@harbour\.example\.net/, 'the old address’s page lists the new one of the same name');
  const fresh = join(dir, 'fresh-people');
  await cliJson<Exported>(cli('export', fresh, '--json'));
  const [a, b] = [manifestFiles(site), manifestFiles(fresh)];
  const people = [...b.keys()].filter((p) => p.startsWith('people/'));
  assert.deepEqual(
    people.filter((p) => a.get(p) !== b.get(p)),
    [],
    'every person page as an export from nothing makes it',
  );
});
