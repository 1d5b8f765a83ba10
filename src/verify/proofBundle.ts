import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { sha256Hex } from '../mail/contentHash.js';
import { formatKeyFile } from './keyFile.js';
import type { KeyRecord } from './keyRecord.js';
import type { VerificationReport } from './report.js';
import type { RedactionNotice } from '../redact/redactionRecord.js';
import { verdictLabel } from './report.js';
import { EPISTOLA_VERSION } from '../version.js';

/**
 * A proof bundle (.tar.gz): the raw message, the key records its signatures were checked with
 * (with where and when each was seen), and the report naming the verifier and its version, so that
 * anyone can repeat the check years later without the archive or live DNS.
 */

export interface ProofBundleInput {
  readonly id: number;
  readonly raw: Buffer;
  readonly report: VerificationReport;
  readonly outFile: string;
  /** A redacted message's notice: the bundle then says what the redacted bytes still prove. */
  readonly redaction?: RedactionNotice | null;
}

export const BUNDLE_FILES = ['message.eml', 'keys.txt', 'report.json', 'README.txt'] as const;
/** In the bundle of a redacted message: its spans, commitments and part tree. */
export const REDACTION_FILE = 'redaction.json';

export async function writeProofBundle(input: ProofBundleInput): Promise<void> {
  const { id, raw, report, redaction } = input;
  const keys: KeyRecord[] = report.signatures.flatMap((s) => (s.key ? [{ name: s.key.name, record: s.key.record, sightings: s.key.sightings }] : []));
  const unique = [...new Map(keys.map((k) => [`${k.name}\n${k.record}`, k])).values()];
  const sha256 = sha256Hex(raw);
  const readme = [
    `Proof bundle for message ${id} (sha256 ${sha256}).`,
    '',
    `Verdict: ${verdictLabel(report)}.`,
    report.reason,
    '',
    `Checked with ${report.verifier} in Epistola ${EPISTOLA_VERSION}, as of ${report.at}.`,
    '',
    'Files:',
    '  message.eml  the message exactly as archived (check: sha256sum message.eml)',
    '  keys.txt     the DKIM key records used, zone-file style, with where and when each was seen',
    '  report.json  the full report: every signature, its tags, the key used, the outcome',
    '',
    ...(redaction
      ? [
          `This message was redacted by the publisher (${redaction.spans.length} span${redaction.spans.length === 1 ? '' : 's'}, see redaction.json).`,
          redaction.signedHeadersTouched.length > 0
            ? 'A signed header field was redacted: the signature cannot be checked on these bytes.'
            : redaction.headersProven
              ? `The signed header fields still verify with the key; the body hash they carry is bh=${redaction.bodyHash}; the body is redacted, so it cannot be checked against bh=.`
              : 'No signature can be checked on these bytes.',
          `The publisher checked the unredacted message${redaction.publisherCheckedAt ? ` on ${redaction.publisherCheckedAt}` : ''}: ${redaction.publisherVerdict ?? 'not verified'}.`,
          '',
        ]
      : []),
    'To check it again:',
    `  epistola verify-file message.eml --keys keys.txt --at ${report.at}`,
    'Any DKIM verifier does the same when it is given keys.txt as its DNS (for example dkimpy with a',
    'DNS function that reads the file).',
    '',
  ].join('\n');
  const dir = await mkdtemp(join(tmpdir(), 'epistola-bundle-'));
  try {
    await writeFile(join(dir, 'message.eml'), raw);
    await writeFile(join(dir, 'keys.txt'), formatKeyFile(unique));
    await writeFile(join(dir, 'report.json'), `${JSON.stringify({ message: id, sha256, epistola: EPISTOLA_VERSION, ...report }, null, 2)}\n`);
    await writeFile(join(dir, 'README.txt'), readme);
    if (redaction) await writeFile(join(dir, REDACTION_FILE), `${JSON.stringify(redaction, null, 2)}\n`);
    // portable + fixed mtime: the same proof gives the same bytes.
    await create({ gzip: true, file: input.outFile, cwd: dir, portable: true, mtime: new Date(report.at) }, [
      ...BUNDLE_FILES,
      ...(redaction ? [REDACTION_FILE] : []),
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
