import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextPublication, publicNumbers, visibleSql, type EmbargoSql } from '../../src/release/embargo.js';

const times = [
  { number: 1, publishAt: '2026-01-01T00:00:00.000Z' },
  { number: 2, publishAt: null },
  { number: 3, publishAt: '2026-06-01T12:00:00.000Z' },
  { number: 4, publishAt: '2026-03-01T00:00:00.000Z' },
];

test('the public releases are those whose time has come; the next time is the soonest still ahead', () => {
  assert.deepEqual(publicNumbers(times, new Date('2025-12-31T23:59:59.999Z')), []);
  assert.deepEqual(publicNumbers(times, new Date('2026-01-01T00:00:00.000Z')), [1], 'public at the very millisecond');
  assert.deepEqual(publicNumbers(times, new Date('2026-07-01T00:00:00.000Z')), [1, 3, 4], 'an unscheduled release never');
  assert.equal(nextPublication(times, new Date('2026-01-15T00:00:00.000Z')), Date.parse('2026-03-01T00:00:00.000Z'));
  assert.equal(nextPublication(times, new Date('2026-07-01T00:00:00.000Z')), Number.POSITIVE_INFINITY);
});

test('the rule in SQL: everything for the publisher; for the public, a published release and not withdrawn', () => {
  const asked: string[] = [];
  const sql: EmbargoSql = {
    always: 'ALL',
    inReleases: (alias, numbers) => `${alias} IN [${numbers.join(' ')}]`,
    notWithdrawn: (alias) => `${alias} KEPT`,
  };
  const numbers = () => (asked.push('numbers'), [1, 4]);
  assert.equal(visibleSql(sql, 'publisher', 'm', numbers), 'ALL');
  assert.deepEqual(asked, [], 'the publisher needs no release numbers');
  assert.equal(visibleSql(sql, 'public', 'm', numbers), '(m IN [1 4] AND m KEPT)');
});
