import { createHash, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import type { DKIMResult } from 'mailauth';
import type { SignatureReport } from './report.js';

/**
 * What the verifier leaves unsaid, added to each signature's report with mailauth's own parts:
 * - whether the signed headers are as signed when the body is not (mailauth stops at a body-hash
 *   mismatch; its canonicalized header and key parser are reused, Node's crypto checks the
 *   signature). A list footer or a redaction changes the body, and From, Date, Subject and the
 *   body hash bh= they carry are still proven.
 * - the bytes after l= that a signature does not cover, canonicalized by mailauth's body hasher.
 */

const require = createRequire(import.meta.url);

interface KeyAnswer {
  readonly publicKey?: unknown;
}
type GetPublicKey = (type: string, name: string, minBitLength: number, resolver: () => Promise<string[][]>, options: object) => Promise<KeyAnswer>;
type BodyHasher = { bodyHash: { update(chunk: Buffer): void; digest(): string }; update(chunk: Buffer | null, final?: boolean): void };

const tools = require('mailauth/lib/tools.js') as { getPublicKey?: GetPublicKey };
const body = require('mailauth/lib/dkim/body/index.js') as {
  dkimBody?: (canonicalization: string, algorithm: string, maxBodyLength: number | false) => BodyHasher;
};

/** Unsigned bytes shown at most (as text). */
const MAX_TAIL_CHARS = 2000;

export async function withHeaderChecks(
  pairs: ReadonlyArray<{ report: SignatureReport; result: DKIMResult | undefined }>,
  raw: Buffer,
): Promise<SignatureReport[]> {
  return Promise.all(
    pairs.map(async ({ report, result }) => {
      const headersOk = report.signatureOk === true ? true : report.outcome === 'body-altered' ? await headersSigned(report, result) : null;
      const bodyLength =
        report.bodyLength && report.bodyLength.unsignedBytes > 0
          ? { ...report.bodyLength, unsignedTail: unsignedTail(raw, report.canonicalization ?? 'simple/simple', report.bodyLength.limit) }
          : report.bodyLength;
      return { ...report, headersOk, bodyLength };
    }),
  );
}

async function headersSigned(report: SignatureReport, result: DKIMResult | undefined): Promise<boolean | null> {
  const canonical = (result as { signingHeaders?: { canonicalizedHeader?: string } } | undefined)?.signingHeaders?.canonicalizedHeader;
  const signature = (result as { signature?: string } | undefined)?.signature;
  const algorithm = report.algorithm?.toLowerCase() ?? '';
  if (!canonical || !signature || !report.key || !tools.getPublicKey || !/^(rsa-sha(1|256)|ed25519-sha256)$/.test(algorithm)) return null;
  try {
    const type = algorithm.startsWith('ed25519') ? 'ed25519' : 'rsa';
    const { publicKey } = await tools.getPublicKey('DKIM', report.key.name, 1, async () => [[report.key!.record]], { hashAlgo: algorithm.split('-')[1] });
    if (!publicKey) return null;
    const data = Buffer.from(canonical, 'base64');
    const signed = Buffer.from(signature.replace(/\s+/g, ''), 'base64');
    return type === 'rsa'
      ? verify(algorithm, data, publicKey as string, signed)
      : verify(null, createHash('sha256').update(data).digest(), publicKey as string, signed);
  } catch {
    return null;
  }
}

/** The canonicalized body after the first `limit` bytes, as text; '' when mailauth's hasher is not where it was. */
function unsignedTail(raw: Buffer, canonicalization: string, limit: number): string {
  if (!body.dkimBody) return '';
  try {
    const hasher = body.dkimBody(canonicalization, 'sha256', false);
    const pieces: Buffer[] = [];
    hasher.bodyHash = { update: (chunk: Buffer) => void pieces.push(Buffer.from(chunk)), digest: () => '' };
    hasher.update(raw.subarray(bodyStart(raw)));
    hasher.update(null, true);
    return Buffer.concat(pieces).subarray(limit).toString('utf8').slice(0, MAX_TAIL_CHARS);
  } catch {
    return '';
  }
}

/** Where the body begins: after the first empty line (CRLF or LF endings); the end when there is none. */
function bodyStart(raw: Buffer): number {
  const ends = [
    [raw.indexOf('\r\n\r\n'), 4],
    [raw.indexOf('\n\n'), 2],
  ].filter(([at]) => at! >= 0) as Array<[number, number]>;
  if (ends.length === 0) return raw.length;
  const [at, length] = ends.sort((a, b) => a[0] - b[0])[0]!;
  return at + length;
}
