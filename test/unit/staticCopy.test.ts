import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relativeAddress, withRelativeLinks } from '../../src/publish/relativeLinks.js';
import { bucketOf, decodeIds, encodeIds, keyHash } from '../../src/publish/staticSearch/format.js';
import { partOf } from '../../src/publish/manifest.js';

test('links of a static copy: relative to the page, naming the page file (file://), files as they are', () => {
  assert.equal(relativeAddress('emails/12/index.html', '/'), '../../index.html');
  assert.equal(relativeAddress('emails/12/index.html', '/emails/13'), '../13/index.html');
  assert.equal(relativeAddress('emails/12/index.html', '/emails/12/raw'), 'raw');
  assert.equal(relativeAddress('emails/12/index.html', '/emails/12/html'), 'html/index.html');
  assert.equal(relativeAddress('index.html', '/people/a%40b.org'), 'people/a%40b.org/index.html', 'an address is a page, though it has a dot');
  assert.equal(relativeAddress('releases/index.html', '/search?q=release%3A1#top'), '../search/index.html?q=release%3A1#top');
  assert.equal(relativeAddress('index.html', '/releases/2/release-2.mbox.gz'), 'releases/2/release-2.mbox.gz');
  assert.equal(relativeAddress('about/index.html', '/static/site.css'), '../static/site.css');
  const html =
    '<a href="/keys#x">k</a><img src="/emails/1/attachments/0"><a href="https://example.org/">out</a><a href="#main">skip</a><form action="/search">';
  assert.equal(
    withRelativeLinks(html, 'keys/index.html'),
    '<a href="index.html#x">k</a><img src="../emails/1/attachments/0"><a href="https://example.org/">out</a><a href="#main">skip</a><form action="../search/index.html">',
  );
});

test('the static index: message numbers survive the varint, a key always lands in the same bucket', () => {
  const ids = [1_000_000, 999_999, 500_000, 32, 31, 1]; // newest first, as the index keeps them
  assert.deepEqual(decodeIds(encodeIds(ids)), ids);
  assert.equal(encodeIds([5, 4, 3]).length, 3, 'small steps take one character each');
  assert.equal(keyHash('harbour'), keyHash('harbour'));
  assert.notEqual(keyHash('harbour'), keyHash('harbours'));
  for (const bits of [0, 4, 10, 16]) assert.ok(bucketOf(keyHash('港口'), bits) < 2 ** bits);
});

test("manifest parts: a message's files share a part, 5,000 messages a part", () => {
  assert.equal(partOf('emails/4999/index.html'), 'emails-0');
  assert.equal(partOf('api/emails/5000.json'), 'emails-1');
  assert.equal(partOf('emails/5000/attachments/2'), 'emails-1');
  assert.equal(partOf('search/b/17.js'), 'search-b');
  assert.equal(partOf('attachments/ab' + '0'.repeat(62) + '/index.html'), 'attachments-a');
  assert.equal(partOf('index.html'), 'site');
  assert.match(partOf('people/a@b.org/index.html'), /^people-\d+$/);
});
