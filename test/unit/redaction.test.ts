import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRevelation, commitmentOf, markersIn, treeRoot } from '../../src/redact/commitment.js';
import { describeParts, redactMessage, remainingTraces } from '../../src/redact/redactMime.js';
import { candidatesIn, luhn, validIban, validNir } from '../../src/redact/suggest.js';
import { parseMessage } from '../../src/parse/parseMessage.js';

const message = (html: string) =>
  Buffer.from(
    [
      'From: A <a@example.org>',
      'To: B <b@example.net>',
      'Subject: =?utf-8?Q?R=C3=A9union?= with Quentin Quarry',
      'Date: Mon, 01 Jun 2020 10:00:00 +0000',
      'Message-ID: <m1@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Quentin Quarry lives at 12 rue de la Paix, Caf=E9 Quarry.',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      '',
      html,
      '--b--',
      '',
    ].join('\r\n'),
    'latin1',
  );

test('a redaction changes only what it takes out: other header lines keep their bytes, each part its encoding', async () => {
  const raw = message('<p>Quentin Quarry</p>');
  const salt = Buffer.alloc(32, 7);
  const result = await redactMessage(raw, [{ kind: 'text', text: 'quentin quarry' }], { notice: 'test', salt: () => salt });
  assert.equal(result.spans.length, 3, 'subject, text part, HTML part');
  assert.deepEqual(result.headersTouched, ['subject']);
  const out = result.raw.toString('latin1');
  for (const line of ['From: A <a@example.org>', 'Message-ID: <m1@example.org>', 'Content-Transfer-Encoding: quoted-printable'])
    assert.ok(out.includes(`${line}\r\n`), line);
  assert.match(out, /^X-Epistola-Redacted: test\r\n/);
  const parsed = await parseMessage(result.raw);
  assert.doesNotMatch(`${parsed.subject} ${parsed.text} ${parsed.html}`, /Quentin|Quarry lives/);
  assert.match(
    parsed.text!,
    /\[REDACTED 2 sha256:[0-9a-f]{64}\] lives at 12 rue de la Paix, Café Quarry\./,
    'the Latin-1 part is still Latin-1, its other text intact',
  );
  assert.equal(result.spans[1]!.commitment, commitmentOf(salt, Buffer.from('Quentin Quarry')));
  assert.deepEqual(
    markersIn(parsed.text!).map((m) => m.span),
    [2],
  );
  assert.deepEqual(await remainingTraces(result.raw, [{ kind: 'text', text: 'Quentin Quarry' }]), []);
});

test('a name that markup or entities keep readable is found after redaction, and a withheld part is gone whole', async () => {
  const raw = message('<p>Quentin&#32;Quarry and <b>Quentin</b> Quarry</p>');
  const result = await redactMessage(raw, [{ kind: 'text', text: 'Quentin Quarry' }], { notice: 'test' });
  assert.deepEqual(await remainingTraces(result.raw, [{ kind: 'text', text: 'Quentin Quarry' }]), ['part 2 (text/html)']);
  const parts = await describeParts(raw);
  assert.deepEqual(
    parts.map((p) => p.contentType),
    ['text/plain', 'text/html'],
  );
  const withheld = await redactMessage(result.raw, [{ kind: 'part', number: 2, label: 'part 2' }], { notice: 'test', firstSpan: result.spans.length + 1 });
  assert.deepEqual(await remainingTraces(withheld.raw, [{ kind: 'text', text: 'Quentin Quarry' }]), []);
  assert.equal(withheld.spans[0]!.span, result.spans.length + 1, 'numbering goes on from the earlier redaction');
});

test('a revealed span checks out only with its own salt and bytes', () => {
  const salt = Buffer.alloc(32, 1);
  const commitment = commitmentOf(salt, Buffer.from('secret'));
  const base = { format: 'epistola-redaction-reveal/1' as const, message: 1, span: 1, where: 'x', commitment, salt: salt.toString('hex'), text: null };
  assert.equal(checkRevelation({ ...base, removed: Buffer.from('secret').toString('base64') }).ok, true);
  assert.equal(checkRevelation({ ...base, removed: Buffer.from('secreT').toString('base64') }).ok, false);
  assert.equal(checkRevelation({ ...base, salt: Buffer.alloc(32, 2).toString('hex'), removed: Buffer.from('secret').toString('base64') }).ok, false);
  const leaves = [commitment, commitmentOf(salt, Buffer.from('a'))];
  assert.notEqual(treeRoot(leaves), treeRoot([...leaves].reverse()), 'the root depends on the order of the parts');
  assert.equal(treeRoot(leaves), treeRoot([...leaves]));
});

test('suggestions: checksums decide, and the signing domains are not private persons', () => {
  assert.ok(validIban('GB82 WEST 1234 5698 7654 32'));
  assert.ok(!validIban('GB82 WEST 1234 5698 7654 33'));
  assert.ok(luhn('4111 1111 1111 1111'));
  assert.ok(!luhn('4111 1111 1111 1112'));
  assert.ok(validNir('1 85 05 78 006 084 91'));
  assert.ok(!validNir('1 85 05 78 006 084 92'));
  const found = candidatesIn(
    'Write to jane.doe@gmail.com or staff@port.example.org; IBAN GB82 WEST 1234 5698 7654 32, card 4111 1111 1111 1111, ' +
      'not 4111 1111 1111 1112; call +44 20 7946 0958; SSN 123-45-6789; meeting on 2016-10-18.',
    new Set(['port.example.org']),
  );
  assert.deepEqual(
    found.map((c) => `${c.kind} ${c.value}`),
    ['email jane.doe@gmail.com', 'iban GB82 WEST 1234 5698 7654 32', 'card 4111 1111 1111 1111', 'ssn-us 123-45-6789', 'phone +44 20 7946 0958'],
  );
});
