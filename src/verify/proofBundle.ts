import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { sha256Hex } from '../mail/contentHash.js';
import { formatKeyFile } from './keyFile.js';
import type { KeyRecord } from './keyRecord.js';
import type { VerificationReport } from './report.js';
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
}

export const BUNDLE_FILES = ['message.eml', 'keys.txt', 'report.json', 'README.txt'] as const;

export async function writeProofBundle(input: ProofBundleInput): Promise<void> {
  const { id, raw, report } = input;
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
    // portable + fixed mtime: the same proof gives the same bytes.
    await create({ gzip: true, file: input.outFile, cwd: dir, portable: true, mtime: new Date(report.at) }, [...BUNDLE_FILES]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
