import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers.js';
import { noPostgresReason } from '../postgresServer.js';
import { sharedPostgres, stopSharedPostgres } from '../stores.js';

/**
 * Every command a publisher runs gives the same output on SQLite and on PostgreSQL (times aside):
 * keys, verification, releases, a signed take-down, the static export.
 */
const skip = noPostgresReason;
let root = '';
const dirs: Record<'sqlite' | 'postgres', string[]> = { sqlite: [], postgres: [] };
after(stopSharedPostgres);

before(async () => {
  if (skip) return;
  root = tempDir();
  dirs.sqlite = ['--data', join(root, 'sqlite')];
  dirs.postgres = ['--data', join(root, 'pg'), '--database', await (await sharedPostgres()).createDatabase('commands')];
  for (const args of Object.values(dirs)) {
    const demo = await runCli([...args, 'demo', '--count', '200', '--out', join(root, 'mail'), '--ingest']);
    assert.equal(demo.code, 0, demo.stderr);
  }
});

/** When each demo was verified and released: the two runs were seconds apart. */
const TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;
const maskTimes = (text: string) => text.replace(TIME, '<time>');

/** Runs one command on both stores; returns the two outputs with times and store-specific paths masked. */
async function onBoth(args: string[]): Promise<[string, string]> {
  const out: string[] = [];
  for (const [kind, data] of Object.entries(dirs)) {
    const result = await runCli([...data, ...args]);
    assert.equal(result.code, 0, `${kind}: epistola ${args.join(' ')}: ${result.stderr}`);
    out.push(
      result.stdout
        .toString()
        .replace(TIME, '<time>')
        .replace(/"(\w*)Ms": \d+/g, '"$1Ms": 0')
        .replace(/ in [\d.]+ s/g, ' in <t> s')
        .replaceAll(join(root, kind === 'sqlite' ? 'sqlite' : 'pg'), '<data>'),
    );
  }
  return [out[0]!, out[1]!];
}

test('keys, verification, releases, amendments and show print the same on both stores', { skip }, async () => {
  for (const args of [
    ['stats'],
    ['keys', 'list', '--json'],
    ['keys', 'export', '--for', '7'],
    ['verify', '7', '--json'],
    ['verify', '12'],
    ['verify', '--all', '--json'],
    ['release', 'list', '--json'],
    ['show', '42'],
    ['thread', '42'],
    ['search', '--sort', 'date', '--limit', '50', 'dkim:fail OR dkim:weak-key'],
  ]) {
    const [a, b] = await onBoth(args);
    assert.equal(b, a, `epistola ${args.join(' ')}`);
  }
  // A take-down is a signed entry on either store (the same key signs both: it is the data directory's own).
  for (const data of Object.values(dirs)) {
    const amend = await runCli([...data, 'release', 'amend', '--withdraw', '3', '--reason', 'Court order 2026/1', '--json']);
    assert.equal(amend.code, 0, amend.stderr);
  }
  const [x, y] = await onBoth(['stats', '--json']);
  assert.equal(y, x);
});

test('the static export has the same files, and the same email pages, from both stores', { skip }, async () => {
  const outputs: Record<string, string> = {};
  for (const [kind, data] of Object.entries(dirs)) {
    outputs[kind] = join(root, `site-${kind}`);
    const result = await runCli([...data, 'export', outputs[kind]!, '--json']);
    assert.equal(result.code, 0, result.stderr);
  }
  const files = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).sort();
  assert.deepEqual(files(outputs.postgres!), files(outputs.sqlite!));
  const pages = files(outputs.sqlite!).filter((f) => /^emails\/\d+\/index\.html$/.test(f));
  assert.ok(pages.length > 50);
  assert.ok(!files(outputs.postgres!).some((f) => f.startsWith('emails/3/raw')), 'the withdrawn message is not exported');
  assert.match(readFileSync(join(outputs.postgres!, 'emails/3/index.html'), 'utf8'), /Court order 2026\/1/, 'its page says why it was taken down');
  for (const page of pages.slice(0, 40)) {
    // Related messages are ranked by each store's own scoring; everything else on the page is the same.
    const strip = (dir: string) => maskTimes(readFileSync(join(dir, page), 'utf8').replace(/<section><h2>Read also<\/h2>[\s\S]*?<\/section>/, ''));
    const [a, b] = [strip(outputs.sqlite!), strip(outputs.postgres!)];
    let at = 0;
    while (at < a.length && a[at] === b[at]) at++;
    assert.equal(b.slice(at - 80, at + 160), a.slice(at - 80, at + 160), `${page} differs at ${at}`);
  }
});

test('a refused publish says why, in a sentence and as data, the same on both stores, and changes nothing', { skip }, async () => {
  for (const [kind, data] of Object.entries(dirs)) {
    const before = (await runCli([...data, 'release', 'list', '--json'])).stdout.toString();
    const empty = await runCli([...data, 'release', 'create', '--title', 'Nothing', '--query', 'zzqxjv', '--json']);
    assert.equal(empty.code, 0, empty.stderr);
    const emptyNumber = (JSON.parse(empty.stdout.toString()) as { number: number }).number;
    const cases: Array<[string[], object, RegExp]> = [
      [['99'], { refused: 'no-such-release', number: 99 }, /there is no release 99/],
      [['1'], { refused: 'already-published', number: 1 }, /release 1 was published on .*: a published release cannot change/],
      [[String(emptyNumber)], { refused: 'no-messages', number: emptyNumber }, new RegExp(`release ${emptyNumber} has no messages`)],
    ];
    for (const [args, refusal, sentence] of cases) {
      const result = await runCli([...data, 'release', 'publish', ...args, '--json']);
      assert.equal(result.code, 2, `${kind} ${args}: ${result.stderr}`);
      const said = JSON.parse(result.stdout.toString()) as Record<string, unknown>;
      assert.deepEqual({ refused: said.refused, number: said.number }, refusal, kind);
      assert.match(result.stderr.toString(), sentence, kind);
      if (said.refused === 'already-published') assert.match(String(said.publishedAt), /^\d{4}-\d{2}-\d{2}T/);
    }
    const after = JSON.parse((await runCli([...data, 'release', 'list', '--json'])).stdout.toString()) as Array<{ number: number; publishAt: string | null }>;
    assert.deepEqual(
      after.filter((r) => r.number !== emptyNumber),
      JSON.parse(before),
      `${kind}: no release changed`,
    );
    assert.equal(after.find((r) => r.number === emptyNumber)?.publishAt, null);
  }
});
