import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { parseMessage } from '../../src/parse/parseMessage.js';
import { sha256Hex } from '../../src/mail/contentHash.js';

const crlf = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');
const kinds = (warnings: readonly { kind: string }[]) => warnings.map((w) => w.kind).sort();

test('RFC 2047 headers, addresses with groups and quoted commas, Message-ID and References', async () => {
  const parsed = await parseMessage(
    crlf(
      [
        'From: =?iso-8859-1?q?Andr=E9_Gide?= <andre@example.org>',
        'To: "Dubois, H\u00e9l\u00e8ne" <h@example.org>, team: a@example.org, b@example.org;',
        'Subject: =?utf-8?B?w4lxdWF0b3JpZW4g4oCUIHLDqXN1bcOp?=',
        'Date: Tue, 1 Jul 2003 10:52:37 +0200 (CEST)',
        'Message-ID: <abc@example.org>',
        'In-Reply-To: <parent@example.org>',
        'References: <root@example.org> <parent@example.org>',
        '',
        'Body',
        '',
      ].join('\n'),
    ),
  );
  assert.equal(parsed.subject, 'Équatorien — résumé');
  assert.deepEqual(parsed.from, { name: 'André Gide', address: 'andre@example.org' });
  assert.deepEqual(
    parsed.to.map((a) => a.address),
    ['h@example.org', 'a@example.org', 'b@example.org'],
  );
  assert.equal(parsed.messageId, 'abc@example.org');
  assert.equal(parsed.inReplyTo, 'parent@example.org');
  assert.deepEqual(parsed.references, ['root@example.org', 'parent@example.org']);
  assert.equal(parsed.dateUtc, Date.UTC(2003, 6, 1, 8, 52, 37));
  assert.equal(parsed.dateHeader, 'Tue, 1 Jul 2003 10:52:37 +0200 (CEST)');
  assert.deepEqual(parsed.warnings, []);
});

// Each legacy charset must decode to the exact Unicode text (Node 20 got windows-1252 wrong).
const CHARSETS: ReadonlyArray<[string, string]> = [
  ['windows-1252', 'Quote: “berth 7” – €12,500 … naïve'],
  ['iso-8859-1', 'Réunion à l’équipe'.replace('’', "'")],
  ['iso-8859-15', 'Coût: 8 400 € — œuvre'.replace('—', '-')],
  ['iso-8859-2', 'Zażółć gęślą jaźń'],
  ['koi8-r', 'Отчёт о грузах за март'],
  ['shift_jis', '三月の港湾報告書を添付します'],
  ['gb2312', '附件是三月份的港口报告'],
];
for (const [charset, text] of CHARSETS) {
  test(`decodes ${charset} bodies and RFC 2047 subjects`, async () => {
    const body = iconv.encode(text, charset);
    const subject = `=?${charset}?B?${iconv.encode(text, charset).toString('base64')}?=`;
    const raw = Buffer.concat([
      crlf(
        `From: a@example.org\nSubject: ${subject}\nDate: Mon, 2 Mar 2015 10:00:00 +0000\nMessage-ID: <${charset}@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=${charset}\nContent-Transfer-Encoding: 8bit\n\n`,
      ),
      body,
      crlf('\n'),
    ]);
    const parsed = await parseMessage(raw);
    assert.equal(parsed.text?.trim(), text);
    assert.equal(parsed.subject, text);
    assert.deepEqual(parsed.warnings, []);
  });
}

test('attachments are byte-exact with their sha256; inline images and attached messages are listed', async () => {
  const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));
  const inner =
    'From: Inner <in@example.org>\r\nSubject: =?utf-8?q?Le_caf=C3=A9?=\r\nDate: Mon, 2 Mar 2015 10:00:00 +0000\r\n\r\nInner text about the estuary\r\n';
  const raw = crlf(
    [
      'From: a@example.org',
      'Subject: with attachments',
      'Date: Mon, 2 Mar 2015 10:00:00 +0000',
      'Message-ID: <att@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>See <img src="cid:img1@x"></p>',
      '--rel',
      'Content-Type: image/png',
      'Content-ID: <img1@x>',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('PNGDATA').toString('base64'),
      '--rel--',
      '--outer',
      'Content-Type: application/octet-stream; name="data.bin"',
      'Content-Disposition: attachment; filename="data.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      ...(binary.toString('base64').match(/.{1,76}/g) ?? []),
      '--outer',
      'Content-Type: message/rfc822',
      'Content-Disposition: attachment; filename="fwd.eml"',
      '',
      inner.replace(/\r\n/g, '\n'),
      '--outer--',
      '',
    ].join('\n'),
  );
  const parsed = await parseMessage(raw);
  const bin = parsed.attachments.find((a) => a.filename === 'data.bin')!;
  assert.ok(bin.content.equals(binary));
  assert.equal(bin.sha256, sha256Hex(binary));
  const image = parsed.attachments.find((a) => a.contentType === 'image/png')!;
  assert.equal(image.inline, true);
  assert.equal(image.contentId, 'img1@x');
  assert.equal(image.content.toString(), 'PNGDATA');
  const attached = parsed.attachments.find((a) => a.contentType === 'message/rfc822')!;
  assert.equal(attached.embeddedSubject, 'Le café');
  assert.match(parsed.embeddedText, /Inner text about the estuary/);
  assert.match(parsed.html ?? '', /cid:img1@x/, 'cid links are kept, images are not inlined as data: URLs');
});

test('a broken Date is a warning, not a failure, and the header is kept', async () => {
  const parsed = await parseMessage(crlf('From: a@example.org\nDate: sometime last week\nMessage-ID: <d@x>\n\nhi\n'));
  assert.equal(parsed.dateUtc, null);
  assert.equal(parsed.dateHeader, 'sometime last week');
  assert.deepEqual(kinds(parsed.warnings), ['date-invalid']);
  const missing = await parseMessage(crlf('From: a@example.org\n\nhi\n'));
  assert.deepEqual(kinds(missing.warnings), ['date-missing', 'message-id-missing']);
});

test('bad input: NUL in a header, no headers, binary junk', async () => {
  const nul = await parseMessage(Buffer.from('Subject: a\0b\r\nFrom: x@example.org\r\nDate: Mon, 2 Mar 2015 10:00:00 +0000\r\nMessage-ID: <n@x>\r\n\r\nbody'));
  assert.deepEqual(kinds(nul.warnings), ['nul-in-header']);
  assert.equal(nul.subject, 'a\uFFFDb');
  const junk = await parseMessage(Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131 + 17) % 256)));
  assert.ok(kinds(junk.warnings).includes('no-headers'));
});

test('bad input: multipart nested thousands deep is parsed for headers only', async () => {
  let body = '';
  const depth = 5000;
  for (let i = 0; i < depth; i++) body += `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`;
  const raw = Buffer.from(
    `From: deep@example.org\r\nSubject: deep\r\nDate: Mon, 2 Mar 2015 10:00:00 +0000\r\nMessage-ID: <deep@x>\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n${body}`,
  );
  const parsed = await parseMessage(raw);
  assert.equal(parsed.subject, 'deep');
  assert.equal(parsed.headersOnly, true);
  assert.ok(kinds(parsed.warnings).includes('mime-too-deep'), JSON.stringify(parsed.warnings));
});

test('bad input: invalid base64, unknown charset, truncated multipart are warnings', async () => {
  const raw = crlf(
    [
      'From: a@example.org',
      'Subject: bad parts',
      'Date: Mon, 2 Mar 2015 10:00:00 +0000',
      'Message-ID: <bad@x>',
      'Content-Type: multipart/mixed; boundary="zz"',
      '',
      '--zz',
      'Content-Type: text/plain; charset=x-no-such-charset',
      '',
      'text in a charset nobody knows',
      '--zz',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: base64',
      '',
      'AAEC!!!***AwQ=',
      '--zz',
      'Content-Type: text/plain',
      '',
      'the message stops here, no closing boundary',
    ].join('\n'),
  );
  const parsed = await parseMessage(raw);
  assert.deepEqual(kinds(parsed.warnings), ['base64-invalid', 'charset-unknown', 'multipart-truncated']);
  assert.match(parsed.text ?? '', /text in a charset nobody knows/);
});

test('a header block over the MIME library limit keeps its main fields and its text (the tolerant pass)', async () => {
  const cases = {
    'a 1.2 MB Subject': `Subject: Hello ${'S'.repeat(1_200_000)}\nTo: bob@example.net`,
    '40,000 recipients': `Subject: Many\nTo: ${Array.from({ length: 40_000 }, (_, i) => `"User ${i}" <u${i}@example.com>`).join(', ')}`,
    'one huge unknown field': `Subject: Huge line\nTo: bob@example.net\nX-Junk: ${'x'.repeat(1_500_000)}`,
    '30,000 small fields': `Subject: Fields\nTo: bob@example.net\n${Array.from({ length: 30_000 }, (_, i) => `X-F${i}: ${'v'.repeat(40)}`).join('\n')}`,
  };
  for (const [name, fields] of Object.entries(cases)) {
    const raw = crlf(
      `From: Alice <alice@example.org>\n${fields}\nDate: Tue, 2 Jun 2020 10:00:00 +0000\nMessage-ID: <huge@x>\nContent-Type: text/plain; charset=utf-8\n\nThe body words survive.\n`,
    );
    const parsed = await parseMessage(raw);
    assert.deepEqual(parsed.from, { name: 'Alice', address: 'alice@example.org' }, name);
    assert.equal(parsed.messageId, 'huge@x', name);
    assert.equal(parsed.dateUtc, Date.UTC(2020, 5, 2, 10), name);
    assert.ok(parsed.subject && parsed.subject.length > 3 && parsed.subject.length <= 32 * 1024, `${name}: ${parsed.subject?.slice(0, 30)}`);
    assert.ok(parsed.to.length >= 1, name);
    assert.match(parsed.text ?? '', /The body words survive/, name);
    assert.ok(kinds(parsed.warnings).includes('headers-reduced'), `${name}: ${kinds(parsed.warnings)}`);
  }
});
