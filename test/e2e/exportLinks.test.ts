import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot, runCli, tempDir } from '../helpers.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { BlobStore } from '../../src/store/blobStore.js';
import { exportSite } from '../../src/publish/exportSite.js';
import { loadCollectionKey } from '../../src/publish/collectionKey.js';

/** Search segments: parts of a release of at most `segmentMessages`, kept beside the copy; links relative; unchanged exports write nothing. */
test('every link of the copy is relative and resolves from the page; search segments are cut by size and reused; an unchanged export writes nothing', async () => {
  const root = tempDir();
  const data = join(root, 'data');
  const mail = join(root, 'mail');
  mkdirSync(mail);
  // 5 messages of 2019 and 12 of 2020.
  for (let i = 1; i <= 17; i++) {
    const year = i <= 5 ? 2019 : 2020;
    writeFileSync(
      join(mail, `${i}.eml`),
      `From: c${i}@example.org\r\nSubject: Note ${i}\r\nDate: Mon, 3 Jun ${year} 12:00:00 +0000\r\nMessage-ID: <n${i}@x>\r\n\r\nNote number ${i} about the quay.\r\n`,
    );
  }
  for (const args of [
    ['ingest', mail],
    ['release', 'create', '--title', 'Part 1', '--all-remaining'],
    ['release', 'publish', '1'],
  ]) {
    const run = await runCli(['--data', data, ...args]);
    assert.equal(run.code, 0, run.stderr);
  }
  const store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true, audience: 'public' });
  const site = join(root, 'site');
  const options = {
    store,
    blobs: new BlobStore(data),
    collection: 'Shards',
    outDir: site,
    key: await loadCollectionKey(data),
    baseUrl: 'http://localhost',
    mirrors: [],
    staticDir: join(projectRoot, 'static'),
    status: null,
    segmentMessages: 5,
  };
  try {
    await exportSite(options);
    // 17 messages in parts of 5: four segments beside the copy (not in it), each whole.
    const segments = join(root, '.site.search-segments');
    assert.equal(readdirSync(segments).filter((f) => f.endsWith('.keys')).length, 4);
    const built = () =>
      readdirSync(segments)
        .map((f) => `${f} ${statSync(join(segments, f)).mtimeMs}`)
        .sort();
    const first = built();
    assert.ok(!(readdirSync(site, { recursive: true }) as string[]).some((f) => f.includes('segment')), 'segments are not published');
    // No page links root-absolute (the copy works under any path and from file://), and every link
    // and embedded address leads to a file of the copy, the page's own file for a page: nothing 404s.
    const pages = (readdirSync(site, { recursive: true }) as string[]).filter((f) => f.endsWith('.html') && !f.endsWith('/html/index.html'));
    const missing = new Set<string>();
    let links = 0;
    for (const file of pages) {
      const html = readFileSync(join(site, file), 'utf8');
      assert.doesNotMatch(html, /(?:href|src|action)="\/(?!\/)/, `${file} links root-absolute`);
      for (const [, target] of html.matchAll(/(?:href|src|action)="([^"#:][^":]*)"/g)) {
        const path = join(dirname(join(site, file)), decodeURIComponent(target!.replace(/&amp;/g, '&').split(/[?#]/)[0]!));
        links++;
        if (!existsSync(path) || statSync(path).isDirectory()) missing.add(`${file} → ${target}`);
      }
    }
    assert.ok(links > 500, `${links} links checked`);
    assert.deepEqual([...missing], []);
    assert.ok(existsSync(join(site, 'people', 'c1@example.org', 'index.html')), 'person pages are exported');
    assert.ok(
      pages.some((f) => /^dates\/\d{4}-\d{2}\/index\.html$/.test(f)) && pages.some((f) => /^dates\/\d{4}-\d{2}-\d{2}\/index\.html$/.test(f)),
      'month and day pages are exported',
    );
    const again = await exportSite(options);
    assert.equal(again.written, 0, 'nothing changed, nothing rebuilt or rewritten');
    assert.deepEqual(built(), first, 'the same segments, reused, not built again');
  } finally {
    await store.close();
  }
});
