import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from 'tar';
import type { ArchiveStats, SearchResult } from '../../src/store/archiveStore.js';
import type { VerificationReport } from '../../src/verify/report.js';
import { formatKeyFile } from '../../src/verify/keyFile.js';
import { cliJson, runCli, tempDir } from '../helpers.js';
import { keyRecordOf, plainMessage, rsaKey, sign, ed25519Key } from '../dkimFixtures.js';
import { startDnsServer, type DnsServer } from '../dnsServer.js';

/**
 * The whole verification workflow through the CLI: keys imported, ingest verifies, search and
 * stats by verdict, a missing key fetched from a real DNS server on loopback, a proof bundle that
 * verify-file re-checks with nothing but its own files.
 */

const dir = tempDir();
const data = join(dir, 'data');
const mail = join(dir, 'mail');
const port = rsaKey('port2016', 'port.example.org', 2048);
const news = ed25519Key('news', 'news.example.com');
const partner = rsaKey('p1', 'partner.example.net', 1024);
let dns: DnsServer;
const cli = (...args: string[]) => ['--data', data, ...args];

async function idOf(subject: string): Promise<number> {
  const result = await cliJson<SearchResult>(cli('search', `subject:"${subject}"`, '--json'));
  assert.equal(result.total, 1, `one message with subject ${subject}`);
  return result.hits[0]!.message.id;
}

before(async () => {
  mkdirSync(mail);
  const write = (name: string, bytes: Buffer | string) => writeFileSync(join(mail, name), bytes);
  write('1.eml', await sign(plainMessage('Port <press@port.example.org>', 'Dredging tender', 'The tender closes on Friday.\r\n'), port));
  write('2.eml', await sign(plainMessage('News <letter@news.example.com>', 'Weekly letter', 'This week at the harbour.\r\n'), news));
  const altered = (await sign(plainMessage('Port <press@port.example.org>', 'Budget draft', 'Total: 100000 EUR.\r\n'), port))
    .toString()
    .replace('100000', '900000');
  write('3.eml', altered);
  write('4.eml', await sign(plainMessage('Partner <ceo@partner.example.net>', 'Partnership', 'Let us sign the agreement.\r\n'), partner));
  write('5.eml', plainMessage('Someone <someone@example.com>', 'Unsigned note', 'No signature here.\r\n'));
  write(
    '6.eml',
    await sign(plainMessage('Port <press@port.example.org>', 'Short lived', 'Valid for a week.\r\n'), port, { expires: new Date('2020-06-08T12:00:00Z') }),
  );
  // The archive knows the port's and the newsletter's keys; the partner's is only in DNS.
  writeFileSync(
    join(dir, 'keys.txt'),
    formatKeyFile([keyRecordOf(port, port.record, '2016-01-01', 'file keys.txt'), keyRecordOf(news, news.record, '2016-01-01', 'file keys.txt')]),
  );
  dns = await startDnsServer([{ name: 'p1._domainkey.partner.example.net', record: partner.record }]);
  assert.equal((await runCli(cli('init'))).code, 0);
});

after(async () => {
  await dns?.stop();
});

test('ingest verifies against the imported keys; verdicts are searchable and counted', async () => {
  const imported = await cliJson<{ added: number }>(cli('keys', 'import', join(dir, 'keys.txt'), '--json'));
  assert.equal(imported.added, 2);
  const summary = await cliJson<{ dkim: Record<string, number> }>(cli('ingest', mail, '--json'));
  // 6.eml's x= (2020-06-08) has passed: expired, not forged.
  assert.deepEqual(summary.dkim, { verified: 2, 'body-altered': 1, 'key-unavailable': 1, 'no-signature': 1, expired: 1 });
  const pass = await cliJson<SearchResult>(cli('search', 'dkim:pass', '--json'));
  assert.deepEqual(pass.hits.map((h) => h.message.subject).sort(), ['Dredging tender', 'Weekly letter']);
  assert.equal((await cliJson<SearchResult>(cli('search', 'dkim:fail', '--json'))).total, 1);
  assert.equal((await cliJson<SearchResult>(cli('search', 'dkim:none', '--json'))).total, 1);
  assert.equal((await cliJson<SearchResult>(cli('search', 'dkim:key-unavailable tender OR agreement', '--json'))).total, 1);
  const bad = await runCli(cli('search', 'dkim:maybe'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /dkim: takes pass, fail, none/);
  const stats = await cliJson<ArchiveStats>(cli('stats', '--json'));
  assert.equal(stats.dkim.verified, 2);
  assert.equal(stats.keyRecords, 2);
});

test('the per-signature details are stored and shown in plain words', async () => {
  const id = await idOf('Budget draft');
  const report = await cliJson<VerificationReport>(cli('verify', String(id), '--json'));
  assert.equal(report.verdict, 'body-altered');
  const s = report.signatures[0]!;
  assert.equal(s.domain, 'port.example.org');
  assert.equal(s.bodyHashOk, false);
  assert.equal(s.key?.bits, 2048);
  assert.deepEqual(s.key?.sightings, [{ source: 'file keys.txt', seen: '2016-01-01' }]);
  const text = (await runCli(cli('verify', String(id)))).stdout.toString();
  assert.match(text, /Body altered after signing/);
  assert.match(text, /does NOT match \(body changed\)/);
  const expired = await cliJson<VerificationReport>(cli('verify', String(await idOf('Short lived')), '--at', '2020-06-05', '--json'));
  assert.equal(expired.verdict, 'verified', 'as of a date before x=, the signature is valid');
});

test('keys fetch asks a real DNS server on loopback for the missing key, then re-checks its messages', async () => {
  const fetched = await cliJson<{ asked: number; added: number; rechecked: { changed: number; verdicts: Record<string, number> } }>(
    cli('keys', 'fetch', '--resolver', dns.address, '--json'),
  );
  assert.equal(fetched.asked, 1);
  assert.equal(fetched.added, 1);
  assert.deepEqual(fetched.rechecked.verdicts, { verified: 1 });
  assert.equal(fetched.rechecked.changed, 1);
  const id = await idOf('Partnership');
  const report = await cliJson<VerificationReport>(cli('verify', String(id), '--json'));
  assert.equal(report.verdict, 'verified');
  assert.equal(report.signatures[0]!.key?.sightings[0]?.source, `dns ${dns.address}`);
  // Nothing is missing any more: a second fetch asks nothing.
  assert.equal((await cliJson<{ asked: number }>(cli('keys', 'fetch', '--resolver', dns.address, '--json'))).asked, 0);
  const list = await cliJson<Array<{ name: string; messages: number }>>(cli('keys', 'list', '--json'));
  assert.deepEqual(list.map((k) => [k.name, k.messages]).sort(), [
    ['news._domainkey.news.example.com', 1],
    ['p1._domainkey.partner.example.net', 1],
    ['port2016._domainkey.port.example.org', 3],
  ]);
});

test('a proof bundle holds the raw message, the keys and the report; verify-file re-checks it alone', async () => {
  const id = await idOf('Dredging tender');
  const bundle = join(dir, 'proof.tar.gz');
  const made = await runCli(cli('verify', '--bundle', String(id), '--out', bundle));
  assert.equal(made.code, 0, made.stderr);
  const out = join(dir, 'proof');
  mkdirSync(out);
  await extract({ file: bundle, cwd: out });
  const raw = readFileSync(join(out, 'message.eml'));
  const shown = await runCli(cli('show', String(id), '--raw'));
  assert.ok(raw.equals(shown.stdout), 'the bundle holds the stored bytes');
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as VerificationReport & { sha256: string };
  assert.equal(report.sha256, createHash('sha256').update(raw).digest('hex'));
  assert.match(report.verifier, /^mailauth \d/);
  assert.match(readFileSync(join(out, 'README.txt'), 'utf8'), /epistola verify-file message\.eml --keys keys\.txt/);
  // No archive at all: only the bundle's files.
  const again = await cliJson<VerificationReport>(['verify-file', join(out, 'message.eml'), '--keys', join(out, 'keys.txt'), '--json'], { cwd: out });
  assert.equal(again.verdict, 'verified');
  assert.equal(again.signatures[0]!.key?.record, port.record);
  const noKeys = await runCli(['verify-file', join(out, 'message.eml')], { cwd: out });
  assert.equal(noKeys.code, 2);
  assert.match(noKeys.stderr, /pass --keys/);
});

test('keys export --for gives exactly the keys one message was checked with', async () => {
  const id = await idOf('Weekly letter');
  const text = (await runCli(cli('keys', 'export', '--for', String(id)))).stdout.toString();
  assert.match(text, /^news\._domainkey\.news\.example\.com\. IN TXT "v=DKIM1; k=ed25519; p=/m);
  assert.doesNotMatch(text, /port\.example\.org/);
  const all = (await runCli(cli('keys', 'export'))).stdout.toString();
  assert.equal(all.split('\n').filter((l) => l.includes(' IN TXT ')).length, 3);
});

test('verify --all as of a date, then as of now: the x= signature turns expired and the change is counted', async () => {
  type Summary = { messages: number; changed: number; verdicts: Record<string, number> };
  const before = await cliJson<Summary>(cli('verify', '--all', '--at', '2020-06-05', '--json'));
  assert.equal(before.messages, 6);
  assert.equal(before.verdicts.verified, 4, 'the 4 good signatures, the x= one included, before its expiry');
  const now = await cliJson<Summary>(cli('verify', '--all', '--json'));
  assert.equal(now.verdicts.expired, 1);
  assert.equal(now.changed, 1);
  const usage = await runCli(cli('verify'));
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--all/);
});
