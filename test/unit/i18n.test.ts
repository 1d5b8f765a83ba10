import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDate, formatNumber, verdictText } from '../../src/web/i18n.js';

test('numbers, dates and verdicts in the reader’s language', () => {
  assert.equal(formatNumber(2137, 'en'), '2,137');
  assert.equal(formatNumber(2137, 'fr'), '2\u202f137');
  const at = Date.UTC(2018, 0, 8, 10, 5);
  assert.match(formatDate(at, 'en'), /^8 Jan 2018, 10:05 UTC$/);
  assert.match(formatDate(at, 'fr'), /^8 janv\. 2018(,| à) 10:05 UTC$/);
  assert.equal(formatDate(at, 'en', false), '8 Jan 2018');
  assert.equal(verdictText({ verdict: 'verified', domain: 'example.org', aligned: true }, 'fr'), 'DKIM vérifié par example.org');
  assert.equal(verdictText({ verdict: 'verified', domain: 'example.org', aligned: true }, 'en'), 'DKIM verified by example.org');
  assert.equal(verdictText({ verdict: 'no-signature', domain: null, aligned: false }, 'fr'), 'Pas de signature DKIM');
});
