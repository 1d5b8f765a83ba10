import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneEditAway } from '../../src/query/spelling.js';

test('one typing slip away: a letter dropped, added, changed, or two swapped; never the word itself', () => {
  const edits = new Set(oneEditAway('budget'));
  for (const slip of ['budgte', 'bduget', 'budgt', 'udget', 'budgets', 'abudget', 'budgat', 'nudget']) assert.ok(edits.has(slip), slip);
  assert.ok(!edits.has('budget'));
  assert.ok(!edits.has('bdugte'), 'two slips are not one');
  // 6 deletions, 5 swaps, 6 × 35 changes, 7 × 36 insertions, less the duplicates.
  assert.ok(edits.size > 400 && edits.size < 6 + 5 + 6 * 35 + 7 * 36, String(edits.size));
});
