import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPublicKey, publicDecrypt } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliJson, corpusDir, missingUnless, noCorpusReason, runCli, tempDir } from '../helpers.js';
import { plainMessage, rsaKey, sign } from '../dkimFixtures.js';
import { encodedMessage, recordOf, samplesOf } from '../../src/verify/keyRecovery.js';
import { keyName } from '../../src/verify/keyRecord.js';

/**
 * `keys recover`: a key that vanished from DNS, recovered from the signatures it made (GCD in GMP)
 * and compared with the key itself. The corpus case is the real one: gmail.com's retired 2016
 * selector, taken out of the archive's keys, recovered from list mail, equal to the archived key.
 */

const noGmp = missingUnless("/usr/bin/python3 -c 'import gmpy2'", 'no python3-gmpy2 (scripts/system-deps.sh installs it)');

const pOf = (record: string) => /(?:^|;)\s*p=([^;]*)/.exec(record)![1]!.replace(/\s+/g, '');

interface Recovery {
  missing: number;
  attempts: Array<{
    name: string;
    recovered: { record: { record: string; sightings: Array<{ source: string }> }; from: number[]; confirmedBy: number[] } | null;
    reason: string | null;
  }>;
  rechecked: { verdicts: Record<string, number> } | null;
}

test('the encoding is the one RSA signing made: s^e mod n is exactly m (PKCS#1 v1.5 over the canonicalized headers)', async () => {
  const key = rsaKey('enc', 'example.org', 1024);
  const raw = await sign(plainMessage('A <a@example.org>', 'Encoding', 'Body.\r\n'), key);
  const [sample] = await samplesOf(1, raw, new Set([keyName('enc', 'example.org')]));
  assert.ok(sample);
  const publicKey = createPublicKey({ key: Buffer.from(pOf(key.record), 'base64'), format: 'der', type: 'spki' });
  const opened = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, sample.signature);
  assert.deepEqual(opened, encodedMessage(sample));
  // The record made from a modulus is the one DNS would publish for that key.
  const modulus = Buffer.from(publicKey.export({ format: 'jwk' }).n!, 'base64url').toString('hex');
  assert.equal(pOf(recordOf(modulus)), pOf(key.record));
});

test('a 1024-bit key is recovered from two messages and checked by a third; its messages verify', { skip: noGmp, timeout: 300_000 }, async () => {
  const dir = tempDir();
  const key = rsaKey('gone2019', 'example.org', 1024);
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  for (let i = 1; i <= 3; i++) writeFileSync(join(mail, `${i}.eml`), await sign(plainMessage('Alice <alice@example.org>', `Note ${i}`, `Text ${i}.\r\n`), key));
  const data = join(dir, 'data');
  assert.equal((await runCli(['--data', data, 'ingest', mail])).code, 0);
  const outcome = await cliJson<Recovery>(['--data', data, 'keys', 'recover', '--json']);
  const attempt = outcome.attempts.find((a) => a.name === 'gone2019._domainkey.example.org');
  assert.ok(attempt?.recovered, attempt?.reason ?? 'no attempt');
  assert.equal(pOf(attempt.recovered.record.record), pOf(key.record), 'the recovered key is the signing key');
  assert.equal(attempt.recovered.confirmedBy.length + attempt.recovered.from.length, 3);
  assert.match(attempt.recovered.record.sightings[0]!.source, /^recovered from messages #\d+, #\d+ \(GCD\)/);
  assert.equal(outcome.rechecked?.verdicts.verified, 3);
});

test(
  'corpus: gmail.com 20161025, removed from the keys, is recovered from list mail and equals the archived key',
  { skip: noCorpusReason || noGmp, timeout: 600_000 },
  async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const messages = join(corpusDir, 'dkim', 'gmail-list', 'messages');
    assert.ok(readdirSync(messages).length > 90);
    assert.equal((await runCli(['--data', data, 'ingest', messages])).code, 0);
    const before = await cliJson<{ dkim: Record<string, number> }>(['--data', data, 'stats', '--json']);
    const started = Date.now();
    const outcome = await cliJson<Recovery>(['--data', data, 'keys', 'recover', '--domain', 'gmail.com', '--selector', '20161025', '--json']);
    const seconds = (Date.now() - started) / 1000;
    const attempt = outcome.attempts[0]!;
    assert.ok(attempt.recovered, attempt.reason ?? '');
    const archived = (JSON.parse(readFileSync(join(corpusDir, 'dkim', 'keys.json'), 'utf8')) as Array<{ name: string; txt: string }>).find(
      (k) => k.name === '20161025._domainkey.gmail.com',
    )!;
    assert.equal(pOf(attempt.recovered.record.record), pOf(archived.txt), 'recovered = the key archived from DNS in 2016');
    const after = await cliJson<{ dkim: Record<string, number> }>(['--data', data, 'stats', '--json']);
    assert.ok((after.dkim.verified ?? 0) >= 25, `verified after recovery: ${JSON.stringify(after.dkim)}`);
    assert.ok((after.dkim['key-unavailable'] ?? 0) < (before.dkim['key-unavailable'] ?? 0));
    process.stdout.write(
      `# key recovery (gmail 20161025, 2048-bit): ${seconds.toFixed(0)} s; key-unavailable ${before.dkim['key-unavailable']} → ${after.dkim['key-unavailable'] ?? 0}, verified ${before.dkim.verified ?? 0} → ${after.dkim.verified}\n`,
    );
  },
);
