import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { SearchResult } from '../../src/store/archiveStore.js';
import { cliJson, runCli, tempDir } from '../helpers.js';
import { startNginx, type Nginx } from '../nginxServer.js';
import { launchChromium, newContext } from '../browser.js';
import { eml, MAIL } from '../multilingualMail.js';

/**
 * One archive, two search engines: the live server's (SQLite) and the static copy's (its script-tag
 * index in Chromium, served by nginx and opened from disk). For word queries on a multilingual collection they must find the same
 * messages: Chinese and Japanese words inside their runs, English word forms, plain words.
 */
const dir = tempDir();
const data = join(dir, 'data');
let site: Nginx;

before(async () => {
  mkdirSync(join(dir, 'mail'));
  MAIL.forEach((m, i) => writeFileSync(join(dir, 'mail', `${i + 1}.eml`), eml(i, m)));
  // More than 64 English messages share the stem of "running" (the index then refers to that stem's
  // bucket instead of copying its messages into each word's list): both ways are compared below.
  for (let i = 0; i < 70; i++) {
    const body = `The ${['cranes', 'crane', 'tugs'][i % 3]} kept ${['running', 'runs', 'run'][i % 3]} through the night at the north quay while the board met about the port budget.`;
    // Some go to a recipient whose name and address are words of no text: found by them live, so in the copy too.
    const to = i % 5 === 0 ? 'Quentin Wharfinger <q.wharfinger@port-authority.example>' : undefined;
    writeFileSync(join(dir, 'mail', `filler-${i}.eml`), eml(MAIL.length + i, { subject: `Night shift ${i}`, body, to }));
  }
  for (const args of [
    ['ingest', join(dir, 'mail')],
    ['release', 'create', '--title', 'Part 1', '--all-remaining'],
    ['release', 'publish', '1'],
    ['export', join(dir, 'site')],
  ]) {
    const run = await runCli(['--data', data, ...args]);
    assert.equal(run.code, 0, run.stderr);
  }
  site = await startNginx(join(dir, 'site'), join(dir, 'nginx'));
  // Both ways of giving a word's stems are in this index: "running" refers to the bucket of its
  // English stem (70+ messages), "réformes" has its French stem's few messages in its own list.
  const entries: Record<string, unknown[]> = {};
  for (const file of readdirSync(join(dir, 'site', 'search', 'b'))) {
    const text = readFileSync(join(dir, 'site', 'search', 'b', file), 'utf8');
    Object.assign(entries, JSON.parse(text.slice(text.indexOf(',') + 1, text.lastIndexOf(')'))));
  }
  assert.ok(Array.isArray(entries.running?.[3]) && (entries.running[3] as string[]).includes('runᚠen'), JSON.stringify(entries.running?.slice(3)));
  assert.equal(entries.reformes?.[3], undefined, 'a stem of few messages is inlined');
});
after(async () => site?.stop());

const QUERIES = [
  '港口',
  '经济',
  '港口报告',
  '会議',
  '東京',
  'quay',
  'crane',
  'harbour',
  'board',
  'run',
  'running',
  'réformes',
  'economiques',
  'harbour board',
  'wharfinger',
  'authority',
];

/** The static search page's results for a query, once it has run (all of them: "More results" clicked until none are left): message numbers, sorted. */
async function staticResults(page: Page, url: string): Promise<number[]> {
  await page.goto(url);
  await page.waitForFunction(() => /result|No results/.test(document.querySelector('.search-status')?.textContent ?? ''), undefined, { timeout: 15_000 });
  while (await page.locator('button.search-more').isVisible()) {
    const shown = await page.locator('a.search-result').count();
    await page.click('button.search-more');
    await page.waitForFunction(
      (n) => document.querySelectorAll('a.search-result').length > n || document.querySelector('button.search-more')?.hasAttribute('hidden'),
      shown,
    );
  }
  const links = await page.locator('a.search-result').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  return links.map((href) => Number(/\/emails\/(\d+)\//.exec(href)?.[1])).sort((a, b) => a - b);
}

for (const [where, base] of [
  ['served by nginx', () => `${site.url}/search/index.html`],
  ['opened from disk (file://)', () => pathToFileURL(join(dir, 'site', 'search', 'index.html')).href],
] as const) {
  test(`the static copy’s search, ${where}, finds what the live search finds`, async () => {
    const browser = await launchChromium();
    try {
      const page = await (await newContext(browser)).newPage();
      const differences: string[] = [];
      for (const query of QUERIES) {
        const live = (await cliJson<SearchResult>(['--data', data, 'search', query, '--json', '--limit', '100'])).hits
          .map((h) => h.message.id)
          .sort((a, b) => a - b);
        assert.ok(live.length > 0, `${query}: the live search finds something`);
        const found = await staticResults(page, `${base()}?q=${encodeURIComponent(query)}`);
        if (JSON.stringify(found) !== JSON.stringify(live)) differences.push(`${query}: static ${JSON.stringify(found)}, live ${JSON.stringify(live)}`);
      }
      assert.deepEqual(differences, []);
      assert.deepEqual(await staticResults(page, `${base()}?q=zzzznotfound`), [], 'a word nowhere finds nothing');
      // A result leads to the message's page, which opens (over HTTP and from disk alike).
      await staticResults(page, `${base()}?q=quay`);
      await page.locator('a.search-result').first().click();
      await page.waitForSelector('h1');
      assert.match(page.url(), /\/emails\/\d+\/index\.html$/);
    } finally {
      await browser.close();
    }
  });
}
