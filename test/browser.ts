import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './helpers.js';

/** Debian's Chromium driven by playwright-core, with the project's fixed flags (installed by scripts/system-deps.sh). */

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** Everything a page did that it must not: dialogs opened, requests to anywhere but the test server. */
export interface PageWatch {
  readonly dialogs: string[];
  readonly foreignRequests: string[];
}

export function watchPage(page: Page, origin: string): PageWatch {
  const watch: PageWatch = { dialogs: [], foreignRequests: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && url !== 'about:blank' && url !== 'about:srcdoc') watch.foreignRequests.push(url);
  });
  return watch;
}

export async function newContext(browser: Browser, options: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({ acceptDownloads: true, bypassCSP: options.bypassCSP ?? false, locale: 'en-GB' });
}

/** Screenshots are kept as test artifacts (test-artifacts/screenshots, not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(projectRoot, 'test-artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
