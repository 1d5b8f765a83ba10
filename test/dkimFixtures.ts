import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import type { KeyRecord } from '../src/verify/keyRecord.js';

/**
 * Keys made fresh for each test run and messages signed with them through mailauth's signer, so the
 * tests check the verifier against signatures nobody hand-wrote.
 */

export interface TestKey {
  readonly selector: string;
  readonly domain: string;
  readonly privateKey: string;
  /** The DNS TXT record: v=DKIM1; k=...; p=... */
  readonly record: string;
}

export function rsaKey(selector: string, domain: string, bits: number): TestKey {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits });
  const p = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { selector, domain, privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=rsa; p=${p}` };
}

export function ed25519Key(selector: string, domain: string): TestKey {
  const pair = generateKeyPairSync('ed25519');
  // RFC 8463: p= is the bare 32-byte key, the last 32 bytes of the SPKI DER.
  const p = pair.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
  return { selector, domain, privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=ed25519; p=${p}` };
}

export function keyRecordOf(key: TestKey, record = key.record, seen = '2020-01-01', source = 'test'): KeyRecord {
  return { name: `${key.selector}._domainkey.${key.domain}`, record, sightings: [{ source, seen }] };
}

export interface SignOptions {
  readonly canonicalization?: string;
  readonly maxBodyLength?: number;
  readonly expires?: Date;
  readonly signTime?: Date;
  readonly headerList?: readonly string[];
}

export async function sign(raw: string | Buffer, key: TestKey, options: SignOptions = {}): Promise<Buffer> {
  const k = { signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey };
  const result = await dkimSign(Buffer.from(raw), {
    ...k,
    signatureData: [{ ...k, maxBodyLength: options.maxBodyLength }],
    canonicalization: options.canonicalization ?? 'relaxed/relaxed',
    signTime: options.signTime ?? new Date('2020-06-01T12:00:00Z'),
    expires: options.expires,
    headerList: options.headerList ? [...options.headerList] : ['from', 'to', 'subject', 'date', 'message-id'],
  });
  if (result.errors.length > 0) throw result.errors[0]!.err;
  return Buffer.concat([Buffer.from(result.signatures), Buffer.from(raw)]);
}

export function plainMessage(from: string, subject: string, body: string): string {
  return [
    `From: ${from}`,
    'To: reader@example.net',
    `Subject: ${subject}`,
    'Date: Mon, 1 Jun 2020 12:00:00 +0000',
    `Message-ID: <${subject.replace(/\W/g, '')}@test>`,
    '',
    body,
    '',
  ].join('\r\n');
}
