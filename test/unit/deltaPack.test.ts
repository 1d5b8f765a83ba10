import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Of } from '../../src/publish/manifest.js';
import { unpack, writePack } from '../../src/publish/deltaPack.js';
import { tempDir } from '../helpers.js';

test('a delta pack gives back every file, a changed one from its old version; a header of megabytes is read', async () => {
  // 15,000 new files (a header of several MB: the first bench at 100k had 13,698 and a 1 MB limit) and one changed page.
  const old = Buffer.from(`<html>${'the north basin dredging report, '.repeat(2000)}</html>`);
  const page = Buffer.from(old.toString().replace('north basin', 'south basin'));
  const fresh = new Map<string, Buffer>();
  for (let i = 0; i < 15_000; i++) fresh.set(`emails/${100_000 + i}/attachments/0-with-a-long-name-for-a-long-header`, Buffer.from(`file ${i}`));
  fresh.set('threads/7/index.html', page);
  const changed = [...fresh].map(([path, bytes]) => ({ path, size: bytes.length, sha256: sha256Of(bytes) }));
  const out = join(tempDir(), '2.pack');
  const written = await writePack(
    {
      collection: 'test',
      sequence: 2,
      previous: 'a'.repeat(64),
      changed,
      before: (path) => (path === 'threads/7/index.html' ? sha256Of(old) : undefined),
      readNew: async (path) => fresh.get(path)!,
      readOld: async () => old,
    },
    out,
  );
  assert.equal(statSync(out).size, written.size);
  const got = new Map<string, Buffer>();
  const result = await unpack(
    out,
    async (_path, sha256) => (sha256 === sha256Of(old) ? old : null),
    async (entry, bytes) => void got.set(entry.path, bytes),
  );
  assert.deepEqual(result, { applied: 15_001, skipped: 0 });
  for (const [path, bytes] of fresh) assert.deepEqual(got.get(path), bytes, path);
  // Without the old version, the delta cannot be applied: skipped (the mirror fetches that file whole).
  const without = await unpack(
    out,
    async () => null,
    async () => undefined,
  );
  assert.deepEqual(without, { applied: 15_000, skipped: 1 });
});
