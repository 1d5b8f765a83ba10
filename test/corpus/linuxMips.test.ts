import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMboxFile } from '../../src/ingest/mboxReader.js';
import { sha256Hex } from '../../src/mail/contentHash.js';
import { corpusDir, noCorpusReason } from '../helpers.js';

interface ManifestRow {
  seq: number;
  sha256: string;
  bytes: number;
  message_id: string;
}

// The corpus README: 5,638 messages; un-escaping the mboxrd must give back each original byte for byte.
test('linux-mips mboxrd.gz: every message comes back byte-exact (sha256 from the manifest)', { skip: noCorpusReason }, async () => {
  const dir = join(corpusDir, 'linux-mips');
  const manifest = readFileSync(join(dir, 'manifest-2017.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ManifestRow);
  assert.equal(manifest.length, 5638);
  const hashes: string[] = [];
  for await (const item of readMboxFile(join(dir, 'linux-mips-2017.mboxrd.gz'), true, { folder: 'linux-mips' })) {
    if ('message' in item) hashes.push(sha256Hex(item.message.bytes));
  }
  assert.equal(hashes.length, manifest.length);
  const mismatches = manifest.filter((row, i) => row.sha256 !== hashes[i]).map((row) => row.seq);
  assert.deepEqual(mismatches, []);
});
