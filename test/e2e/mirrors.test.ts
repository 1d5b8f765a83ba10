import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cliJson, cliPath, runCli, manifestFiles, tempDir } from '../helpers.js';
import { plainMessage } from '../dkimFixtures.js';
import { startNginx, freeTcpPort, type Nginx } from '../nginxServer.js';
import { launchChromium, newContext, screenshot, watchPage } from '../browser.js';
import { checkAmendmentLog, type SignedAmendment } from '../../src/publish/amendments.js';

/**
 * Publishing and mirrors with real servers: an origin and four mirrors ("fr", "de", "nl", "no"),
 * each a real nginx on a loopback port. Export, sync all four, publish again and sync only what
 * changed, catch an altered file, refuse a rollback, survive an interrupted sync, see a site down.
 */

const dir = tempDir();
const data = join(dir, 'data');
const exportDir = join(dir, 'export');
const SITES = ['fr', 'de', 'nl', 'no'] as const;
const OBSERVERS = ['fr', 'no'];
let origin: Nginx;
const mirrors = new Map<string, Nginx>();
let fingerprint = '';
const cli = (...args: string[]) => ['--data', data, ...args];

interface SyncSummary {
  status: string;
  sequence: number;
  files: number;
  downloaded: number;
  downloadedBytes: number;
  reused: number;
  packs: number;
  fromPacks: number;
  packBytes: number;
  packsRefused: string[];
}

function writeMail(folder: string, count: number, from: number): void {
  mkdirSync(folder, { recursive: true });
  for (let i = from; i < from + count; i++) {
    writeFileSync(
      join(folder, `${i}.eml`),
      plainMessage(`Clerk ${i} <clerk${i}@harbour.example.org>`, `Minutes ${i}`, `Minutes of meeting ${i}: the north basin dredging.\r\n`),
    );
  }
}

before(async () => {
  writeMail(join(dir, 'part1'), 30, 1);
  assert.equal((await runCli(cli('init', '--title', 'Mirror test'))).code, 0);
  await cliJson(cli('ingest', join(dir, 'part1'), '--json'));
  assert.equal((await runCli(cli('release', 'create', '--title', 'Part 1', '--all-remaining'))).code, 0);
  assert.equal((await runCli(cli('release', 'publish', '1'))).code, 0);
  // Four data centres: ports known before the export so mirrors.json can list them.
  const ports = await Promise.all(SITES.map(() => freeTcpPort()));
  // fr and no are observers: each signs what it sees with its own key, whose public half the publisher pins.
  mkdirSync(join(dir, 'keys'));
  const observerKeys = new Map<string, string>();
  for (const country of OBSERVERS) {
    const made = await cliJson<{ publicKey: string }>(['mirror', 'observer-key', join(dir, 'keys', `${country}.pem`), '--json']);
    observerKeys.set(country, made.publicKey);
  }
  writeFileSync(
    join(data, 'mirrors.json'),
    JSON.stringify(
      SITES.map((country, i) => ({
        name: `mirror-${country}`,
        country,
        url: `http://127.0.0.1:${ports[i]}`,
        ...(observerKeys.has(country) ? { observer: observerKeys.get(country) } : {}),
      })),
    ),
  );
  const exported = await cliJson<{ sequence: number; fingerprint: string; messages: number }>(cli('export', exportDir, '--json'));
  assert.equal(exported.sequence, 1);
  assert.equal(exported.messages, 30);
  fingerprint = exported.fingerprint;
  origin = await startNginx(exportDir, join(dir, 'nginx-origin'));
  for (const [i, country] of SITES.entries()) {
    mkdirSync(join(dir, `mirror-${country}`), { recursive: true });
    mirrors.set(country, await startNginx(join(dir, `mirror-${country}`, 'current'), join(dir, `nginx-${country}`), ports[i]));
  }
});

after(async () => {
  await origin?.stop();
  for (const m of mirrors.values()) await m.stop();
});

const sync = (country: string, from = origin.url) =>
  cliJson<SyncSummary>(['mirror', 'sync', from, join(dir, `mirror-${country}`), '--key', fingerprint, '--json']);

test('every mirror syncs over HTTP and then verifies: same signed manifest, every file', async () => {
  for (const country of SITES) {
    const summary = await sync(country);
    assert.equal(summary.status, 'updated');
    assert.equal(summary.downloaded, summary.files);
    const report = await cliJson<{ ok: boolean; sequence: number; missing: string[] }>([
      'mirror',
      'verify',
      mirrors.get(country)!.url,
      '--key',
      fingerprint,
      '--json',
    ]);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.sequence, 1);
  }
  const page = await (await fetch(`${mirrors.get('de')!.url}/emails/1/`)).text();
  assert.match(page, /Minutes 1/);
  const wrongKey = await runCli(['mirror', 'verify', mirrors.get('fr')!.url, '--key', 'a'.repeat(64)]);
  assert.match(wrongKey.stdout.toString(), /REFUSED .*not the pinned/);
});

test("a mirror's search works in Chromium: the search box on any page, the static index", async () => {
  const browser = await launchChromium();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    const mirror = mirrors.get('fr')!.url;
    const watch = watchPage(page, mirror);
    await page.goto(`${mirror}/`);
    await page.fill('input[name=q]', 'minutes');
    await page.click('header button[type=submit]');
    await page.waitForSelector('a.search-result', { timeout: 15_000 });
    const results = await page.locator('a.search-result').allTextContents();
    assert.ok(results.length > 0 && results.every((t) => /Minutes \d+/.test(t)), JSON.stringify(results));
    await screenshot(page, 'mirror-search');
    assert.deepEqual(watch.foreignRequests, [], 'everything comes from the mirror itself');
    assert.deepEqual(watch.dialogs, []);
  } finally {
    await browser.close();
  }
});

test('a new release: the export rewrites only what changed, mirrors fetch only that', async () => {
  writeMail(join(dir, 'part2'), 5, 100);
  await cliJson(cli('ingest', join(dir, 'part2'), '--json'));
  assert.equal((await runCli(cli('release', 'create', '--title', 'Part 2', '--all-remaining'))).code, 0);
  assert.equal((await runCli(cli('release', 'publish', '2'))).code, 0);
  const segments = join(dir, '.export.search-segments');
  const segmentFiles = () => readdirSync(segments).filter((f) => f.endsWith('.keys'));
  const [part1Segment] = segmentFiles();
  const segmentWritten = statSync(join(segments, part1Segment!)).mtimeMs;
  const exported = await cliJson<{ sequence: number; written: number; files: number; bytes: number }>(cli('export', exportDir, '--json'));
  assert.equal(exported.sequence, 2);
  assert.equal(statSync(join(segments, part1Segment!)).mtimeMs, segmentWritten, "part 1's search segment is not rebuilt");
  assert.equal(segmentFiles().length, 2, 'one segment more, for part 2');
  assert.ok(exported.written < exported.files / 2, `${exported.written} of ${exported.files} files written`);
  const manifest = JSON.parse(readFileSync(join(exportDir, 'manifest.json'), 'utf8')) as { previous: string };
  assert.match(manifest.previous, /^[0-9a-f]{64}$/, 'chained to the previous manifest');
  // The search index: only some buckets change with 5 new messages.
  const searchFiles = [...manifestFiles(exportDir).keys()].filter((path) => path.startsWith('search/b/')).length;
  assert.ok(searchFiles > 1, `${searchFiles} buckets`);
  const summary = await sync('fr');
  assert.equal(summary.sequence, 2);
  assert.ok(summary.downloaded <= exported.written, `${summary.downloaded} downloaded, ${exported.written} changed at the origin`);
  assert.ok(summary.reused >= summary.files - exported.written);
  assert.ok(summary.downloadedBytes < exported.bytes / 2, `${summary.downloadedBytes} of ${exported.bytes} bytes transferred`);
  // Everything that changed came in the export's delta pack: nothing fetched file by file.
  assert.equal(summary.packs, 1);
  assert.equal(summary.fromPacks, exported.written);
  assert.equal(summary.downloaded, 0);
  // The changed parts of the file list came in the pack too: the pack, manifest.json and its signature are all it fetched.
  const signed = statSync(join(exportDir, 'manifest.json')).size + statSync(join(exportDir, 'manifest.json.sig')).size;
  assert.equal(summary.downloadedBytes, summary.packBytes + signed);
  assert.match(await (await fetch(`${mirrors.get('fr')!.url}/emails/31/`)).text(), /Minutes 100/);
});

test('an altered file on a mirror is named by verify', async () => {
  const current = join(dir, 'mirror-nl', 'current');
  appendFileSync(join(current, 'emails', '2', 'raw'), 'tampered\n');
  // verify exits 4 when a copy differs, and lists what.
  const run = await runCli(['mirror', 'verify', mirrors.get('nl')!.url, '--key', fingerprint, '--json']);
  assert.equal(run.code, 4);
  assert.deepEqual((JSON.parse(run.stdout.toString()) as { altered: string[] }).altered, ['emails/2/raw']);
});

test('an older signed manifest is refused (rollback), so is a forged one', async () => {
  // A copy of the first export, still validly signed, served as if it were the origin now.
  const stale = join(dir, 'stale');
  cpSync(join(dir, 'mirror-no', 'current') + '/', stale, { recursive: true, dereference: true });
  await sync('no'); // "no" now holds sequence 2
  const rollback = await runCli(['mirror', 'sync', stale, join(dir, 'mirror-no'), '--key', fingerprint]);
  assert.equal(rollback.code, 2);
  assert.match(rollback.stderr, /rollback/);
  const forged = join(dir, 'forged');
  cpSync(exportDir, forged, { recursive: true, dereference: true });
  const manifestPath = join(forged, 'manifest.json');
  writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace('"sequence": 2', '"sequence": 3'));
  const refused = await runCli(['mirror', 'sync', forged, join(dir, 'mirror-no'), '--key', fingerprint]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /signature does not match/);
  assert.equal(readlinkSync(join(dir, 'mirror-no', 'current')), join('snapshots', '2'));
});

test('an interrupted sync leaves the old copy served; the next sync completes and reuses what it fetched', async () => {
  const partial = join(dir, 'partial-origin');
  cpSync(exportDir, partial, { recursive: true, dereference: true });
  // The de mirror is at 1; the origin is at 2 but loses a file halfway through the transfer (and has no pack to give it).
  rmSync(join(partial, 'emails', '33', 'raw'));
  rmSync(join(partial, 'packs'), { recursive: true });
  const broken = await runCli(['mirror', 'sync', partial, join(dir, 'mirror-de'), '--key', fingerprint]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /missing/);
  assert.equal(readlinkSync(join(dir, 'mirror-de', 'current')), join('snapshots', '1'), 'still serving the complete old copy');
  assert.equal((await fetch(`${mirrors.get('de')!.url}/emails/31/`)).status, 404, 'and nothing of the new one');
  assert.ok(statSync(join(dir, 'mirror-de', 'staging-2')).isDirectory());
  const resumed = await sync('de');
  assert.equal(resumed.sequence, 2);
  assert.ok(resumed.downloaded <= 6, `resumed: ${resumed.downloaded} files downloaded`);
  assert.equal((await fetch(`${mirrors.get('de')!.url}/emails/31/`)).status, 200);
});

test('a take-down is a signed amendment: the message leaves the export and the mirrors, the log says why', async () => {
  const amended = await cliJson<{ entry: { seq: number; messages: number[] } }>(
    cli('release', 'amend', '--withdraw', '5', '--reason', 'Court order 2026/123: private data of a third party', '--json'),
  );
  assert.deepEqual(amended.entry.messages, [5]);
  const exported = await cliJson<{ sequence: number; removed: number }>(cli('export', exportDir, '--json'));
  assert.ok(exported.removed >= 2, `${exported.removed} files removed`);
  const log = JSON.parse(readFileSync(join(exportDir, 'amendments.json'), 'utf8')) as SignedAmendment[];
  const publicKey = readFileSync(join(exportDir, 'collection-key.pub.pem'), 'utf8');
  assert.deepEqual(checkAmendmentLog(log, publicKey), []);
  const forgedLog = [{ ...log[0]!, json: log[0]!.json.replace('Court order', 'Nothing') }];
  assert.equal(checkAmendmentLog(forgedLog, publicKey).length, 1, 'an edited entry no longer verifies');
  const summary = await sync('fr');
  assert.equal(summary.sequence, exported.sequence);
  const mirror = mirrors.get('fr')!.url;
  assert.equal((await fetch(`${mirror}/emails/5/raw`)).status, 404);
  assert.match(await (await fetch(`${mirror}/emails/5/`)).text(), /withdrawn[\s\S]*Court order 2026\/123/i);
  assert.match(await (await fetch(`${mirror}/amendments/`)).text(), /Court order 2026\/123/);
  const search = (await (await fetch(`${mirror}/api/stats.json`)).json()) as { messages: number };
  assert.equal(search.messages, 34);
});

test('status: a stopped site is down, the others up and fresh or behind', async () => {
  await mirrors.get('nl')!.stop();
  const status = await cliJson<{ originSequence: number; sites: Array<{ country: string; up: boolean; behind: number | null }> }>(
    cli('mirror', 'status', origin.url, '--key', fingerprint, '--save', '--json'),
  );
  assert.equal(status.originSequence, 3);
  const byCountry = Object.fromEntries(status.sites.map((s) => [s.country, s]));
  assert.equal(byCountry.nl!.up, false);
  assert.equal(byCountry.fr!.behind, 0, 'fr followed the take-down');
  for (const c of ['de', 'no']) {
    assert.equal(byCountry[c]!.up, true, c);
    assert.equal(byCountry[c]!.behind, 1, `${c} has not synced since`);
  }
  // The next export shows it at /status, signed with everything else.
  await cliJson(cli('export', exportDir, '--json'));
  const page = readFileSync(join(exportDir, 'status', 'index.html'), 'utf8');
  assert.match(page, /mirror-nl/);
  assert.match(page, /down/);
});

/** `mirror status` run as the mirror of `site`, signing with the observer key of `keyOf`, publishing into its mirror. */
const observe = (site: string, keyOf: string) =>
  ['mirror', 'status', origin.url, '--key', fingerprint, '--as', `mirror-${site}`].concat([
    '--observer-key',
    join(dir, 'keys', `${keyOf}.pem`),
    '--publish',
    join(dir, `mirror-${site}`),
    '--json',
  ]);

test('reachability from every site: observers sign what they see, the origin gathers the matrix, a forged observation is refused, the live /status follows', async () => {
  // nl is down since the test above. fr and no check every site from where they are, and publish it.
  for (const country of OBSERVERS) {
    const seen = await cliJson<{ published: string; sites: Array<{ name: string; up: boolean }> }>(observe(country, country));
    assert.equal(seen.published, join(dir, `mirror-${country}`, 'current', 'observations', `mirror-${country}.json`));
    assert.equal(seen.sites.find((x) => x.name === 'mirror-nl')!.up, false);
    assert.equal((await fetch(`${mirrors.get(country)!.url}/observations/mirror-${country}.json`)).status, 200, 'served by the mirror itself');
  }
  // A key that is not the pinned one cannot publish for a site.
  const wrong = await runCli(observe('fr', 'no'));
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /not the observer key mirrors.json pins/);

  // The publisher's live site, to see /status follow a saved check without a restart.
  const port = await freeTcpPort();
  const server = spawn(process.execPath, [cliPath, ...cli('serve', '--port', String(port))], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((done) => server.stdout!.on('data', (c: Buffer) => c.toString().includes('Serving') && done()));
    const live = `http://127.0.0.1:${port}`;
    const before = await (await fetch(`${live}/status`)).text();
    assert.match(before, /mirror-fr \(fr\)<br\/><span class="meta">no observation published/, 'the check saved before fr published anything');

    const gathered = await cliJson<{ matrix: Array<{ observer: string; problem: string | null; cells: Record<string, { state: string; since: string }> }> }>(
      cli('mirror', 'status', origin.url, '--key', fingerprint, '--gather', '--save', '--json'),
    );
    assert.deepEqual(
      gathered.matrix.map((r) => r.observer),
      ['origin', 'mirror-fr', 'mirror-no'],
    );
    for (const row of gathered.matrix) {
      assert.equal(row.cells['mirror-nl']!.state, 'down', `${row.observer} sees nl down`);
      assert.equal(row.cells['mirror-fr']!.state, 'behind', `${row.observer} sees fr one export behind`);
    }
    const page = await (await fetch(`${live}/status`)).text();
    assert.doesNotMatch(page, /no observation published/, 'the same server, the new check: /status is not cached');
    assert.match(page, /mirror-no \(no\)[\s\S]*down · since/);
    assert.match(page, /<strong>nl<\/strong>: mirror-nl reached from 0\/3 places/);
    const feed = await (await fetch(`${live}/status/feed.atom`)).text();
    assert.match(feed, /<title>mirror-nl: down, seen from mirror-fr<\/title>/);

    // An observation altered on its way (or by its host) is refused, the others still count.
    const observation = join(dir, 'mirror-no', 'current', 'observations', 'mirror-no.json');
    writeFileSync(observation, readFileSync(observation, 'utf8').replace('"up": false', '"up": true'));
    const forged = await cliJson<{ matrix: Array<{ observer: string; problem: string | null }> }>(
      cli('mirror', 'status', origin.url, '--key', fingerprint, '--gather', '--save', '--json'),
    );
    assert.match(forged.matrix.find((r) => r.observer === 'mirror-no')!.problem ?? '', /refused: not signed by the key mirrors.json pins/);

    // The copy carries the same page and feed; a mirror's sync keeps its own observations.
    await cliJson(cli('export', exportDir, '--json'));
    assert.match(readFileSync(join(exportDir, 'status', 'index.html'), 'utf8'), /Seen from every site/);
    assert.match(readFileSync(join(exportDir, 'status', 'feed.atom'), 'utf8'), /mirror-nl: down/);
    await sync('fr');
    assert.equal((await fetch(`${mirrors.get('fr')!.url}/observations/mirror-fr.json`)).status, 200, 'kept across a sync');
    const verified = await runCli(['mirror', 'verify', join(dir, 'mirror-fr', 'current'), '--key', fingerprint]);
    assert.equal(verified.code, 0, 'observations are not extra files of the copy');
  } finally {
    server.kill();
  }
});

test('delta packs: a tampered pack and a replayed older one are refused (files fetched instead); a sync killed mid-pack resumes', async () => {
  // de is at the sequence of the take-down's test, the origin two exports further: two packs to apply.
  const deAt = JSON.parse(readFileSync(join(dir, 'mirror-de', 'current', 'manifest.json'), 'utf8')) as { sequence: number };
  const originManifest = () =>
    JSON.parse(readFileSync(join(exportDir, 'manifest.json'), 'utf8')) as { sequence: number; packs: Array<{ sequence: number; path: string; size: number }> };
  const now = originManifest().sequence;
  assert.ok(now - deAt.sequence >= 1);
  const tampered = join(dir, 'tampered-origin');
  cpSync(exportDir + '/', tampered, { recursive: true, dereference: true });
  const last = originManifest().packs.at(-1)!;
  const bytes = readFileSync(join(tampered, last.path));
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
  writeFileSync(join(tampered, last.path), bytes);
  const refused = await cliJson<SyncSummary>(['mirror', 'sync', tampered, join(dir, 'mirror-de'), '--key', fingerprint, '--json']);
  assert.equal(refused.sequence, now);
  assert.match(refused.packsRefused.join(' '), new RegExp(`${last.path}: does not match its sha256`));
  const verified = await runCli(['mirror', 'verify', join(dir, 'mirror-de', 'current'), '--key', fingerprint, '--json']);
  assert.equal(verified.code, 0, verified.stdout.toString());

  // A new export; its pack replaced by an older one (validly made, for another step): refused.
  writeMail(join(dir, 'part3'), 3, 200);
  await cliJson(cli('ingest', join(dir, 'part3'), '--json'));
  assert.equal((await runCli(cli('release', 'create', '--title', 'Part 3', '--all-remaining'))).code, 0);
  assert.equal((await runCli(cli('release', 'publish', '3'))).code, 0);
  await cliJson(cli('export', exportDir, '--json'));
  const next = originManifest();
  const replayed = join(dir, 'replayed-origin');
  cpSync(exportDir + '/', replayed, { recursive: true, dereference: true });
  const newest = next.packs.at(-1)!;
  cpSync(join(replayed, next.packs.at(-2)!.path), join(replayed, newest.path));
  const replay = await cliJson<SyncSummary>(['mirror', 'sync', replayed, join(dir, 'mirror-no'), '--key', fingerprint, '--json']);
  assert.equal(replay.sequence, next.sequence);
  assert.match(replay.packsRefused.join(' '), new RegExp(`${newest.path}: does not match`));

  // Killed (SIGKILL) while downloading the pack from a slow site: the next sync asks for the rest only (HTTP Range).
  const whole = readFileSync(join(exportDir, newest.path));
  const slow = await startNginx(exportDir, join(dir, 'nginx-slow'), undefined, `${Math.max(1024, Math.floor(whole.length / 8))}`);
  const part = join(dir, 'mirror-de', `staging-${next.sequence}`, 'packs', `${newest.sequence}.pack.part`);
  let had = 0;
  try {
    const child = spawn(process.execPath, [cliPath, 'mirror', 'sync', slow.url, join(dir, 'mirror-de'), '--key', fingerprint, '--json'], { stdio: 'ignore' });
    const exited = new Promise((done) => child.once('exit', done));
    for (let i = 0; i < 400 && child.exitCode === null; i++) {
      const size = statSync(part, { throwIfNoEntry: false })?.size ?? 0;
      if (size > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await exited;
    had = statSync(part, { throwIfNoEntry: false })?.size ?? 0;
    assert.ok(had > 0 && had < whole.length, `the sync was killed with ${had} of the pack's ${whole.length} bytes`);
    assert.deepEqual(readFileSync(part), whole.subarray(0, had), 'what the killed sync left is the start of the pack');
  } finally {
    await slow.stop();
  }
  const resumed = await cliJson<SyncSummary>(['mirror', 'sync', origin.url, join(dir, 'mirror-de'), '--key', fingerprint, '--json']);
  assert.deepEqual(resumed.packsRefused, []);
  assert.equal(resumed.packs, 1);
  assert.equal(resumed.downloaded, 0);
  assert.equal(resumed.packBytes, whole.length - had, 'only what the killed sync had not fetched was fetched');
  assert.match(await (await fetch(`${mirrors.get('de')!.url}/emails/36/`)).text(), /Minutes 20\d/);
});
