import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { launchChromium } from '../test/browser.js';
import { startNginx } from '../test/nginxServer.js';

/**
 * Bytes a reader's browser fetches for one search on a static copy: the export served by nginx,
 * the query given to its search page in Chromium (a new page each time, the browser's cache kept
 * from the first query on: "firstInSession" is the cold one), every response counted (the page,
 * its stylesheet and script, the index buckets, pages and docs files the query needs), bytes as
 * decoded (nginx here does not compress).
 *   node dist/bench/staticQuery.js <export dir> [query...]
 */
const site = process.argv[2];
if (!site) throw new Error('usage: staticQuery.js <export dir> [query...]');
const queries = process.argv.length > 3 ? process.argv.slice(3) : ['harbour', 'dredging', 'équatorien', 'tug operator', 'zzzznotfound'];
const nginx = await startNginx(site, mkdtempSync(join(tmpdir(), 'epistola-nginx-')));
const browser = await launchChromium();
try {
  const context = await browser.newContext();
  for (const [i, query] of queries.entries()) {
    const page = await context.newPage();
    let bytes = 0;
    let requests = 0;
    page.on('response', (response) => {
      requests++;
      void response.body().then(
        (b) => (bytes += b.length),
        () => undefined,
      );
    });
    const started = performance.now();
    await page.goto(`${nginx.url}/search/?q=${encodeURIComponent(query)}`);
    await page.waitForFunction(() => /result|No results/.test(document.querySelector('.search-status')?.textContent ?? ''), null, { timeout: 60_000 });
    const ms = Math.round(performance.now() - started);
    await page.waitForLoadState('networkidle');
    const message = (await page.textContent('.search-status'))?.trim();
    console.log(JSON.stringify({ query, firstInSession: i === 0, requests, kilobytes: Math.round(bytes / 1024), ms, message }));
    await page.close();
  }
} finally {
  await browser.close();
  await nginx.stop();
}
