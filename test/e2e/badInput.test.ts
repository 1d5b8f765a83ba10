import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../../src/mail/contentHash.js';
import type { StoredMessage } from '../../src/store/archiveStore.js';
import type { IngestSummary } from '../../src/pipeline/ingest.js';
import { cliJson, runCli, tempDir } from '../helpers.js';

const HEAD = 'From: a@example.org\r\nDate: Mon, 2 Mar 2015 10:00:00 +0000\r\n';

/** Each hostile or broken input, and the warning it must leave (null: none expected). */
function badInputs(): Array<{ name: string; bytes: Buffer; warning: string | null }> {
  let deep = '';
  for (let i = 0; i < 3000; i++) deep += `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`;
  // 100 MB: a base64 attachment of 75 MB of bytes.
  const big = Buffer.alloc(75 * 1024 * 1024, 0x5a);
  const bigBody = (big.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  return [
    { name: 'junk.eml', bytes: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)), warning: 'no-headers' },
    {
      name: 'truncated.eml',
      bytes: Buffer.from(
        `${HEAD}Subject: cut\r\nMessage-ID: <t@x>\r\nContent-Type: multipart/mixed; boundary="q"\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\nand then the conn`,
      ),
      warning: 'multipart-truncated',
    },
    { name: 'no-headers.eml', bytes: Buffer.from('just a line of text\r\nand another\r\n'), warning: 'no-headers' },
    {
      name: 'deep.eml',
      bytes: Buffer.from(`${HEAD}Subject: deep\r\nMessage-ID: <d@x>\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n${deep}`),
      warning: 'mime-too-deep',
    },
    {
      name: 'base64.eml',
      bytes: Buffer.from(
        `${HEAD}Subject: b64\r\nMessage-ID: <b@x>\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x%%%***@@@\r\n`,
      ),
      warning: 'base64-invalid',
    },
    {
      name: 'charset.eml',
      bytes: Buffer.from(`${HEAD}Subject: cs\r\nMessage-ID: <c@x>\r\nContent-Type: text/plain; charset=x-klingon-8\r\n\r\nQapla'\r\n`),
      warning: 'charset-unknown',
    },
    { name: 'nul.eml', bytes: Buffer.from(`${HEAD}Subject: nul\0here\r\nMessage-ID: <n@x>\r\n\r\nbody\r\n`), warning: 'nul-in-header' },
    {
      name: 'big.eml',
      bytes: Buffer.concat([
        Buffer.from(
          `${HEAD}Subject: big\r\nMessage-ID: <big@x>\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
        ),
        Buffer.from(bigBody),
        Buffer.from('\r\n'),
      ]),
      warning: null,
    },
  ];
}

test('bad input: every broken message is stored raw, warned about and counted; the ingest goes on', async () => {
  const root = tempDir();
  const dir = join(root, 'bad');
  mkdirSync(dir);
  const inputs = badInputs();
  for (const input of inputs) writeFileSync(join(dir, input.name), input.bytes);
  writeFileSync(join(dir, 'empty.eml'), '');
  writeFileSync(join(dir, 'zz-good.eml'), `${HEAD}Subject: fine\r\nMessage-ID: <ok@x>\r\n\r\nstill here\r\n`);
  const data = join(root, 'data');
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', dir]);
  assert.equal(summary.added, inputs.length + 1, 'every non-empty file is a message');
  assert.deepEqual(summary.problems, { 'empty-file': 1 });
  for (const input of inputs) if (input.warning) assert.ok((summary.warnings as Record<string, number>)[input.warning]! >= 1, input.warning);

  // Files are read in name order: ids follow it. Each raw message comes back exactly, with its warning.
  const names = [...inputs.map((i) => i.name), 'zz-good.eml'].sort();
  for (const [index, name] of names.entries()) {
    const id = String(index + 1);
    const shown = await cliJson<StoredMessage>(['--data', data, 'show', id, '--json']);
    assert.equal(shown.locations[0]!.locator, name);
    const input = inputs.find((i) => i.name === name);
    if (input) {
      assert.equal(shown.sha256, sha256Hex(input.bytes), name);
      if (input.warning)
        assert.ok(
          shown.warnings.some((w) => w.kind === input.warning),
          `${name}: ${JSON.stringify(shown.warnings)}`,
        );
    }
    if (name !== 'big.eml') {
      const raw = await runCli(['--data', data, 'show', id, '--raw']);
      assert.equal(sha256Hex(raw.stdout), shown.sha256);
    }
  }
  const big = await cliJson<StoredMessage>(['--data', data, 'show', String(names.indexOf('big.eml') + 1), '--json']);
  assert.equal(big.attachments[0]!.size, 75 * 1024 * 1024);
  assert.equal(big.attachments[0]!.sha256, sha256Hex(Buffer.alloc(75 * 1024 * 1024, 0x5a)));
});
