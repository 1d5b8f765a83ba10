import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thousands } from '../../src/cli/thousands.js';

test('thousands writes whole numbers as en-US does, and falls back to it for the rest', () => {
  const values = [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 123_456_789, -1, -1234, -1_000_000, Number.MAX_SAFE_INTEGER, 1234.5, Number.NaN];
  for (let v = 1; v < 1e15; v *= 7) values.push(v, -v);
  for (const v of values) assert.equal(thousands(v), v.toLocaleString('en-US'), String(v));
});
