import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatKeyFile, parseKeyFile } from '../../src/verify/keyFile.js';
import { keyFacts } from '../../src/verify/keyRecord.js';
import { rsaKey } from '../dkimFixtures.js';

const defaults = { source: 'file keys.txt', seen: '2026-01-01' };

test('zone style: TTL, class, several strings, parentheses over lines, comments', () => {
  const { records, problems } = parseKeyFile(
    [
      '; a zone file excerpt',
      'sel1._domainkey.Example.COM. 3600 IN TXT "v=DKIM1; k=rsa; " "p=MIGfMA0"',
      'sel2._domainkey.example.com. IN TXT ( "v=DKIM1; k=ed25519; "   ; first half',
      '   "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=" )',
      'sel3._domainkey.example.com TXT "semi;colon \\"quoted\\""',
      'www.example.com. IN A 192.0.2.1',
      'not-a-key.example.com. IN TXT "v=spf1 -all"',
    ].join('\n'),
    defaults,
  );
  assert.deepEqual(
    records.map((r) => [r.name, r.record]),
    [
      ['sel1._domainkey.example.com', 'v=DKIM1; k=rsa; p=MIGfMA0'],
      ['sel2._domainkey.example.com', 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='],
      ['sel3._domainkey.example.com', 'semi;colon "quoted"'],
    ],
  );
  assert.deepEqual(records[0]!.sightings, [defaults]);
  assert.deepEqual(
    problems.map((p) => p.line),
    [6, 7],
  );
});

test('JSON lines and JSON arrays, with source and seen dates', () => {
  const lines = parseKeyFile(
    '{"name":"a._domainkey.x.org","txt":"v=DKIM1; p=AAAA","source":"dns 2015","seen":"2015-03-01"}\n{"selector":"b","domain":"x.org","record":"p="}\nnot json\n',
    defaults,
  );
  assert.deepEqual(
    lines.records.map((r) => [r.name, r.sightings[0]]),
    [
      ['a._domainkey.x.org', { source: 'dns 2015', seen: '2015-03-01' }],
      ['b._domainkey.x.org', defaults],
    ],
  );
  assert.equal(lines.problems[0]?.line, 3);
  const array = parseKeyFile('[{"name":"c._domainkey.x.org","txt":"p=","note":"revoked"}]', defaults);
  assert.equal(array.records.length, 1);
});

test('a 20 KB record is refused with the reason, the rest of the file still read', () => {
  const { records, problems } = parseKeyFile(`big._domainkey.x.org. TXT "p=${'A'.repeat(20_000)}"\nok._domainkey.x.org. TXT "p="\n`, defaults);
  assert.equal(records.length, 1);
  assert.match(problems[0]!.reason, /bytes, more than/);
});

test('export then import gives back the same records and sightings (255-byte strings)', () => {
  const key = rsaKey('s', 'example.org', 2048);
  const records = [
    {
      name: 's._domainkey.example.org',
      record: key.record,
      sightings: [
        { source: 'dns 127.0.0.1:53', seen: '2016-10-07T10:00:00.000Z' },
        { source: 'file old.txt', seen: '2015-01-01' },
      ],
    },
    { name: 'gone._domainkey.example.org', record: 'v=DKIM1; p=', sightings: [{ source: 'demo', seen: '2016-12-31' }] },
  ];
  const text = formatKeyFile(records);
  assert.ok(text.split('\n').every((line) => !line.includes('"') || line.split('"').every((part, i) => i % 2 === 0 || part.length <= 255)));
  assert.deepEqual(parseKeyFile(text, defaults).records, records);
});

test('key facts: type, size, revoked, unreadable', () => {
  const facts = (record: string) =>
    keyFacts({
      name: 's._domainkey.x.org',
      record,
      sightings: [
        { source: 't', seen: '2015-01-01' },
        { source: 't', seen: '2014-01-01' },
      ],
    });
  const rsa = facts(rsaKey('s', 'x.org', 1024).record);
  assert.equal(rsa.type, 'rsa');
  assert.equal(rsa.bits, 1024);
  assert.equal(rsa.firstSeen, '2014-01-01');
  assert.equal(rsa.lastSeen, '2015-01-01');
  assert.equal(facts('v=DKIM1; p=').revoked, true);
  assert.match(facts('p=%%%').problem ?? '', /base64/);
  assert.equal(facts('k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=').type, 'ed25519');
});
