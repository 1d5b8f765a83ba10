import { spawn } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DKIMResult } from 'mailauth';
import { dkimVerify } from './mailauth.js';
import { keyName, type KeyRecord } from './keyRecord.js';

/**
 * Recovering a vanished RSA key from the mail it signed. An RSA signature s of a message encoded
 * as m (EMSA-PKCS1-v1_5 over the hash of the canonicalized signed headers) satisfies s^e ≡ m
 * (mod n), so n divides s^e − m; the GCD of two such numbers is n times a small cofactor. The
 * numbers have e × 2048 ≈ 134 million bits, so the arithmetic runs in GMP (libexec/rsa-gcd.py via
 * Debian's python3-gmpy2) in a child process; the encodings and every check are made here. The
 * canonicalization is mailauth's own: it is asked to verify with no key at all, and it still
 * canonicalizes each signature's header fields.
 *
 * What a recovered key proves: that the messages were signed by one key, the same one. That the
 * key is the domain's rests on the messages it verifies, nothing more; the report says so.
 */

const PUBLIC_EXPONENT = 65537n;
/** Signatures given to one GCD run: two suffice almost always; a third takes out a stubborn cofactor. */
const SIGNATURES_PER_RUN = 3;
/** DigestInfo prefixes of EMSA-PKCS1-v1_5 (RFC 8017 section 9.2, note 1). */
const DIGEST_INFO: Record<'sha256' | 'sha1', string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha1: '3021300906052b0e03021a05000414',
};

const GCD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'libexec', 'rsa-gcd.py');

/** One RSA signature of a (domain, selector) with what it signs, canonicalized. */
export interface SignatureSample {
  readonly message: number;
  readonly name: string;
  readonly algorithm: 'rsa-sha256' | 'rsa-sha1';
  readonly signature: Buffer;
  readonly canonicalHeader: Buffer;
  /** mailauth's view of the body against bh=: a body changed in transit suggests headers changed too. */
  readonly bodyHashOk: boolean;
}

/** The RSA signatures of a raw message whose key is `name` (`<selector>._domainkey.<domain>`). */
export async function samplesOf(id: number, raw: Buffer, names: ReadonlySet<string>): Promise<SignatureSample[]> {
  const noKey = async () => {
    throw Object.assign(new Error('no key: recovering it'), { code: 'ENOTFOUND' });
  };
  const result = await dkimVerify(raw, { resolver: noKey, minBitLength: 1 });
  const seen = new Set<string>();
  const samples: SignatureSample[] = [];
  for (const r of result.results as Array<DKIMResult & { signingHeaders?: { canonicalizedHeader?: string }; algo?: string; signature?: string; id?: string }>) {
    const algorithm = (r.algo ?? '').toLowerCase();
    if ((algorithm !== 'rsa-sha256' && algorithm !== 'rsa-sha1') || !r.signingDomain || !r.selector || !r.signature) continue;
    const name = keyName(r.selector, r.signingDomain);
    const canonical = r.signingHeaders?.canonicalizedHeader;
    if (!names.has(name) || !canonical || seen.has(r.id ?? r.signature)) continue;
    seen.add(r.id ?? r.signature);
    samples.push({
      message: id,
      name,
      algorithm,
      signature: Buffer.from(r.signature.replace(/\s+/g, ''), 'base64'),
      canonicalHeader: Buffer.from(canonical, 'base64'),
      bodyHashOk: r.bodyHash !== undefined && r.bodyHash === r.bodyHashExpecting,
    });
  }
  return samples;
}

/** m: the EMSA-PKCS1-v1_5 encoding of the signed hash, as long as the signature (the modulus' length). */
export function encodedMessage(sample: SignatureSample): Buffer {
  const hash = sample.algorithm === 'rsa-sha1' ? 'sha1' : 'sha256';
  const t = Buffer.concat([Buffer.from(DIGEST_INFO[hash], 'hex'), createHash(hash).update(sample.canonicalHeader).digest()]);
  const k = sample.signature.length;
  if (k < t.length + 11) throw new Error(`a ${k}-byte signature is too short for PKCS#1 v1.5`);
  return Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(k - t.length - 3, 0xff), Buffer.from([0]), t]);
}

function base64url(hex: string): string {
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
}

/** The DKIM key record (p= is the SubjectPublicKeyInfo, as DNS publishes it) of modulus n, e = 65537. */
export function recordOf(modulusHex: string): string {
  const key = createPublicKey({ key: { kty: 'RSA', n: base64url(modulusHex), e: base64url(PUBLIC_EXPONENT.toString(16)) }, format: 'jwk' });
  return `v=DKIM1; k=rsa; p=${key.export({ type: 'spki', format: 'der' }).toString('base64')}`;
}

/** Whether a sample's signature checks out with a key record (Node's crypto, the canonicalization mailauth's). */
export function signatureChecks(sample: SignatureSample, record: string): boolean {
  const p = /(?:^|;)\s*p=([^;]*)/.exec(record)?.[1]?.replace(/\s+/g, '') ?? '';
  try {
    const key = createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
    return verify(sample.algorithm, sample.canonicalHeader, key, sample.signature);
  } catch {
    return false;
  }
}

export interface GcdOutcome {
  readonly modulusHex: string | null;
  readonly bits: number;
  /** The first this many samples made it (a further one is taken only when two leave a cofactor). */
  readonly used: number;
  readonly elapsedMs: number;
}

/** Runs the GCD on these samples in GMP (a child process); `onProgress` gets its lines. */
export async function gcdOf(samples: readonly SignatureSample[], onProgress?: (line: string) => void): Promise<GcdOutcome> {
  const started = Date.now();
  const job = {
    e: Number(PUBLIC_EXPONENT),
    bits: samples[0]!.signature.length * 8,
    pairs: samples.map((s) => ({ s: s.signature.toString('hex'), m: encodedMessage(s).toString('hex') })),
  };
  const child = spawn(process.env.EPISTOLA_PYTHON ?? '/usr/bin/python3', [GCD_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
    for (const line of c.toString().split('\n').filter(Boolean)) onProgress?.(line.trim());
  });
  child.stdin.end(JSON.stringify(job));
  // The last GCD is one GMP call of about a minute: say it is still running.
  const ticking = setInterval(() => onProgress?.(`${((Date.now() - started) / 1000).toFixed(0)}s, GCD still running`), 15_000);
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  }).finally(() => clearInterval(ticking));
  if (code === 3) throw new Error("key recovery needs GMP for Python: install Debian's python3-gmpy2 (scripts/system-deps.sh does)");
  if (code !== 0) throw new Error(`the GCD run failed (exit ${code}): ${err.trim().split('\n').at(-1) ?? ''}`);
  const result = JSON.parse(Buffer.concat(out).toString()) as { n: string | null; bits: number; used: number };
  return { modulusHex: result.n, bits: result.bits, used: result.used, elapsedMs: Date.now() - started };
}

export interface RecoveredKey {
  readonly name: string;
  readonly record: KeyRecord;
  readonly bits: number;
  /** The messages whose signatures made it, and those that confirm it (a third signature or more). */
  readonly from: readonly number[];
  readonly confirmedBy: readonly number[];
  readonly elapsedMs: number;
}

export interface RecoveryAttempt {
  readonly name: string;
  readonly samples: number;
  readonly recovered: RecoveredKey | null;
  /** Why not, when not. */
  readonly reason: string | null;
}

/**
 * Tries to recover the key of `name` from its samples: GCD runs over small groups of samples
 * (those with an intact body first), until a modulus of the signatures' size comes out that
 * verifies the signatures it came from; every other sample it verifies confirms it.
 */
export async function recoverKey(
  name: string,
  samples: readonly SignatureSample[],
  options: { readonly today: string; readonly maxRuns?: number; readonly onProgress?: (line: string) => void },
): Promise<RecoveryAttempt> {
  const bySize = new Map<number, SignatureSample[]>();
  for (const s of samples) bySize.set(s.signature.length, [...(bySize.get(s.signature.length) ?? []), s]);
  // Signatures of one key all have its length: the commonest length is the key's.
  const group = [...bySize.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  if (group.length < 2)
    return { name, samples: samples.length, recovered: null, reason: `${group.length} usable signature${group.length === 1 ? '' : 's'}: two are needed` };
  const ordered = [...group].sort((a, b) => Number(b.bodyHashOk) - Number(a.bodyHashOk) || a.message - b.message);
  const maxRuns = options.maxRuns ?? 3;
  for (let run = 0; run < maxRuns && run * 2 + 1 < ordered.length; run++) {
    const chosen = ordered.slice(run * 2, run * 2 + SIGNATURES_PER_RUN);
    options.onProgress?.(`${name}: GCD of ${chosen.length} signatures (messages ${chosen.map((s) => `#${s.message}`).join(', ')})`);
    const gcd = await gcdOf(chosen, (line) => options.onProgress?.(`${name}: ${line}`));
    const bits = chosen[0]!.signature.length * 8;
    if (!gcd.modulusHex || gcd.bits < bits - 8 || gcd.bits > bits) continue;
    const text = recordOf(gcd.modulusHex);
    const used = chosen.slice(0, gcd.used);
    const makers = used.filter((s) => signatureChecks(s, text));
    if (makers.length < 2) continue;
    // Every other signature the key verifies is an independent check: a wrong modulus verifies none.
    const others = group.filter((s) => !used.includes(s) && signatureChecks(s, text));
    const from = [...new Set(makers.map((s) => s.message))];
    const source = `recovered from messages ${from.map((m) => `#${m}`).join(', ')} (GCD)${others.length > 0 ? `, confirmed by ${others.length} more` : ''}`;
    return {
      name,
      samples: samples.length,
      recovered: {
        name,
        record: { name, record: text, sightings: [{ source, seen: options.today }] },
        bits: gcd.bits,
        from,
        confirmedBy: [...new Set(others.map((s) => s.message))],
        elapsedMs: gcd.elapsedMs,
      },
      reason: null,
    };
  }
  return { name, samples: samples.length, recovered: null, reason: 'no GCD gave a modulus that verifies its signatures (headers changed in transit?)' };
}
