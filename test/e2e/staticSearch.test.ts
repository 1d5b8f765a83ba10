import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
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
});
after(async () => site?.stop());

const QUERIES = ['港口', '经济', '港口报告', '会議', '東京', 'quay', 'crane', 'harbour', 'board', 'run', 'running', 'réformes', 'economiques', 'harbour board'];

/** The static search page's results for a query, once it has run: message numbers, sorted. */
async function staticResults(page: Page, url: string): Promise<number[]> {
  await page.goto(url);
  await page.waitForFunction(() => /result|No results/.test(document.querySelector('.search-status')?.textContent ?? ''), undefined, { timeout: 15_000 });
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
