import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRefusal, isPublishRefusal, publishRefusal } from '../../src/release/publishRules.js';
import type { Release } from '../../src/model/release.js';

const release = (over: Partial<Release>): Release => ({
  number: 4,
  title: 'Part 4',
  selection: 'query: x',
  createdAt: '2026-01-01T00:00:00.000Z',
  publishAt: null,
  published: false,
  messages: 10,
  ...over,
});

test('a release may be published when it exists, holds messages and is not public yet', () => {
  assert.equal(publishRefusal(4, release({})), null);
  assert.equal(publishRefusal(4, release({ publishAt: '2099-01-01T00:00:00.000Z' })), null, 'a scheduled one may be moved');
  assert.deepEqual(publishRefusal(4, undefined), { refused: 'no-such-release', number: 4 });
  assert.deepEqual(publishRefusal(4, release({ published: true, publishAt: '2026-02-01T00:00:00.000Z' })), {
    refused: 'already-published',
    number: 4,
    publishedAt: '2026-02-01T00:00:00.000Z',
  });
  assert.deepEqual(publishRefusal(4, release({ messages: 0 })), { refused: 'no-messages', number: 4 });
  assert.equal(describeRefusal({ refused: 'no-messages', number: 4 }), 'release 4 has no messages');
  assert.equal(isPublishRefusal(release({})), false);
  assert.equal(isPublishRefusal({ refused: 'no-such-release', number: 1 }), true);
});
