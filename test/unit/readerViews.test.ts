import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'preact-render-to-string';
import { CorrespondentsGraph, MonthsChart } from '../../src/web/views/charts.js';
import { monthRange, ReleasePage } from '../../src/web/views/pages.js';
import { MESSAGES } from '../../src/web/i18n.js';
import type { SearchResult } from '../../src/model/search.js';
import { MailBody } from '../../src/web/views/mailBody.js';
import { queryExamples, subjectWords } from '../../src/web/views/readerHelp.js';

test('the months chart: a bar a month (gaps at 0), a title and a description, the same numbers as a table', () => {
  const months = monthRange([
    { value: '2015-11', count: 3 },
    { value: '2016-02', count: 6 },
    { value: 'unknown', count: 9 },
  ]);
  const html = render(MonthsChart({ lang: 'en', months, id: 'm', linked: true })!);
  assert.equal(html.match(/<rect /g)?.length, 4, 'Nov, Dec, Jan, Feb');
  assert.match(html, /<svg[^>]*role="img"[^>]*aria-labelledby="m-title m-desc"/);
  assert.match(html, /<title id="m-title">Messages per month<\/title>/);
  assert.match(html, /<desc id="m-desc">9 dated messages from 2015-11 to 2016-02; the busiest month: 2016-02 \(6\)\.<\/desc>/);
  const rows = [...html.matchAll(/<tr><th scope="row"><a href="([^"]+)">(\d{4}-\d{2})<\/a><\/th><td>(\d+)<\/td><\/tr>/g)];
  assert.deepEqual(
    rows.map((r) => [r[2], Number(r[3])]),
    [
      ['2015-11', 3],
      ['2015-12', 0],
      ['2016-01', 0],
      ['2016-02', 6],
    ],
  );
  assert.equal(decodeURIComponent(rows[1]![1]!.split('q=')[1]!), 'after:2015-12 before:2016-01', 'December searches for December');
  // The tallest bar is the busiest month, drawn full height; an empty month has no height.
  const heights = [...html.matchAll(/<rect [^>]*height="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(heights, [60, 0, 0, 120]);
  assert.equal(render(MonthsChart({ lang: 'fr', months, id: 'm', linked: false })!).includes('<a '), false, 'a static copy links no field query');
  assert.equal(MonthsChart({ lang: 'en', months: [{ value: '2015-11', count: 3 }], id: 'm', linked: true }), null, 'one month is no chart');
});

test('a mail body: long quotes folded, short ones not, the signature apart, and the text unchanged', () => {
  const text = 'Yes.\n> a\n> b\n> c\n> d\nAnd\n> short\n-- \nDesk\n';
  const html = render(MailBody({ text, lang: 'en' }));
  assert.match(html, /<details class="quoted"><summary>Quoted text \(4 lines\)<\/summary><span class="quote">> a\n> b\n> c\n> d\n<\/span><\/details>/);
  assert.match(html, /<span class="quote">> short\n<\/span>/);
  assert.match(html, /<span class="signature">-- \nDesk\n<\/span>/);
  const shown = html.replace(/<summary>.*?<\/summary>/g, '').replace(/<\/?(?:div|span|details)[^>]*>/g, '');
  assert.equal(shown, text);
});

test('search examples are made of the archive’s values and leave out what it has none of', () => {
  assert.deepEqual(subjectWords(['Re: Budget for the north basin']), ['north', 'basin']);
  assert.equal(subjectWords(['Re: ok', 'a b']), null);
  const examples = queryExamples({
    sender: 'a@x.org',
    recipient: 'b@y.org',
    month: '2015-09',
    release: 2,
    words: ['north', 'basin'],
    attachments: false,
    verified: true,
  }).map((e) => e.query);
  assert.ok(examples.includes('"north basin"') && examples.includes('from:a@x.org') && examples.includes('to:y.org'));
  assert.ok(examples.includes('after:2015-07 before:2016-01') && examples.includes('release:2') && examples.includes('dkim:verified'));
  assert.ok(!examples.includes('has:attachment'));
});

test('the search page’s months chart: each bar with messages narrows the query to its month', () => {
  const months = [
    { value: '2015-11', count: 3 },
    { value: '2015-12', count: 0 },
    { value: '2016-01', count: 6 },
  ];
  const html = render(MonthsChart({ lang: 'en', months, id: 'r', linked: true, narrow: 'tug invoice' })!);
  assert.match(html, /<svg[^>]*role="group"/, 'a group of links, not a picture');
  const bars = [...html.matchAll(/<a href="([^"]+)" aria-label="([^"]+)">/g)].map((m) => [decodeURIComponent(m[1]!.split('q=')[1]!), m[2]]);
  assert.deepEqual(bars, [
    ['tug invoice after:2015-11 before:2015-12', '2015-11: 3'],
    ['tug invoice after:2016-01 before:2016-02', '2016-01: 6'],
  ]);
});

test('who wrote to whom: the strongest eight around the person, each line as thick as its messages', () => {
  const people = Array.from({ length: 10 }, (_, i) => ({ address: `p${i}@x.org`, count: 10 - i }));
  const html = render(CorrespondentsGraph({ lang: 'en', address: 'me@x.org', people: [{ address: 'me@x.org', count: 99 }, ...people], id: 'g' })!);
  const widths = [...html.matchAll(/<line [^>]*stroke-width="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 8, 'eight correspondents, not the person itself');
  assert.equal(widths[0], 8, 'the strongest at full width');
  assert.deepEqual(
    widths,
    [...widths].sort((a, b) => b - a),
  );
  assert.match(html, /<desc id="g-desc">me@x\.org — p0@x\.org \(10\), p1@x\.org \(9\)/);
  assert.equal(CorrespondentsGraph({ lang: 'en', address: 'me@x.org', people: [], id: 'g' }), null);
});

test('a release page charts its months and shows its verdicts, each a search within the release', () => {
  const empty = { senders: [], recipients: [], folders: [], releases: [], attachmentTypes: [], languages: [] };
  const facets = {
    ...empty,
    months: [
      { value: '2015-03', count: 4 },
      { value: '2015-05', count: 2 },
    ],
    dkim: [
      { value: 'verified', count: 5 },
      { value: 'no-signature', count: 1 },
    ],
    distinct: { senders: 0, recipients: 0, months: 2, folders: 0, dkim: 2, releases: 0, attachmentTypes: 0, languages: 0 },
  };
  const release = { number: 3, title: 'Part 3', selection: 'all', createdAt: '2015-06-01', publishAt: '2015-06-02T00:00:00Z', published: true, messages: 6 };
  const page = (staticCopy: boolean) =>
    render(
      ReleasePage({
        ctx: { lang: 'en', t: MESSAGES.en, collection: 'C', path: '/releases/3', staticCopy },
        release,
        messages: { total: 6, sort: 'date', hits: [], nextCursor: null, facets } as unknown as SearchResult,
      }),
    );
  const live = page(false);
  assert.match(live, /<figure[^>]*>[\s\S]*id="release-months-title"/, 'the months chart');
  assert.equal(live.match(/<rect class="bar"/g)?.length, 3, 'March, April (0), May');
  assert.match(live, /<svg class="verdict-bar"[\s\S]*?class="verdict-verified"[\s\S]*?width="833\.3"/, 'five of six verified');
  assert.match(live, new RegExp(`href="/search\\?q=${encodeURIComponent('release:3 dkim:verified')}"`), 'a verdict searches within the release');
  assert.match(live, new RegExp(`href="/search\\?q=${encodeURIComponent('release:3 after:2015-03 before:2015-04')}"`), 'a bar narrows to its month');
  const copy = page(true);
  assert.doesNotMatch(copy, /href="\/search\?q=release%3A3%20/, 'the static copy links no field query');
  assert.match(copy, /class="verdict-bar"/);
});
