import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FacetIndex, type FacetMessageRow, type FacetPair } from '../../src/search/facetIndex.js';
import { memberTest, memoryTest } from '../../src/search/memoryFilter.js';
import { CursorError, decodeCursor, pageOf } from '../../src/search/searchPages.js';
import { hasWords, positiveWords, rankTerms } from '../../src/search/queryPlan.js';
import { parseQuery } from '../../src/query/parseQuery.js';
import type { FacetCount } from '../../src/model/search.js';

/**
 * The search stage on its own, without a store: the in-memory columns, the conditions they answer,
 * facets, date order and pages, each checked against a plain evaluation over the same rows.
 */

/** A small fixed-seed generator (mulberry32), so a failure is the same failure every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(7);
const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
const FOLDERS = ['INBOX', 'Sent', 'sent/2015', 'Archive', 'Sentry'];
const VERDICTS = ['verified', 'body-altered', 'signature-invalid', 'no-signature', null];
const SENDERS = ['alice@example.org', 'bob@example.org', 'carol@example.net', null];
// Numbers with gaps (a withdrawn or never-assigned number is simply absent).
const rows: FacetMessageRow[] = [];
for (let id = 1; id <= 600; id++) {
  if (next() < 0.1) continue;
  rows.push({
    id,
    from: pick(SENDERS),
    dateUtc: next() < 0.05 ? null : Date.UTC(2014, 0, 1) + Math.floor(next() * 3 * 365) * 86_400_000 + Math.floor(next() * 86_400) * 1000,
    folder: pick(FOLDERS),
    release: next() < 0.2 ? null : 1 + Math.floor(next() * 3),
    verdict: pick(VERDICTS),
    attachments: next() < 0.3 ? 1 + Math.floor(next() * 2) : 0,
  });
}
// Some messages name a recipient twice (to and cc): counted once.
const recipients: FacetPair[] = rows.flatMap((m): FacetPair[] =>
  next() < 0.5
    ? [[m.id, pick(['dan@example.org', 'erin@example.org'])]]
    : next() < 0.2
      ? [
          [m.id, 'dan@example.org'],
          [m.id, 'dan@example.org'],
        ]
      : [],
);
const withFiles = rows.filter((m) => m.attachments > 0);
const types: FacetPair[] = withFiles.map((m): FacetPair => [m.id, pick(['application/pdf', 'image/png'])]);
const files: FacetPair[] = types.flatMap(([message, type]): FacetPair[] => [
  [message, `name:report.${type === 'application/pdf' ? 'PDF' : 'png'}`],
  [message, `type:${type}`],
]);
const languages: FacetPair[] = rows.flatMap((m): FacetPair[] => (next() < 0.7 ? [[m.id, pick(['en', 'fr'])]] : []));
// Pairs in no particular order, as a store may give them; one past the archive's last number is left out.
const shuffled = <T>(list: readonly T[]): T[] =>
  list
    .map((v) => [next(), v] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v);
const index = new FacetIndex(rows, shuffled([...recipients, [9999, 'ghost@example.org']]), shuffled(types), shuffled(files), shuffled(languages));
const byId = new Map(rows.map((m) => [m.id, m]));
const ids = rows.map((m) => m.id);

/** Counts as the stores list them: by count, ties by value in byte order (or by value alone). */
function counted(values: ReadonlyArray<string | null>, byValue = false): FacetCount[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => (byValue ? bytes(a.value, b.value) : b.count - a.count || bytes(a.value, b.value)));
}

test('facets over a result equal plain counts of its rows', () => {
  const result = ids.filter((id) => id % 3 !== 0);
  const facets = index.facets(result, null);
  const of = (id: number) => byId.get(id)!;
  assert.deepEqual(facets.senders, counted(result.map((id) => of(id).from)));
  assert.deepEqual(facets.folders, counted(result.map((id) => of(id).folder)));
  assert.deepEqual(facets.dkim, counted(result.map((id) => of(id).verdict ?? 'unverified')));
  assert.deepEqual(facets.releases, counted(result.map((id) => (of(id).release === null ? 'unpublished' : String(of(id).release)))));
  const month = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, 7));
  assert.deepEqual(
    facets.months,
    counted(
      result.map((id) => month(of(id).dateUtc)),
      true,
    ),
  );
  const inResult = new Set(result);
  const distinctRecipients = [...new Set(recipients.map(([message, value]) => `${message}|${value}`))].map((key) => key.split('|') as [string, string]);
  assert.deepEqual(facets.recipients, counted(distinctRecipients.filter(([message]) => inResult.has(Number(message))).map(([, value]) => value)));
  assert.deepEqual(facets.languages, counted(languages.filter(([message]) => inResult.has(message)).map(([, value]) => value)));
  const cut = index.facets(result, 2);
  assert.equal(cut.senders.length, 2);
  assert.equal(cut.distinct.senders, facets.senders.length, 'the number of distinct values survives the cut');
});

test('date order is newest first, undated last, ties by the higher number, as the SQL order', () => {
  const key = (id: number) => byId.get(id)!.dateUtc ?? -1;
  const expected = [...ids].sort((a, b) => key(b) - key(a) || b - a).map((id) => ({ id, key: key(id) }));
  for (const count of [0, 1, 7, ids.length, ids.length + 5]) assert.deepEqual(index.newest(ids, count), expected.slice(0, count), `${count}`);
});

test('the conditions memory answers mean what their SQL means', () => {
  const folded = (s: string) => s.toLowerCase();
  const cases: Array<[string, (m: FacetMessageRow) => boolean]> = [
    ['folder:sent', (m) => folded(m.folder) === 'sent' || folded(m.folder).startsWith('sent/')],
    ['has:attachment', (m) => m.attachments > 0],
    ['after:2015-03-01', (m) => m.dateUtc !== null && m.dateUtc >= Date.UTC(2015, 2, 1)],
    ['before:2015', (m) => m.dateUtc !== null && m.dateUtc < Date.UTC(2015, 0, 1)],
    ['release:2', (m) => m.release === 2],
    ['dkim:unverified', (m) => m.verdict === null],
    ['dkim:none', (m) => m.verdict === null || m.verdict === 'no-signature'],
    ['dkim:pass', (m) => m.verdict === 'verified'],
    ['dkim:fail', (m) => m.verdict === 'body-altered' || m.verdict === 'signature-invalid'],
    ['dkim:body-altered', (m) => m.verdict === 'body-altered'],
    ['filetype:pdf', (m) => types.some(([message, type]) => message === m.id && type === 'application/pdf')],
    ['lang:fr', (m) => languages.some(([message, lang]) => message === m.id && lang === 'fr')],
    ['-folder:sent has:attachment', (m) => !(folded(m.folder) === 'sent' || folded(m.folder).startsWith('sent/')) && m.attachments > 0],
    ['release:1 OR release:3', (m) => m.release === 1 || m.release === 3],
  ];
  for (const [query, expected] of cases) {
    const testOf = memoryTest(parseQuery(query), index);
    assert.ok(testOf, `${query}: answered in memory`);
    assert.deepEqual(
      index.select(testOf, index.maxId),
      rows.filter(expected).map((m) => m.id),
      query,
    );
  }
  assert.equal(memoryTest(parseQuery('budget folder:sent'), index), null, 'words stay with the full-text index');
  assert.equal(memoryTest(parseQuery('from:alice@example.org'), index), null, 'addresses need a set from the store');
  const alice = memberTest([3, 5, 9999], index.maxId);
  const withSet = memoryTest(parseQuery('from:alice@example.org'), index, () => alice)!;
  assert.deepEqual(
    index.select(withSet, index.maxId),
    [3, 5].filter((id) => byId.has(id)),
    'a set the store read, numbers past the archive ignored',
  );
});

test('what the public may see, as one byte per number', () => {
  const withdrawn = new Set([ids[0]!, ids[1]!]);
  const bitmap = index.visibleTo([1, 3], withdrawn);
  for (let id = 0; id <= index.maxId; id++) {
    const m = byId.get(id);
    assert.equal(bitmap[id], m && (m.release === 1 || m.release === 3) && !withdrawn.has(id) ? 1 : 0, `${id}`);
  }
});

test('a page and its cursor: the next page starts after the last row, for the archive as it was', () => {
  const rowsOf = [5, 4, 3, 2, 1].map((id) => ({ id, key: id * 10 }));
  const { page, nextCursor, ids: pageIds } = pageOf(rowsOf, 3, 'date', 77);
  assert.deepEqual(pageIds, [5, 4, 3]);
  assert.equal(page.length, 3);
  assert.deepEqual(decodeCursor(nextCursor!, 'date'), { s: 'date', k: 30, i: 3, u: 77 });
  assert.equal(pageOf(rowsOf, 5, 'date', 77).nextCursor, null, 'no next page when the rows end');
  assert.throws(() => decodeCursor(nextCursor!, 'relevance'), CursorError, 'a cursor of another order');
  assert.throws(() => decodeCursor('not a cursor', 'date'), CursorError);
});

test('the query plan: which words rank, which only filter', () => {
  const ast = parseQuery('budget subject:harbour from:alice -tug (ferry OR has:attachment)');
  assert.deepEqual(
    positiveWords(ast).map((t) => t.value),
    ['budget', 'harbour', 'alice', 'ferry'],
  );
  assert.deepEqual(
    rankTerms(ast).map((t) => t.value),
    ['budget', 'harbour', 'ferry'],
  );
  assert.equal(hasWords(parseQuery('folder:sent -tug')), true, 'a word under NOT is still a word');
  assert.equal(hasWords(parseQuery('folder:sent has:attachment')), false);
});
