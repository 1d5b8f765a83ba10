import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, ConsoleMessage } from 'playwright-core';
import type { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { cliJson, runCli, tempDir } from '../helpers.js';
import { launchChromium, newContext } from '../browser.js';
import { startWebReader } from '../webServer.js';

/**
 * Reader pages in real Chromium, on a small archive of their own: a thread whose replies were filed before the message they answer (so message numbers run backwards
 * through it), with a reply to a message the archive lacks: the web reader must draw it in reading
 * order, as `epistola thread` prints it, without an inline style the site's CSP would refuse.
 */
const MAIL: Record<string, string> = {
  // Files are read in name order: the replies first.
  'a-reply-to-reply.eml': message('<c@t>', 'Re: Re: Quay lights', '<a@t> <b@t>', 3),
  'b-reply.eml': message('<b@t>', 'Re: Quay lights', '<a@t>', 2),
  'c-root.eml': message('<a@t>', 'Quay lights', null, 1),
  'd-second-reply.eml': message('<d@t>', 'Re: Quay lights (2)', '<a@t>', 4),
  'e-orphan.eml': message('<e@t>', 'Re: Lost message', '<missing@t>', 5),
  'f-inline-image.eml': [
    'From: Harbour <harbour@example.org>',
    'To: desk@example.org',
    'Subject: Chart inside',
    'Date: Mon, 8 Jan 2018 10:00:00 +0000',
    'Message-ID: <f@t>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/related; boundary="r"',
    '',
    '--r',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>The chart:</p><img alt="chart" src="cid:chart@t">',
    '--r',
    'Content-Type: image/png',
    'Content-Transfer-Encoding: base64',
    'Content-ID: <chart@t>',
    '',
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
    '--r--',
    '',
  ].join('\r\n'),
  // The Sent copy (with its Bcc) and the Inbox copy of one message: one Message-ID, other bytes.
  'g-sent.eml': `Bcc: Quiet Reader <quiet@example.net>\r\n${message('<g@t>', 'Tide tables', null, 9)}`,
  'h-inbox.eml': `Received: from mx.example.org by desk.example.org; Tue, 9 Jan 2018 10:00:01 +0000\r\n${message('<g@t>', 'Tide tables', null, 9)}`,
};

function message(id: string, subject: string, references: string | null, day: number): string {
  return [
    'From: Harbour <harbour@example.org>',
    'To: desk@example.org',
    `Subject: ${subject}`,
    `Date: Mon, ${day} Jan 2018 10:00:00 +0000`,
    `Message-ID: ${id}`,
    ...(references ? [`References: ${references}`, `In-Reply-To: ${references.split(' ').at(-1)}`] : []),
    '',
    `About the quay lights, day ${day}.`,
    '',
  ].join('\r\n');
}

let data: string;
let origin: string;
let store: SqliteStore;
let closeReader: (() => Promise<void>) | undefined;
let browser: Browser;

before(async () => {
  const root = tempDir();
  const mail = join(root, 'mail');
  mkdirSync(mail);
  for (const [name, text] of Object.entries(MAIL)) writeFileSync(join(mail, name), text);
  data = join(root, 'data');
  await cliJson(['--data', data, 'ingest', '--json', '--progress', 'none', mail]);
  // The publisher's view (every message, no release needed): what `serve --preview` shows.
  ({ store, origin, close: closeReader } = await startWebReader(data, { audience: 'publisher', collection: 'Test' }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await closeReader?.();
});

/** The ids in the order `epistola thread` prints them, and their depth (two spaces a level). */
async function cliOrder(id: number): Promise<Array<{ id: number; depth: number }>> {
  const printed = (await runCli(['--data', data, 'thread', String(id)])).stdout.toString();
  return printed
    .split('\n')
    .map((line) => /^. ( *)(\d+) /.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ id: Number(match[2]), depth: match[1]!.length / 2 }));
}

test('a thread is drawn in reading order, as the CLI prints it, indented without inline styles, and no page logs an error', async () => {
  const root = (await store.getMessage(3))!;
  assert.equal(root.subject, 'Quay lights', 'the root was filed third');
  const expected = await cliOrder(root.id);
  assert.deepEqual(
    expected.map((e) => e.id),
    [3, 2, 1, 4],
    'the CLI: the root, its first reply and that reply’s reply, then the second reply',
  );

  const context = await newContext(browser);
  const page = await context.newPage();
  const logged: string[] = [];
  page.on('console', (entry: ConsoleMessage) => {
    if (entry.type() === 'error' || entry.type() === 'warning') logged.push(`${page.url()}: ${entry.text()}`);
  });
  for (const path of [`/threads/${root.threadId}`, `/emails/${root.id}`, `/emails/1`]) {
    await page.goto(`${origin}${path}`);
    const items = await page.locator('ol.thread > li').evaluateAll((lis) =>
      lis.map((li) => ({
        id: Number((li.querySelector('a')?.getAttribute('href') ?? '').split('/').pop() || 0),
        style: li.getAttribute('style'),
        indent: parseFloat(getComputedStyle(li).marginLeft),
        current: li.querySelector('[aria-current]') !== null,
      })),
    );
    // The message being read is not a link: its id is the page's.
    const shown = items.map((item) => (item.current ? Number(path.split('/').pop()) : item.id));
    assert.deepEqual(
      shown,
      expected.map((e) => e.id),
      `${path}: reading order`,
    );
    assert.ok(
      items.every((item) => item.style === null),
      `${path}: no inline style`,
    );
    // Deeper replies are drawn further in, by the stylesheet's classes.
    const indentOf = (id: number) => items[shown.indexOf(id)]!.indent;
    assert.ok(indentOf(3) < indentOf(2) && indentOf(2) < indentOf(1), `${path}: indented by depth (${items.map((i) => i.indent).join(', ')})`);
    assert.equal(indentOf(2), indentOf(4), `${path}: both replies to the root at one depth`);
  }
  // The thread page draws the same tree: a dot a message in reading order, each reply one step below
  // what it answers and joined to it, described in words for screen readers.
  await page.goto(`${origin}/threads/${root.threadId}`);
  const picture = page.locator('figure.thread-picture svg[role="img"]');
  assert.match((await picture.locator('desc').textContent())!, /^4 messages, replies up to 2 deep; the message with the most direct replies has 2\./);
  const dots = await picture.locator('circle').evaluateAll((cs) => cs.map((c) => ({ x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')) })));
  assert.equal(dots.length, expected.length);
  assert.ok(
    dots.every((d, i) => i === 0 || d.x > dots[i - 1]!.x),
    'left to right in reading order',
  );
  const depthOf = (i: number) => expected[i]!.depth;
  assert.ok(
    dots.every((d, i) => dots.every((e, j) => depthOf(i) < depthOf(j) === d.y < e.y)),
    `one row a depth: ${JSON.stringify(dots)}`,
  );
  // Edges: from each parent's dot, down to the reply's row, then across to the reply.
  const edges = await picture.locator('path.edge').evaluateAll((ps) => ps.map((p) => (p.getAttribute('d')!.match(/[\d.]+/g) ?? []).map(Number)));
  const edge = (from: number, to: number) => [dots[from]!.x, dots[from]!.y, dots[to]!.y, dots[to]!.x];
  assert.deepEqual(edges, [edge(0, 1), edge(0, 3), edge(1, 2)]);
  // A reply to a message the archive lacks: the missing parent is shown as such, above it.
  const orphan = (await store.getMessage(5))!;
  await page.goto(`${origin}/threads/${orphan.threadId}`);
  assert.match((await page.locator('ol.thread > li').first().textContent())!, /not in the archive: <missing@t>/);
  assert.equal(await page.locator('figure.thread-picture circle.ghost').count(), 1, 'the missing parent is a hollow dot');
  assert.deepEqual(logged, [], 'no CSP violation, no missing favicon, nothing else in the console');
  await context.close();
});

test('an HTML mail shows its inline (cid:) images inside the sandboxed frame', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${origin}/emails/6`);
  const image = page.frameLocator('iframe.email-html').locator('img[alt=chart]');
  await image.waitFor({ state: 'attached' });
  // The frame has an opaque origin (sandbox): the image must still be allowed to load into it.
  const width = await image.evaluate(async (img: HTMLImageElement) => {
    if (!img.complete) {
      await new Promise((done) => {
        img.addEventListener('load', done, { once: true });
        img.addEventListener('error', done, { once: true });
      });
    }
    return img.naturalWidth;
  });
  assert.ok(width > 0, `the cid: image loaded (natural width ${width})`);
  await context.close();
});

test('no page scrolls sideways on a phone, a small phone or a tablet; on a phone the results come before the facets', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const thread = (await store.getMessage(3))!.threadId;
  const paths = [
    '/',
    '/releases',
    '/emails/7',
    '/search?q=quay',
    '/emails/3',
    '/emails/6',
    `/threads/${thread}`,
    '/people/harbour@example.org',
    '/keys',
    '/about',
    '/status',
    '/amendments',
    '/no-such-page',
  ];
  const overflowing: string[] = [];
  for (const width of [320, 390, 768]) {
    await page.setViewportSize({ width, height: 800 });
    for (const path of paths) {
      await page.goto(`${origin}${path}`);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scroll > width) overflowing.push(`${path} at ${width} px: ${scroll} px wide`);
    }
  }
  assert.deepEqual(overflowing, []);
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${origin}/search?q=quay`);
  const [firstHit, firstFacet] = await Promise.all(['ol.hits li', 'section.facet'].map((selector) => page.locator(selector).first().boundingBox()));
  assert.ok(firstHit && firstFacet && firstHit.y < firstFacet.y, `the first result (y ${firstHit?.y}) is above the first facet (y ${firstFacet?.y})`);
  await context.close();
});

test('in French the page says it all in French: verdicts, sizes, counts, dates with their zone', async () => {
  const fr = await (await fetch(`${origin}/emails/6`, { headers: { 'accept-language': 'fr' } })).text();
  assert.match(fr, /Pas de signature DKIM/);
  assert.match(fr, /\d+ octets/);
  assert.match(fr, /UTC/);
  assert.doesNotMatch(fr, /No DKIM signature|\d bytes/);
  const en = await (await fetch(`${origin}/emails/6`, { headers: { 'accept-language': 'en' } })).text();
  assert.match(en, /No DKIM signature/);
  assert.match(en, /\d+ bytes/);
  const home = await (await fetch(`${origin}/`, { headers: { 'accept-language': 'fr' } })).text();
  assert.match(home, /Dates\u202f:/);
});

test('the email page shows the Bcc line and links the other copies of a message; /releases lists the releases', async () => {
  const sent = await (await fetch(`${origin}/emails/7`)).text();
  assert.match(sent, /<dt>Bcc<\/dt><dd>[^]*quiet@example\.net/);
  assert.match(sent, /<dt>Other copies<\/dt><dd>[^]*href="\/emails\/8"/);
  const inbox = await (await fetch(`${origin}/emails/8`)).text();
  assert.match(inbox, /href="\/emails\/7"/);
  assert.doesNotMatch(inbox, /<dt>Bcc<\/dt>/);
  const releases = await fetch(`${origin}/releases`);
  assert.equal(releases.status, 200);
  assert.match(await releases.text(), /<h1>Releases<\/h1>[^]*Nothing is published yet/);
});
