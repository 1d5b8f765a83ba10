import type { KeySighting } from './keyRecord.js';

/**
 * What a verification finds, as stored with the message and shown by the CLI and the web reader.
 * One verdict per message, details per signature; every outcome carries its reason in plain words.
 */

/** The message's verdict: the best thing any of its signatures proves. */
export const VERDICTS = [
  'verified',
  'warning',
  'expired',
  'weak-key',
  'body-altered',
  'signature-invalid',
  'key-revoked',
  'key-unavailable',
  'no-signature',
  // Converted from Outlook: the bytes as sent are not kept, so nothing can be checked (neither
  // proven nor refuted; never "no signature", which the original may well have had).
  'not-checkable',
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What one signature shows. `unsupported`: it could not be checked at all (unknown algorithm, missing tags). */
export type SignatureOutcome = 'pass' | 'expired' | 'weak-key' | 'body-altered' | 'signature-invalid' | 'key-revoked' | 'key-unavailable' | 'unsupported';

/** A header field the message has more often than the signature covers: the extra ones could have been added later. */
export interface UnsignedHeader {
  readonly name: string;
  readonly present: number;
  readonly signed: number;
}

export interface KeyUsed {
  readonly name: string;
  readonly record: string;
  readonly type: string;
  readonly bits: number | null;
  readonly sightings: readonly KeySighting[];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** t=y in the key record: the domain said it was testing DKIM. */
  readonly testing: boolean;
}

export interface SignatureReport {
  /** Position among the message's DKIM-Signature fields, from the top. */
  readonly index: number;
  readonly outcome: SignatureOutcome;
  readonly reason: string;
  readonly domain: string | null;
  readonly selector: string | null;
  readonly algorithm: string | null;
  readonly canonicalization: string | null;
  /** Whether the body hashes to bh=; null when it was not computed. */
  readonly bodyHashOk: boolean | null;
  /** Whether the signature over the headers checks out with the key; null when it was not checked. */
  readonly signatureOk: boolean | null;
  /**
   * Whether the signed header fields are exactly as signed, checked with the archived key even when
   * the body is not the one signed (a list footer, a redaction): the header check covers bh= itself.
   * null when not checked (no key, or the signature could not be read); absent in older reports.
   */
  readonly headersOk?: boolean | null;
  /** i=: the agent or user identity the signer vouches for (RFC 6376 3.5), as written. */
  readonly identity?: string | null;
  /** The body hash the signature carries (bh=). */
  readonly bodyHash?: string | null;
  /** l=: how many body bytes the signature covers and how many it leaves unsigned. */
  readonly bodyLength: {
    readonly limit: number;
    readonly unsignedBytes: number;
    /** The unsigned bytes themselves (as text, at most 2,000 characters): what anyone could have appended. */
    readonly unsignedTail?: string;
  } | null;
  readonly signedHeaders: readonly string[];
  readonly fromSigned: boolean;
  readonly unsignedHeaders: readonly UnsignedHeader[];
  readonly signedAt: string | null;
  readonly expiresAt: string | null;
  /** d= is the From domain or shares its organisational domain. */
  readonly aligned: boolean;
  readonly key: KeyUsed | null;
  readonly warnings: readonly string[];
}

export interface ArcReport {
  readonly result: 'pass' | 'fail' | 'none';
  /** Number of ARC sets (hops that sealed the message). */
  readonly instances: number;
  readonly sealers: readonly string[];
  readonly reason: string | null;
}

export interface VerificationReport {
  readonly verdict: Verdict;
  /** For verified/warning/expired/weak-key: the signing domain that proves it. */
  readonly domain: string | null;
  readonly aligned: boolean;
  readonly reason: string;
  readonly fromDomain: string | null;
  readonly signatures: readonly SignatureReport[];
  readonly arc: ArcReport;
  /** The time the verification was run "as of" (x= expiry and key windows are judged against it). */
  readonly at: string;
  /** e.g. "mailauth 7.1.0". */
  readonly verifier: string;
}

/** The coarse classes of the `dkim:` search field and of the stats. */
export const VERDICT_CLASSES: Readonly<Record<'pass' | 'fail' | 'none', readonly Verdict[]>> = {
  pass: ['verified'],
  fail: ['body-altered', 'signature-invalid'],
  none: ['no-signature'],
};

/** One line for a verdict, e.g. for a badge or a table. */
export function verdictLabel(report: Pick<VerificationReport, 'verdict' | 'domain' | 'aligned'>): string {
  const by = report.domain ? ` by ${report.domain}${report.aligned ? '' : ' (not the From domain)'}` : '';
  switch (report.verdict) {
    case 'verified':
      return `DKIM verified${by}`;
    case 'warning':
      return `DKIM verified${by}, with a warning`;
    case 'expired':
      return `DKIM signature valid${by} but expired`;
    case 'weak-key':
      return `DKIM signature valid${by} but its key is too short to prove anything`;
    case 'body-altered':
      return 'Body altered after signing';
    case 'signature-invalid':
      return 'DKIM signature invalid';
    case 'key-revoked':
      return 'Signing key revoked';
    case 'key-unavailable':
      return 'Signing key not available';
    case 'no-signature':
      return 'No DKIM signature';
    case 'not-checkable':
      return 'Not checkable: converted from Outlook';
  }
}
