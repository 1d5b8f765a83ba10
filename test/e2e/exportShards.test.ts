import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, runCli, tempDir } from '../helpers.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { BlobStore } from '../../src/store/blobStore.js';
import { exportSite } from '../../src/publish/exportSite.js';
import { loadCollectionKey } from '../../src/publish/collectionKey.js';

/** Search shards: one per release and year, cut in parts of at most `shardMessages`; unchanged ones kept. */
test('the static search is sharded by release, year and size; every link of the copy resolves; an unchanged export writes nothing', async () => {
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
    shardMessages: 5,
  };
  try {
    await exportSite(options);
    assert.deepEqual(readdirSync(join(site, 'pagefind')).sort(), ['release-1-2019', 'release-1-2020', 'release-1-2020-2', 'release-1-2020-3']);
    const page = readFileSync(join(site, 'search', 'index.html'), 'utf8');
    for (const dir of ['release-1-2019', 'release-1-2020', 'release-1-2020-2', 'release-1-2020-3']) assert.ok(page.includes(`/pagefind/${dir}/`), dir);
    // Every link and embedded address on every exported page leads to a file of the copy: nothing 404s on a mirror.
    const pages = (readdirSync(site, { recursive: true }) as string[]).filter((f) => f.endsWith('.html'));
    const missing = new Set<string>();
    for (const file of pages) {
      for (const [, target] of readFileSync(join(site, file), 'utf8').matchAll(/(?:href|src)="(\/[^"]*)"/g)) {
        const path = decodeURIComponent(target!.replace(/&amp;/g, '&').split(/[?#]/)[0]!);
        if (!existsSync(join(site, path)) || (statSync(join(site, path)).isDirectory() && !existsSync(join(site, path, 'index.html'))))
          missing.add(`${file} → ${path}`);
      }
    }
    assert.deepEqual([...missing], []);
    assert.ok(existsSync(join(site, 'people', 'c1@example.org', 'index.html')), 'person pages are exported');
    const again = await exportSite(options);
    assert.equal(again.written, 0, 'nothing changed, nothing rebuilt or rewritten');
  } finally {
    await store.close();
  }
});
