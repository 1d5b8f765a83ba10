import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import bencode from 'bencode';
import { cliJson, missingUnless, runCli, manifestFiles, tempDir } from '../helpers.js';
import { freeTcpPort } from '../nginxServer.js';
import { launchChromium, newContext, screenshot, watchPage } from '../browser.js';
import { sha256Hex } from '../../src/mail/contentHash.js';
import type { SearchResult } from '../../src/store/archiveStore.js';

/**
 * The editions of a copy beyond the web server: opened from disk (file://), one ZIM file served by
 * Debian's kiwix-serve and checked by zimcheck, and a release's bulk downloads (its mbox.gz, whose
 * messages ingest back byte for byte, and a torrent whose pieces and web seeds are right).
 */
const dir = tempDir();
const data = join(dir, 'data');
const site = join(dir, 'site');
const zim = join(dir, 'harbour.zim');
const cli = (...args: string[]) => ['--data', data, ...args];
const noKiwix = missingUnless(
  'command -v kiwix-serve && command -v zimcheck && /usr/bin/python3 -c "import libzim"',
  'kiwix-tools, zim-tools or python3-libzim missing (scripts/system-deps.sh installs them)',
);
let kiwix: ChildProcess | null = null;
let kiwixUrl = '';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function plain(i: number, body: string): string {
  return `From: Keeper ${i} <keeper${i}@lighthouse.example.org>\r\nTo: board@lighthouse.example.org\r\nSubject: Lamp log ${i}\r\nDate: Mon, ${i} Mar 2021 09:00:00 +0000\r\nMessage-ID: <log${i}@lighthouse.example.org>\r\n\r\n${body}\r\n`;
}

/** HTML that would run a script, load a remote image and show an inline picture: only the picture may show. */
const HOSTILE = [
  'From: Intruder <x@evil.example.com>',
  'To: board@lighthouse.example.org',
  'Subject: Lamp invoice',
  'Date: Tue, 9 Mar 2021 10:00:00 +0000',
  'Message-ID: <hostile@evil.example.com>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/related; boundary="b"',
  '',
  '--b',
  'Content-Type: text/html; charset=utf-8',
  '',
  `<html><body><p>The lighthouse invoice</p><script>alert('script')</script><img src="x" onerror="alert('onerror')"><img src="http://evil.example.com/t.png"><img src="cid:pic@x"></body></html>`,
  '--b',
  'Content-Type: image/png',
  'Content-ID: <pic@x>',
  'Content-Transfer-Encoding: base64',
  '',
  PNG.toString('base64'),
  '--b--',
  '',
].join('\r\n');

before(async () => {
  const mail = join(dir, 'mail');
  mkdirSync(mail, { recursive: true });
  for (let i = 1; i <= 6; i++) writeFileSync(join(mail, `${i}.eml`), plain(i, `Lamp ${i} of the lighthouse was cleaned; the keeper logged the fog horn.`));
  writeFileSync(join(mail, '7.eml'), HOSTILE);
  assert.equal((await runCli(cli('init', '--title', 'Lighthouse papers'))).code, 0);
  await cliJson(cli('ingest', mail, '--json'));
  assert.equal((await runCli(cli('release', 'create', '--title', 'Part 1', '--all-remaining'))).code, 0);
  assert.equal((await runCli(cli('release', 'publish', '1'))).code, 0);
  writeFileSync(
    join(data, 'mirrors.json'),
    JSON.stringify([
      { name: 'mirror-no', country: 'no', url: 'http://127.0.0.1:9/no' },
      { name: 'mirror-fr', country: 'fr', url: 'http://127.0.0.1:9/fr' },
    ]),
  );
  const args = cli('export', site, '--base-url', 'http://127.0.0.1:9/origin', '--json', ...(noKiwix ? [] : ['--zim', zim]));
  const exported = await cliJson<{ messages: number; zim: { entries: number } | null }>(args);
  assert.equal(exported.messages, 7);
  if (!noKiwix) {
    assert.ok(exported.zim && exported.zim.entries > 50);
    const port = await freeTcpPort();
    kiwix = spawn('kiwix-serve', ['--address', '127.0.0.1', '--port', String(port), zim], { stdio: 'ignore' });
    kiwixUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${kiwixUrl}/`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
});
after(() => kiwix?.kill());

test('opened from disk (file://): pages, links between them, the raw source and search all work', async () => {
  const browser = await launchChromium();
  try {
    const page = await (await newContext(browser)).newPage();
    const watch = watchPage(page, 'file://');
    await page.goto(pathToFileURL(join(site, 'index.html')).href);
    await page.click('nav a[href$="releases/index.html"]');
    await page.click('main a:has-text("Part 1")');
    assert.match((await page.textContent('main')) ?? '', /Download it all/);
    await page.click('main a[href*="emails/"]');
    await page.waitForSelector('h1');
    assert.match(page.url(), /^file:.*\/emails\/\d+\/index\.html$/);
    const raw = await page.locator('a[href$="/raw"], a[href="raw"]').first().getAttribute('href');
    assert.ok(raw, 'the page links its raw source');
    // The search box of any page leads to the static search, which answers from disk.
    await page.fill('input[name=q]', 'fog horn');
    await page.click('header button[type=submit]');
    await page.waitForSelector('a.search-result');
    assert.equal(await page.locator('a.search-result').count(), 6);
    await screenshot(page, 'file-search');
    assert.deepEqual(watch.foreignRequests, [], 'nothing is loaded from anywhere else');
    assert.deepEqual(watch.dialogs, []);
  } finally {
    await browser.close();
  }
});

test("a release's mbox.gz holds its raw messages byte for byte; its torrent's pieces and web seeds are right", async () => {
  const mboxPath = 'releases/1/release-1.mbox.gz';
  const listed = manifestFiles(site).get(mboxPath);
  assert.ok(listed, 'the download is in the signed manifest');
  const gz = readFileSync(join(site, mboxPath));
  assert.equal(sha256Hex(gz), listed);
  // Ingested into a new archive, the mbox gives back every message with the same raw bytes.
  const mbox = join(dir, 'release-1.mbox');
  writeFileSync(mbox, gunzipSync(gz));
  const other = join(dir, 'other');
  await cliJson(['--data', other, 'ingest', mbox, '--json', '--no-extract']);
  const sources = async (d: string) => {
    const out: string[] = [];
    for (let id = 1; id <= 7; id++) out.push((await runCli(['--data', d, 'show', String(id), '--raw'])).stdout.toString('latin1'));
    return out.map((r) => sha256Hex(Buffer.from(r, 'latin1'))).sort();
  };
  assert.deepEqual(await sources(other), await sources(data));
  // The torrent: one file, its SHA-1 pieces match the mbox.gz, every site a web seed, no tracker.
  const torrent = bencode.decode(readFileSync(join(site, `${mboxPath}.torrent`))) as {
    info: { name: Uint8Array; length: number; 'piece length': number; pieces: Uint8Array };
    'url-list': Uint8Array[];
    announce?: unknown;
  };
  assert.equal(Buffer.from(torrent.info.name).toString(), 'release-1.mbox.gz');
  assert.equal(torrent.info.length, gz.length);
  const size = torrent.info['piece length'];
  const pieces = Buffer.from(torrent.info.pieces);
  assert.equal(pieces.length, 20 * Math.ceil(gz.length / size));
  for (let i = 0; i * size < gz.length; i++) {
    assert.deepEqual(
      createHash('sha1')
        .update(gz.subarray(i * size, (i + 1) * size))
        .digest(),
      pieces.subarray(20 * i, 20 * i + 20),
      `piece ${i}`,
    );
  }
  assert.deepEqual(
    torrent['url-list'].map((u) => Buffer.from(u).toString()),
    ['http://127.0.0.1:9/origin/releases/1/', 'http://127.0.0.1:9/no/releases/1/', 'http://127.0.0.1:9/fr/releases/1/'],
  );
  assert.equal(torrent.announce, undefined, 'no tracker is named');
  // Built again from nothing (its cache gone), the download and its torrent are the same bytes: an
  // export that changes nothing else writes nothing (the torrent's date is the release's, not the export's).
  rmSync(join(dir, '.site.downloads'), { recursive: true, force: true });
  const again = await cliJson<{ written: number }>(cli('export', site, '--base-url', 'http://127.0.0.1:9/origin', '--json'));
  assert.equal(again.written, 0);
});

test('the ZIM file passes zimcheck; kiwix-serve serves its pages, finds words, and never runs the hostile e-mail', { skip: noKiwix }, async () => {
  execFileSync('zimcheck', ['-A', zim], { stdio: 'pipe' }); // exits non-zero when a check fails
  const name = 'harbour';
  const head = async (path: string) => (await fetch(`${kiwixUrl}/${name}/${path}`)).headers.get('content-type') ?? '';
  // Raw sources are text, attachments a download or a picture: nothing from an e-mail is served as a page.
  const hostileId = (await cliJson<SearchResult>(cli('search', 'invoice', '--json'))).hits[0]!.message.id;
  assert.match(await head(`emails/${hostileId}/raw`), /^text\/plain/);
  assert.match(await head(`emails/${hostileId}/attachments/0`), /^image\/png/);
  // Kiwix's own full-text search finds the messages' pages.
  const found = await (await fetch(`${kiwixUrl}/search?content=${name}&pattern=lighthouse`)).text();
  assert.match(found, new RegExp(`/${name}/emails/\\d+/index\\.html`));
  const browser = await launchChromium();
  try {
    const page = await (await newContext(browser)).newPage();
    const watch = watchPage(page, kiwixUrl);
    await page.goto(`${kiwixUrl}/${name}/emails/${hostileId}/index.html`);
    assert.match((await page.textContent('h1')) ?? '', /Lamp invoice/);
    const frame = page.frameLocator('iframe');
    await frame.locator('text=The lighthouse invoice').waitFor();
    // Only the inline picture is drawn (kiwix-serve adds its toolbar, with an image of its own, to every page).
    assert.deepEqual(await frame.locator('img:not([src*="/skin/"])').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src'))), ['../attachments/0']);
    // The copy's own script search, inside Kiwix.
    await page.goto(`${kiwixUrl}/${name}/search/index.html?q=keeper`);
    await page.waitForSelector('a.search-result');
    assert.equal(await page.locator('a.search-result').count(), 6);
    await page.locator('a.search-result').first().click();
    await page.waitForSelector('h1');
    assert.match((await page.textContent('h1')) ?? '', /Lamp log/);
    await screenshot(page, 'zim-kiwix');
    assert.deepEqual(watch.dialogs, [], 'no script of the e-mail ran');
    assert.deepEqual(watch.foreignRequests, [], 'nothing was loaded from elsewhere');
  } finally {
    await browser.close();
  }
});
