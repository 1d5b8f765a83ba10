import { createRequire } from 'node:module';
import { arc as arcVerify, type DKIMResult, type DNSResolver } from 'mailauth';
import { dkimVerify } from './mailauth.js';
import { withHeaderChecks } from './headerCheck.js';
import type { KeyArchive } from './keyArchive.js';
import type { KeyFacts, KeyRecord } from './keyRecord.js';
import { keyName } from './keyRecord.js';
import type { ArcReport, KeyUsed, SignatureOutcome, SignatureReport, UnsignedHeader, VerificationReport, Verdict } from './report.js';

/**
 * Verifies a raw message's DKIM signatures and ARC chain with mailauth, against the key archive
 * instead of live DNS, "as of" a given time. Every outcome is a value with a reason: malformed
 * signatures, unusable keys and too many signatures are verdicts, never exceptions.
 */

const mailauthVersion = (createRequire(import.meta.url)('mailauth/package.json') as { version: string }).version;
export const VERIFIER = `mailauth ${mailauthVersion}`;

/** Signatures checked on one message, at most: each can ask for another body hash (a CPU cost an attacker sets). */
export const MAX_SIGNATURES = 64;
/** Header bytes scanned for signature fields before handing over to the verifier. */
const MAX_HEADER_SCAN = 1024 * 1024;
/** Keys below this many bits have been factored in public (512-bit RSA since 1999): forgeable. */
export const MIN_SAFE_KEY_BITS = 1024;
/** Header fields whose unsigned extra copy changes what a reader sees: a pass becomes a warning. */
const WATCHED_HEADERS = ['from', 'subject', 'date', 'to', 'cc', 'reply-to', 'sender', 'content-type'];

export interface VerifyOptions {
  readonly keys: KeyArchive;
  /** Judge x= expiry "as of" this time (default: now). */
  readonly at?: Date;
  /**
   * The bytes are a rendering made by a converter (an Outlook item), as the reader that read them
   * says (the `converted-from-outlook` warning): the verdict is `not-checkable`, nothing is run. Never
   * taken from the bytes themselves, which anyone can write (a forged header would turn a failing
   * signature into "not checkable").
   */
  readonly converted?: boolean;
}

/** The report of a conversion: what was sent is not kept, so no signature can be checked. */
export const NOT_CHECKABLE_REASON =
  'Converted from Outlook: Outlook keeps no copy of the message as it was sent, and no DKIM signature covers a rendering of it.';

interface HeaderLine {
  readonly key: string;
  readonly line: Buffer;
}

/** The header section as text (latin1: byte-exact), for the quick checks before the verifier runs. */
function headerBlock(raw: Buffer): string {
  const head = raw.subarray(0, MAX_HEADER_SCAN);
  const ends = [head.indexOf('\r\n\r\n'), head.indexOf('\n\n')].filter((i) => i >= 0);
  return head.subarray(0, ends.length > 0 ? Math.min(...ends) : head.length).toString('latin1');
}

const SIGNATURE_FIELD = /^(?:dkim-signature|arc-seal|arc-message-signature)[ \t]*:/im;

export async function verifyMessage(raw: Buffer, options: VerifyOptions): Promise<VerificationReport> {
  const at = options.at ?? new Date();
  const base = { at: at.toISOString(), verifier: VERIFIER };
  const noArc: ArcReport = { result: 'none', instances: 0, sealers: [], reason: null };
  const head = headerBlock(raw);
  const fromDomain = fromDomainOf(head);
  if (options.converted)
    return { ...base, verdict: 'not-checkable', domain: null, aligned: false, reason: NOT_CHECKABLE_REASON, fromDomain, signatures: [], arc: noArc };
  if (!SIGNATURE_FIELD.test(head)) {
    return {
      ...base,
      verdict: 'no-signature',
      domain: null,
      aligned: false,
      reason: 'The message has no DKIM-Signature field.',
      fromDomain,
      signatures: [],
      arc: noArc,
    };
  }
  const fieldCount = (head.match(/^dkim-signature[ \t]*:/gim) ?? []).length;
  if (fieldCount > MAX_SIGNATURES) {
    const reason = `The message has ${fieldCount} DKIM signatures, more than the ${MAX_SIGNATURES} Epistola checks: not verified.`;
    return { ...base, verdict: 'signature-invalid', domain: null, aligned: false, reason, fromDomain, signatures: [], arc: noArc };
  }

  // A name can have several archived records (a key replaced under the same selector): the first
  // run uses the best of each, later runs the next ones; each signature keeps its best result.
  let best: SignatureReport[] | undefined;
  let arcReport = noArc;
  let rounds = 1;
  for (let round = 0; round < rounds && round < 8; round++) {
    const served = new Map<string, { key: KeyRecord; facts: KeyFacts }>();
    const resolver: DNSResolver = async (name, rrtype) => {
      const list = options.keys.candidates(name);
      rounds = Math.max(rounds, list.length);
      const pick = list[Math.min(round, list.length - 1)];
      if (rrtype !== 'TXT' || !pick) throw Object.assign(new Error(`no archived key for ${name}`), { code: 'ENOTFOUND' });
      served.set(name.toLowerCase(), pick);
      return [[pick.key.record]];
    };
    const result = await dkimVerify(raw, { resolver, curTime: at, minBitLength: 1 });
    const headers = (result.headers?.parsed ?? []) as HeaderLine[];
    const reports = await withHeaderChecks(
      signatureReports(headers, result.results, served, options.keys, result.headerFrom[0]?.split('@').pop()?.toLowerCase() ?? fromDomain),
      raw,
    );
    best = best ? best.map((old, i) => (rank(reports[i]!.outcome) < rank(old.outcome) ? reports[i]! : old)) : reports;
    if (round === 0 || arcReport.result !== 'pass') arcReport = await arcOf(result, resolver);
    if (best.every((s) => s.outcome === 'pass' || s.key === null)) break;
  }
  const signatures = best ?? [];
  return { ...base, ...messageVerdict(signatures), fromDomain, signatures, arc: arcReport };
}

function fromDomainOf(head: string): string | null {
  const from = /^from[ \t]*:(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1] ?? '';
  const addr = /<([^>]*)>/.exec(from)?.[1] ?? from;
  const at = addr.lastIndexOf('@');
  return at < 0
    ? null
    : addr
        .slice(at + 1)
        .trim()
        .replace(/[>\s].*$/, '')
        .toLowerCase() || null;
}

type Tags = ReadonlyMap<string, string>;

/**
 * The tags of a DKIM-Signature field, for display (mailauth has already judged the field). A tag
 * list is `name=value` pairs split by `;` (RFC 6376 3.2); whitespace is folded out of values.
 */
function fieldTags(line: string): Tags {
  const value = line.slice(line.indexOf(':') + 1);
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    if (eq > 0 && !tags.has(name)) tags.set(name, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

function tag(tags: Tags, name: string): string | null {
  return tags.get(name) ?? null;
}

function isoFromUnix(value: string | null): string | null {
  if (value === null || !/^\d{1,12}$/.test(value)) return null;
  return new Date(Number(value) * 1000).toISOString();
}

const OUTCOME_ORDER: readonly SignatureOutcome[] = [
  'pass',
  'expired',
  'weak-key',
  'body-altered',
  'signature-invalid',
  'key-revoked',
  'key-unavailable',
  'unsupported',
];
function rank(outcome: SignatureOutcome): number {
  return OUTCOME_ORDER.indexOf(outcome);
}

function signatureReports(
  headers: readonly HeaderLine[],
  results: readonly DKIMResult[],
  served: ReadonlyMap<string, { key: KeyRecord; facts: KeyFacts }>,
  keys: KeyArchive,
  fromDomain: string | null,
): Array<{ report: SignatureReport; result: DKIMResult | undefined }> {
  const present = new Map<string, number>();
  for (const h of headers) present.set(h.key, (present.get(h.key) ?? 0) + 1);
  const unmatched = results.filter((r) => r.signature !== undefined);
  return headers
    .filter((h) => h.key === 'dkim-signature')
    .map((h, index) => {
      const tags = fieldTags(h.line.toString('latin1'));
      const b = (tag(tags, 'b') ?? '').replace(/\s+/g, '');
      const at = unmatched.findIndex((r) => String(r.signature ?? '').replace(/\s+/g, '') === b);
      const result = at >= 0 ? unmatched.splice(at, 1)[0] : undefined;
      const domain = tag(tags, 'd')?.toLowerCase() ?? null;
      const selector = tag(tags, 's') ?? null;
      const signedHeaders = (tag(tags, 'h') ?? '')
        .split(':')
        .map((n) => n.trim().toLowerCase())
        .filter(Boolean);
      const signedCount = (name: string) => signedHeaders.filter((n) => n === name).length;
      const unsignedHeaders: UnsignedHeader[] = WATCHED_HEADERS.map((name) => ({ name, present: present.get(name) ?? 0, signed: signedCount(name) })).filter(
        (u) => u.present > u.signed,
      );
      // When the verifier stopped before the key (body altered), the archive's best record is still shown.
      const name = domain && selector ? keyName(selector, domain) : null;
      const servedKey = name ? (served.get(name) ?? keys.candidates(name)[0]) : undefined;
      const key: KeyUsed | null = servedKey
        ? {
            name: servedKey.key.name,
            record: servedKey.key.record,
            type: servedKey.facts.type,
            bits: result?.modulusLength ?? servedKey.facts.bits,
            sightings: servedKey.key.sightings,
            firstSeen: servedKey.facts.firstSeen,
            lastSeen: servedKey.facts.lastSeen,
            testing: servedKey.facts.testing,
          }
        : null;
      const limit = tag(tags, 'l');
      const details = {
        index,
        domain,
        selector,
        algorithm: tag(tags, 'a'),
        identity: tag(tags, 'i'),
        bodyHash: tag(tags, 'bh'),
        canonicalization: tag(tags, 'c') ?? 'simple/simple',
        signedHeaders,
        fromSigned: signedHeaders.includes('from'),
        unsignedHeaders,
        signedAt: isoFromUnix(tag(tags, 't')),
        expiresAt: isoFromUnix(tag(tags, 'x')),
        aligned: Boolean(result?.status.aligned) || (domain !== null && fromDomain !== null && (fromDomain === domain || fromDomain.endsWith(`.${domain}`))),
        key,
        bodyLength:
          limit !== null && /^\d+$/.test(limit)
            ? { limit: Number(limit), unsignedBytes: result?.status.underSized ?? Math.max(0, (result?.canonBodyLengthTotal ?? 0) - Number(limit)) }
            : null,
      };
      const report: SignatureReport = { ...details, ...judgeSignature(result, details, servedKey?.facts) };
      return { report, result };
    });
}

type Judgement = Pick<SignatureReport, 'outcome' | 'reason' | 'bodyHashOk' | 'signatureOk' | 'warnings'>;

function judgeSignature(
  result: DKIMResult | undefined,
  d: Pick<SignatureReport, 'domain' | 'selector' | 'algorithm' | 'unsignedHeaders' | 'bodyLength' | 'expiresAt' | 'key' | 'fromSigned'>,
  facts: KeyFacts | undefined,
): Judgement {
  if (!result) {
    const why =
      !d.domain || !d.selector
        ? 'it lacks d= or s='
        : d.algorithm && !/^(rsa-sha(1|256)|ed25519-sha256)$/i.test(d.algorithm)
          ? `its algorithm ${d.algorithm} is unknown`
          : 'it is malformed';
    return { outcome: 'unsupported', reason: `This signature cannot be checked: ${why}.`, bodyHashOk: null, signatureOk: null, warnings: [] };
  }
  const bodyHashOk = result.bodyHash !== undefined && result.bodyHashExpecting !== undefined ? result.bodyHash === result.bodyHashExpecting : null;
  const comment = result.status.comment ?? '';
  const warnings: string[] = [];
  if (d.key?.testing) warnings.push('The key record says the domain was testing DKIM (t=y).');
  if (result.status.result === 'pass' || comment === 'expired') {
    const bits = d.key?.bits ?? null;
    if (d.algorithm?.toLowerCase() === 'rsa-sha1') {
      warnings.push('The signature uses rsa-sha1, which RFC 8301 (2018) retired: SHA-1 collisions can be made, so this proves less than rsa-sha256.');
    }
    if (d.key?.type === 'rsa' && bits !== null && bits < 1024) {
      return {
        outcome: 'weak-key',
        reason: `The signature checks out, but its ${bits}-bit RSA key is short enough to be factored: anyone could have made it.`,
        bodyHashOk,
        signatureOk: true,
        warnings,
      };
    }
    for (const u of d.unsignedHeaders) {
      if (u.signed > 0 || u.name === 'from' || u.name === 'subject') {
        warnings.push(
          `The message has ${u.present} ${headerName(u.name)} field${u.present === 1 ? '' : 's'} and the signature covers ${u.signed}: ${u.present - u.signed} could have been added after signing.`,
        );
      }
    }
    if (d.bodyLength && d.bodyLength.unsignedBytes > 0) {
      warnings.push(
        `The signature covers only the first ${d.bodyLength.limit} bytes of the body (l=); ${d.bodyLength.unsignedBytes} bytes after them are not signed.`,
      );
    }
    if (comment === 'expired') {
      return {
        outcome: 'expired',
        reason: `The signature checks out, but it expired on ${d.expiresAt ?? 'its x= date'} (x=): the signer only vouched for it until then. This is not a forgery.`,
        bodyHashOk,
        signatureOk: true,
        warnings,
      };
    }
    return {
      outcome: 'pass',
      reason: `The signature of ${d.domain} checks out: the signed headers and body are as sent.`,
      bodyHashOk,
      signatureOk: true,
      warnings,
    };
  }
  if (comment === 'body hash did not verify') {
    return {
      outcome: 'body-altered',
      reason: 'The body is not the one signed: it was changed after signing (by a mailing list footer, a gateway, or by hand).',
      bodyHashOk: false,
      signatureOk: null,
      warnings,
    };
  }
  if (comment === 'bad signature') {
    return {
      outcome: 'signature-invalid',
      reason: 'The body is intact but the signed headers were changed after signing (or the signature was not made with this key).',
      bodyHashOk,
      signatureOk: false,
      warnings,
    };
  }
  if (comment === 'no key' || result.status.result === 'temperror') {
    return {
      outcome: 'key-unavailable',
      reason: `The key ${d.selector}._domainkey.${d.domain} is not in the key archive: import or fetch it to check this signature.`,
      bodyHashOk,
      signatureOk: null,
      warnings,
    };
  }
  if (facts?.revoked) {
    return {
      outcome: 'key-revoked',
      reason: `The archived key record for ${d.selector}._domainkey.${d.domain} is empty (p=): the domain revoked this key.`,
      bodyHashOk,
      signatureOk: null,
      warnings,
    };
  }
  if (facts?.problem || /key/.test(comment)) {
    return {
      outcome: 'key-unavailable',
      reason: `The archived key record cannot be used: ${facts?.problem ?? comment}.`,
      bodyHashOk,
      signatureOk: null,
      warnings,
    };
  }
  if (comment === 'From field not signed') {
    return {
      outcome: 'signature-invalid',
      reason: 'The signature does not cover the From field, so it says nothing about the sender.',
      bodyHashOk,
      signatureOk: null,
      warnings,
    };
  }
  return {
    outcome: 'signature-invalid',
    reason: `The signature cannot be accepted: ${comment || result.status.result}.`,
    bodyHashOk,
    signatureOk: null,
    warnings,
  };
}

function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** The message verdict: the best signature decides; a pass with warnings is a warning. */
function messageVerdict(signatures: readonly SignatureReport[]): Pick<VerificationReport, 'verdict' | 'domain' | 'aligned' | 'reason'> {
  // Only ARC fields: the ARC report says what they prove; there is no DKIM signature of the author.
  if (signatures.length === 0)
    return { verdict: 'no-signature', domain: null, aligned: false, reason: 'The message has no DKIM-Signature field (only ARC fields).' };
  const sorted = [...signatures].sort(
    (a, b) => rank(a.outcome) - rank(b.outcome) || Number(b.aligned) - Number(a.aligned) || a.warnings.length - b.warnings.length,
  );
  const top = sorted[0]!;
  const verdictOf: Record<SignatureOutcome, Verdict> = {
    pass: top.warnings.length > 0 ? 'warning' : 'verified',
    expired: 'expired',
    'weak-key': 'weak-key',
    'body-altered': 'body-altered',
    'signature-invalid': 'signature-invalid',
    'key-revoked': 'key-revoked',
    'key-unavailable': 'key-unavailable',
    unsupported: 'signature-invalid',
  };
  const proves = top.outcome === 'pass' || top.outcome === 'expired' || top.outcome === 'weak-key';
  const aligned = proves && top.aligned;
  const who = proves && !top.aligned ? ` ${top.domain} is not the From domain: it proves the message passed through ${top.domain}, not who wrote it.` : '';
  const reason = [top.reason, ...top.warnings].join(' ') + who;
  return { verdict: verdictOf[top.outcome], domain: proves ? top.domain : null, aligned, reason };
}

async function arcOf(result: Awaited<ReturnType<typeof dkimVerify>>, resolver: DNSResolver): Promise<ArcReport> {
  const data = result.arc as unknown as { chain: Array<{ i: number; 'arc-seal'?: { parsed?: { d?: { value?: string } } } }> | false } | undefined;
  if (!data || !data.chain || data.chain.length === 0) return { result: 'none', instances: 0, sealers: [], reason: null };
  const sealers = data.chain.map((entry) => entry['arc-seal']?.parsed?.d?.value ?? '?');
  try {
    const verdict = await arcVerify(data as never, { resolver, minBitLength: 1 });
    const r = verdict.status.result;
    return { result: r === 'pass' ? 'pass' : r === 'none' ? 'none' : 'fail', instances: data.chain.length, sealers, reason: verdict.status.comment ?? null };
  } catch (error) {
    return { result: 'fail', instances: data.chain.length, sealers, reason: (error as Error).message };
  }
}
