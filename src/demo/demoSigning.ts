import { dkimSign } from 'mailauth';
import type { KeyRecord } from '../verify/keyRecord.js';
import { keyName } from '../verify/keyRecord.js';
import { DEMO_PRIVATE_KEYS, DEMO_PUBLIC_KEYS } from './demoKeys.js';

/**
 * DKIM for the demo: each demo domain signs the way real ones do (key rotation by year, ed25519,
 * a 1024-bit key with x=, a 512-bit key, a key never published in the archive, a revoked one), and
 * some messages are changed after signing, so the demo shows every verdict the verifier gives.
 */

type KeyId = keyof typeof DEMO_PRIVATE_KEYS;

interface Signer {
  readonly selector: KeyId;
  readonly canonicalization: string;
  /** Days until x= (the signature's own expiry), when the domain sets one. */
  readonly expiresDays?: number;
}

const DOMAIN_RULES: Record<string, (year: number, random: () => number) => Signer | null> = {
  'meridian-port.example.org': (year, random) => ({
    // Early 2014 mail still went out with the 2013 key, revoked since (its record is an empty p=).
    selector: year === 2014 && random() < 0.05 ? 'port2013' : (`port${year}` as KeyId),
    canonicalization: 'relaxed/relaxed',
  }),
  'harbour-news.example.com': () => ({ selector: 'news1', canonicalization: 'relaxed/relaxed' }),
  'ville-meridien.example.net': (_year, random) => ({ selector: 'mairie', canonicalization: 'simple/simple', expiresDays: random() < 0.5 ? 30 : undefined }),
  'quais-et-docks.example.net': (_year, random) => (random() < 0.6 ? { selector: 'docks', canonicalization: 'relaxed/simple' } : null),
  'dredging-partners.example.com': () => ({ selector: 'dp1', canonicalization: 'relaxed/relaxed' }),
};

/** Keys the demo's key archive leaves out: the verdict for their signatures is "key not available". */
const UNPUBLISHED: readonly KeyId[] = ['dp1'];

export const DEMO_HEADER_LIST = [
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
];

/** Signs `raw` as its From domain would; returns it unchanged when that domain does not sign. */
export async function signDemoMessage(raw: Buffer, fromAddress: string, dateMs: number, random: () => number): Promise<Buffer> {
  const domain = fromAddress.split('@')[1] ?? '';
  const signer = DOMAIN_RULES[domain]?.(new Date(dateMs).getUTCFullYear(), random) ?? null;
  if (!signer) return raw;
  return sign(raw, domain, signer, dateMs);
}

/** A mailing list's signature-preserving habit: sign with l= so a footer can be added below. */
export async function signWithBodyLength(raw: Buffer, fromAddress: string, dateMs: number, random: () => number): Promise<Buffer> {
  const domain = fromAddress.split('@')[1] ?? '';
  const signer = DOMAIN_RULES[domain]?.(new Date(dateMs).getUTCFullYear(), random) ?? null;
  if (!signer) return raw;
  const bodyStart = raw.indexOf('\n\n');
  return sign(raw, domain, signer, dateMs, bodyStart < 0 ? 0 : raw.length - bodyStart - 2);
}

async function sign(raw: Buffer, domain: string, signer: Signer, dateMs: number, maxBodyLength?: number): Promise<Buffer> {
  const signTime = new Date(dateMs);
  const key = { signingDomain: domain, selector: signer.selector, privateKey: DEMO_PRIVATE_KEYS[signer.selector] };
  const result = await dkimSign(raw, {
    ...key,
    // mailauth signs with the entries of signatureData (one signature each).
    signatureData: [{ ...key, maxBodyLength }],
    canonicalization: signer.canonicalization,
    headerList: DEMO_HEADER_LIST,
    signTime,
    expires: signer.expiresDays ? new Date(dateMs + signer.expiresDays * 86_400_000) : undefined,
  });
  if (result.errors.length > 0) throw new Error(`demo signing failed: ${result.errors[0]!.err.message}`);
  // The demo writes LF line endings; mailauth folds its header with CRLF.
  return Buffer.concat([Buffer.from(result.signatures.replace(/\r\n/g, '\n')), raw]);
}

/** The demo domains' published key records, dated like a key archive that watched them over the years. */
export function demoKeyRecords(): KeyRecord[] {
  const source = 'demo: the demo domains\u2019 DNS, as archived by the demo generator';
  const rsa = (id: KeyId) => `v=DKIM1; k=rsa; p=${DEMO_PUBLIC_KEYS[id]}`;
  const records: Array<{ id: KeyId; domain: string; record: string; seen: string[] }> = [
    { id: 'port2013', domain: 'meridian-port.example.org', record: 'v=DKIM1; k=rsa; p=', seen: ['2014-03-01', '2016-12-31'] },
    { id: 'port2014', domain: 'meridian-port.example.org', record: rsa('port2014'), seen: ['2014-01-01', '2014-12-31'] },
    { id: 'port2015', domain: 'meridian-port.example.org', record: rsa('port2015'), seen: ['2015-01-01', '2015-12-31'] },
    { id: 'port2016', domain: 'meridian-port.example.org', record: rsa('port2016'), seen: ['2016-01-01', '2016-12-31'] },
    { id: 'news1', domain: 'harbour-news.example.com', record: `v=DKIM1; k=ed25519; p=${DEMO_PUBLIC_KEYS.news1}`, seen: ['2014-01-01', '2016-12-31'] },
    { id: 'mairie', domain: 'ville-meridien.example.net', record: rsa('mairie'), seen: ['2014-01-01', '2016-12-31'] },
    { id: 'docks', domain: 'quais-et-docks.example.net', record: rsa('docks'), seen: ['2014-01-01', '2016-12-31'] },
  ];
  return records
    .filter((r) => !UNPUBLISHED.includes(r.id))
    .map((r) => ({ name: keyName(r.id, r.domain), record: r.record, sightings: r.seen.map((seen) => ({ source, seen })) }));
}
