/**
 * Lighthouse (issue 18) on every page type of a running reader, desktop and mobile: performance,
 * accessibility, best practices and SEO, with Debian's Chromium and the tests' flags.
 *   node dist/bench/lighthouse.js http://127.0.0.1:8080 [--json] [--pages home,email]
 * The pages are found from the site's own API (an email, its thread, its sender, a release).
 */
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM, CHROMIUM_FLAGS } from '../test/browser.js';

const origin = (process.argv[2] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const json = process.argv.includes('--json');
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${origin}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

type Hit = { message: { id: number; threadId: number | null; from: { address: string } | null } };
const latest = await api<{ hits: Hit[] }>('/api/search?q=after:1970&sort=date');
const threaded = latest.hits.find((h) => h.message.threadId !== null) ?? latest.hits[0]!;
const releases = await api<Array<{ number: number }>>('/api/releases');
const day = new Date(
  (await api<{ hits: Array<{ message: { dateUtc: number | null } }> }>('/api/search?q=after:1970&sort=date&limit=1')).hits[0]!.message.dateUtc!,
);
const withAttachment = (await api<{ hits: Array<{ message: { id: number } }> }>('/api/search?q=has:attachment&sort=date&limit=1')).hits[0];
const attachment = withAttachment
  ? (await api<{ attachments: Array<{ sha256: string; inline: boolean }> }>(`/api/emails/${withAttachment.message.id}`)).attachments.find((a) => !a.inline)
  : undefined;
// Every page type a reader reaches, but the 404 page (Lighthouse scores its status as an SEO fault).
const pages: Array<readonly [string, string]> = [
  ['home', '/'],
  ['search', `/search?q=${encodeURIComponent('after:1970')}`],
  ['email', `/emails/${threaded.message.id}`],
  ['thread', `/threads/${threaded.message.threadId}`],
  ['person', `/people/${encodeURIComponent(threaded.message.from!.address)}`],
  ['people', '/people'],
  ['releases', '/releases'],
  ['release', `/releases/${releases[0]!.number}`],
  ['attachments', '/attachments'],
  ['keys', '/keys'],
  ['about', '/about'],
  ['accessibility', '/accessibility'],
  ['status', '/status'],
  ['search-empty', '/search?q=zzzznothing'],
  ['facet', `/search/facet?q=${encodeURIComponent('after:1970')}&facet=senders`],
  ['dates', '/dates'],
  ['month', `/dates/${day.toISOString().slice(0, 7)}`],
  ['day', `/dates/${day.toISOString().slice(0, 10)}`],
  ['amendments', '/amendments'],
  ...(attachment ? [['attachment', `/attachments/${attachment.sha256}`] as const] : []),
];

const only = process.argv.find((a, i) => process.argv[i - 1] === '--pages')?.split(',');
const chosen = only ? pages.filter(([name]) => only.includes(name)) : pages;

const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_FLAGS });
const rows: Array<{ page: string; form: string; scores: Record<string, number>; failed: string[] }> = [];
try {
  for (const [name, path] of chosen) {
    for (const form of ['desktop', 'mobile'] as const) {
      // A run that Lighthouse itself could not finish (a runtime error: every score 0) is made again, twice at most.
      let lhr;
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await lighthouse(
          `${origin}${path}`,
          { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] },
          form === 'desktop' ? desktopConfig : undefined,
        );
        lhr = result!.lhr;
        if (!lhr.runtimeError) break;
        console.error(`${name} ${form}: Lighthouse error ${lhr.runtimeError.code}, again`);
      }
      if (!lhr) throw new Error('no Lighthouse result');
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
      // The audits that cost points, to say what to fix.
      const failed = Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
        .map((a) => a.id);
      rows.push({ page: name, form, scores, failed });
      if (!json)
        console.log(
          `${name.padEnd(14)} ${form.padEnd(8)} ${CATEGORIES.map((c) => `${c} ${scores[c]}`).join('  ')}${failed.length ? `  (below 0.9: ${failed.join(', ')})` : ''}`,
        );
    }
  }
} finally {
  await chrome.kill();
}
const lowest = Object.fromEntries(CATEGORIES.map((c) => [c, Math.min(...rows.map((r) => r.scores[c]!))]));
if (json) console.log(JSON.stringify({ origin, rows, lowest }, null, 2));
else console.log(`lowest: ${CATEGORIES.map((c) => `${c} ${lowest[c]}`).join('  ')}`);
