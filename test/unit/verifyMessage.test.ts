import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyArchive } from '../../src/verify/keyArchive.js';
import { MAX_SIGNATURES, verifyMessage } from '../../src/verify/verifyMessage.js';
import { sealMessage } from 'mailauth';
import { ed25519Key, keyRecordOf, plainMessage, rsaKey, sign } from '../dkimFixtures.js';

const rsa2048 = rsaKey('s2048', 'example.org', 2048);
const rsa1024 = rsaKey('s1024', 'example.org', 1024);
const ed = ed25519Key('ed', 'example.org');
const weak = rsaKey('weak', 'example.org', 512);
const keys = new KeyArchive([rsa2048, rsa1024, ed, weak].map((k) => keyRecordOf(k)));
const message = plainMessage('Alice <alice@example.org>', 'Quarterly figures', 'The figures are attached.\r\nRegards,\r\nAlice\r\n');
const at = new Date('2020-06-02T00:00:00Z');

/** Replaces the first occurrence of `from` in the message bytes. */
function edit(raw: Buffer, from: string, to: string): Buffer {
  const text = raw.toString('latin1');
  assert.ok(text.includes(from), `fixture lacks ${JSON.stringify(from)}`);
  return Buffer.from(text.replace(from, to), 'latin1');
}

for (const [label, key] of [
  ['rsa-sha256 2048', rsa2048],
  ['rsa-sha256 1024', rsa1024],
  ['ed25519-sha256', ed],
] as const) {
  for (const canonicalization of ['relaxed/relaxed', 'simple/simple']) {
    test(`${label} ${canonicalization}: verified, then each tampering gets its verdict`, async () => {
      const signed = await sign(message, key, { canonicalization });
      const ok = await verifyMessage(signed, { keys, at });
      assert.equal(ok.verdict, 'verified', ok.reason);
      assert.equal(ok.domain, 'example.org');
      assert.equal(ok.aligned, true);
      const s = ok.signatures[0]!;
      assert.equal(s.algorithm, label.startsWith('ed') ? 'ed25519-sha256' : 'rsa-sha256');
      assert.equal(s.canonicalization, canonicalization);
      assert.equal(s.key?.bits, label.startsWith('ed') ? 256 : Number(label.split(' ')[1]));
      assert.equal(s.bodyHashOk, true);
      assert.equal(s.signatureOk, true);
      assert.equal(s.fromSigned, true);
      assert.equal(s.key?.name, `${key.selector}._domainkey.example.org`);

      const body = await verifyMessage(edit(signed, 'figures are', 'figures ARE'), { keys, at });
      assert.equal(body.verdict, 'body-altered');
      assert.equal(body.signatures[0]!.bodyHashOk, false);

      const subject = await verifyMessage(edit(signed, 'Subject: Quarterly', 'Subject: Yearly'), { keys, at });
      assert.equal(subject.verdict, 'signature-invalid');
      assert.equal(subject.signatures[0]!.signatureOk, false);

      // A second From on top: the signature still verifies (it covers the bottom one), but readers see the top one.
      const addedFrom = await verifyMessage(Buffer.concat([Buffer.from('From: Mallory <ceo@example.org>\r\n'), signed]), { keys, at });
      assert.equal(addedFrom.verdict, 'warning');
      assert.deepEqual(
        addedFrom.signatures[0]!.unsignedHeaders.find((u) => u.name === 'from'),
        { name: 'from', present: 2, signed: 1 },
      );
      assert.match(addedFrom.reason, /2 From fields/);
    });
  }
}

test('l=: a footer after the signed length is a warning that says how many bytes are unsigned', async () => {
  const signed = await sign(message, rsa2048, { maxBodyLength: 20, canonicalization: 'simple/simple' });
  const clean = await verifyMessage(signed, { keys, at });
  assert.equal(clean.signatures[0]!.bodyLength?.limit, 20);
  assert.ok(clean.signatures[0]!.bodyLength!.unsignedBytes > 0, 'the rest of the body is already unsigned');
  assert.equal(clean.verdict, 'warning');
  const footer = Buffer.concat([signed, Buffer.from('--\r\nSent through the list\r\n')]);
  const withFooter = await verifyMessage(footer, { keys, at });
  assert.equal(withFooter.verdict, 'warning');
  // The footer's bytes (and the blank line before it, which simple canonicalization dropped at the end) are unsigned too.
  assert.ok(withFooter.signatures[0]!.bodyLength!.unsignedBytes >= clean.signatures[0]!.bodyLength!.unsignedBytes + 'Sent through the list\r\n--\r\n'.length);
  assert.match(withFooter.reason, /only the first 20 bytes/);
});

test('x=: expired as of a later date, verified as of a date before it', async () => {
  const signed = await sign(message, rsa2048, { signTime: new Date('2020-06-01T12:00:00Z'), expires: new Date('2020-06-08T12:00:00Z') });
  const later = await verifyMessage(signed, { keys, at: new Date('2021-01-01T00:00:00Z') });
  assert.equal(later.verdict, 'expired');
  assert.match(later.reason, /not a forgery/);
  assert.equal(later.signatures[0]!.signatureOk, true);
  assert.equal((await verifyMessage(signed, { keys, at })).verdict, 'verified');
});

test('a 512-bit key is reported as forgeable (weak-key), never as verified', async () => {
  const report = await verifyMessage(await sign(message, weak), { keys, at });
  assert.equal(report.verdict, 'weak-key');
  assert.equal(report.signatures[0]!.key?.bits, 512);
  assert.match(report.reason, /512-bit/);
});

test('missing, revoked, non-base64 and 10 KB key records are verdicts with reasons', async () => {
  const signed = await sign(message, rsa2048);
  assert.equal((await verifyMessage(signed, { keys: new KeyArchive([]), at })).verdict, 'key-unavailable');
  const revoked = await verifyMessage(signed, { keys: new KeyArchive([keyRecordOf(rsa2048, 'v=DKIM1; k=rsa; p=')]), at });
  assert.equal(revoked.verdict, 'key-revoked');
  const junk = await verifyMessage(signed, { keys: new KeyArchive([keyRecordOf(rsa2048, 'v=DKIM1; k=rsa; p=!!!not*base64!!!')]), at });
  assert.equal(junk.verdict, 'key-unavailable');
  assert.match(junk.reason, /base64/);
  const huge = await verifyMessage(signed, { keys: new KeyArchive([keyRecordOf(rsa2048, `v=DKIM1; k=rsa; p=${'A'.repeat(10 * 1024)}`)]), at });
  assert.equal(huge.verdict, 'key-unavailable');
});

test('key rotation under one selector: the record that verifies is found among those archived', async () => {
  const old = rsaKey('s2048', 'example.org', 1024);
  const archive = new KeyArchive([keyRecordOf(old, old.record, '2024-01-01'), keyRecordOf(rsa2048, rsa2048.record, '2019-01-01')]);
  const report = await verifyMessage(await sign(message, rsa2048), { keys: archive, at });
  assert.equal(report.verdict, 'verified');
  assert.equal(report.signatures[0]!.key?.record, rsa2048.record);
  assert.equal(report.signatures[0]!.key?.firstSeen, '2019-01-01');
});

test('malformed and unknown-algorithm signatures are verdicts, not crashes', async () => {
  const garbage = Buffer.from(`DKIM-Signature: this is not a tag list ;;; ===\r\n${message}`);
  const g = await verifyMessage(garbage, { keys, at });
  assert.equal(g.verdict, 'signature-invalid');
  assert.ok(g.reason.length > 0);
  const signed = (await sign(message, rsa2048)).toString('latin1').replace('a=rsa-sha256', 'a=rsa-sha512');
  const unknown = await verifyMessage(Buffer.from(signed, 'latin1'), { keys, at });
  assert.equal(unknown.verdict, 'signature-invalid');
  assert.match(unknown.reason, /rsa-sha512/);
});

test('50 signatures are checked; more than the limit is refused with the reason', async () => {
  let raw: Buffer = Buffer.from(message);
  for (let i = 0; i < 50; i++) raw = await sign(raw, rsa2048, { headerList: ['from', 'subject'] });
  const fifty = await verifyMessage(raw, { keys, at });
  assert.equal(fifty.signatures.length, 50);
  assert.equal(fifty.verdict, 'verified');
  let more: Buffer = raw;
  for (let i = 50; i <= MAX_SIGNATURES; i++)
    more = Buffer.concat([Buffer.from('DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=x; h=from; bh=; b=\r\n'), more]);
  const tooMany = await verifyMessage(more, { keys, at });
  assert.equal(tooMany.verdict, 'signature-invalid');
  assert.match(tooMany.reason, /more than the 64/);
});

test('a signature by another domain verifies but is not aligned with From', async () => {
  const relay = rsaKey('relay', 'mailer.example.com', 2048);
  const report = await verifyMessage(await sign(message, relay), { keys: new KeyArchive([keyRecordOf(relay)]), at });
  assert.equal(report.verdict, 'verified');
  assert.equal(report.domain, 'mailer.example.com');
  assert.equal(report.aligned, false);
  assert.match(report.reason, /not the From domain/);
});

test('an unsigned message is "no-signature" without running the verifier', async () => {
  const report = await verifyMessage(Buffer.from(message), { keys, at });
  assert.equal(report.verdict, 'no-signature');
  assert.equal(report.fromDomain, 'example.org');
  assert.equal(report.arc.result, 'none');
});

test('ARC: a sealed chain passes, and fails once the body is changed after sealing', async () => {
  const relay = rsaKey('arc', 'relay.example.com', 2048);
  const archive = new KeyArchive([keyRecordOf(relay), keyRecordOf(rsa2048)]);
  const signed = await sign(message, rsa2048);
  const seal = await sealMessage(signed, {
    signingDomain: relay.domain,
    selector: relay.selector,
    privateKey: relay.privateKey,
    cv: 'none',
    authResults: 'relay.example.com; dkim=pass header.d=example.org',
    signTime: new Date('2020-06-01T12:05:00Z'),
  });
  const sealed = Buffer.concat([seal, signed]);
  const report = await verifyMessage(sealed, { keys: archive, at });
  assert.equal(report.verdict, 'verified');
  assert.deepEqual({ ...report.arc, reason: null }, { result: 'pass', instances: 1, sealers: ['relay.example.com'], reason: null });
  const broken = await verifyMessage(edit(sealed, 'figures are', 'figures were'), { keys: archive, at });
  assert.equal(broken.arc.result, 'fail');
  assert.equal(broken.verdict, 'body-altered');
  const arcOnly = await verifyMessage(Buffer.concat([seal, Buffer.from(message)]), { keys: archive, at });
  assert.equal(arcOnly.verdict, 'no-signature');
});

test('a conversion (the reader says so) is not checkable, whatever its bytes; a header claiming one changes nothing', async () => {
  const signed = await sign(message, rsa2048, { canonicalization: 'relaxed/relaxed' });
  const converted = await verifyMessage(signed, { keys, at, converted: true });
  assert.equal(converted.verdict, 'not-checkable');
  assert.deepEqual(converted.signatures, [], 'nothing is run on a rendering');
  assert.match(converted.reason, /Outlook/);
  // Anyone can write the converter's label into a message: a failing signature stays failing.
  const forged = Buffer.concat([Buffer.from('X-Epistola-Converted-From: Outlook .msg item\r\n'), edit(signed, 'figures are', 'figures ARE')]);
  assert.equal((await verifyMessage(forged, { keys, at })).verdict, 'body-altered');
  assert.equal((await verifyMessage(Buffer.from(plainMessage('a@example.org', 'x', 'y\r\n')), { keys, at })).verdict, 'no-signature');
});
