import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyArchive } from '../../src/verify/keyArchive.js';
import { parseKeyFile } from '../../src/verify/keyFile.js';
import type { SignatureOutcome } from '../../src/verify/report.js';
import { verifyMessage } from '../../src/verify/verifyMessage.js';
import { corpusDir, hasCorpus, noCorpusReason } from '../helpers.js';

/**
 * Real signed mail and peer test vectors (../shared/corpus/dkim), checked against the verdicts of
 * two independent verifiers (dkimpy and mailauth) "at signing time", with keys.json as the only DNS.
 */

const dkimDir = join(corpusDir, 'dkim');

interface Expected {
  file: string;
  category: string;
  signatures: Array<{
    idx: number;
    d: string | null;
    t: string | null;
    x: string | null;
    consensus_at_signing_time: 'pass' | 'fail' | 'no-key' | 'DISAGREE';
    mailauth_at_signing_time_comment?: string;
  }>;
}

function keys(): KeyArchive {
  const { records } = parseKeyFile(readFileSync(join(dkimDir, 'keys.json'), 'utf8'), { source: 'corpus keys.json', seen: '2024-01-01' });
  return new KeyArchive(records);
}

test('DKIM corpus: every signature agrees with the two reference verifiers', { skip: noCorpusReason }, async () => {
  const archive = keys();
  const expected = JSON.parse(readFileSync(join(dkimDir, 'expected.json'), 'utf8')) as Expected[];
  let agreed = 0;
  let disputed = 0;
  const disagreements: string[] = [];
  for (const entry of expected) {
    const raw = readFileSync(join(dkimDir, entry.file));
    for (const sig of entry.signatures) {
      const at = sig.t ? new Date((Number(sig.t) + 60) * 1000) : new Date();
      const report = await verifyMessage(raw, { keys: archive, at });
      if (sig.consensus_at_signing_time === 'DISAGREE') {
        disputed++; // the peers differ (pre-standard drafts, odd tags): any verdict with a reason will do
        assert.ok(report.reason.length > 0);
        continue;
      }
      const ours = report.signatures[sig.idx];
      const allowed: readonly string[] = {
        // weak-key: the signature verifies, and Epistola adds that a < 1024-bit key proves nothing.
        pass: ['pass', ...(ours?.key?.bits !== undefined && ours.key.bits !== null && ours.key.bits < 1024 ? ['weak-key'] : [])],
        // expired: the peers fail an x= in the past; Epistola says expired (valid, but past its x=).
        fail: ['body-altered', 'signature-invalid', ...(sig.x ? ['expired'] : [])],
        // A missing key found after the body hash already failed is reported as what was seen first.
        'no-key': [
          'key-unavailable',
          ...(sig.mailauth_at_signing_time_comment === 'body hash did not verify' ? ['body-altered'] : []),
          ...(sig.d === null ? ['unsupported'] : []),
        ],
      }[sig.consensus_at_signing_time];
      if (ours && allowed.includes(ours.outcome)) agreed++;
      else
        disagreements.push(
          `${entry.file}#${sig.idx}: expected ${sig.consensus_at_signing_time}, got ${ours?.outcome ?? 'no signature'}: ${ours?.reason ?? report.reason}`,
        );
    }
  }
  assert.deepEqual(disagreements, []);
  assert.ok(agreed >= 120, `agreed on ${agreed} signatures`);
  assert.ok(disputed > 0);
});

test('DKIM corpus: real messages that verify, and the negative controls', { skip: noCorpusReason }, async () => {
  const archive = keys();
  const check = async (file: string) => {
    const raw = readFileSync(join(dkimDir, 'real-world', file));
    const t = /\bt=(\d+)/.exec(raw.toString('latin1'))?.[1];
    return verifyMessage(raw, { keys: archive, at: t ? new Date((Number(t) + 60) * 1000) : undefined });
  };
  const good = await check('zk-email-verify/email-good.eml');
  assert.equal(good.verdict, 'verified');
  assert.equal(good.domain, 'icloud.com');
  assert.equal((await check('zk-email-verify/email-body-tampered.eml')).verdict, 'body-altered');
  assert.equal((await check('zk-email-verify/email-invalid-selector.eml')).verdict, 'key-unavailable');
  assert.equal((await check('zk-email-verify/email-invalid-domain.eml')).verdict, 'signature-invalid');
});

test('DKIM corpus: 99 linux-mips list messages signed by gmail.com with retired keys', { skip: noCorpusReason }, async () => {
  const archive = keys();
  const expected = JSON.parse(readFileSync(join(dkimDir, 'gmail-list', 'expected.json'), 'utf8')) as Array<{
    file: string;
    sig_idx: number;
    mailauth_at_signing_time: string;
  }>;
  const map: Record<string, SignatureOutcome> = { pass: 'pass', fail: 'signature-invalid', neutral: 'body-altered' };
  const outcomes: string[] = [];
  for (const e of expected) {
    const report = await verifyMessage(readFileSync(join(dkimDir, 'gmail-list', e.file)), { keys: archive });
    const got = report.signatures[e.sig_idx]?.outcome;
    if (got !== map[e.mailauth_at_signing_time]) outcomes.push(`${e.file}: expected ${e.mailauth_at_signing_time}, got ${got}`);
  }
  assert.equal(expected.length, 99);
  assert.deepEqual(outcomes, []);
  assert.ok(hasCorpus);
});
