import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isConversion } from '../mail/warnings.js';
import { BlobStore } from '../store/blobStore.js';
import { openReader } from '../store/openStore.js';
import { requireDataDir } from '../config/dataDir.js';
import type { KeyArchive } from '../verify/keyArchive.js';
import { parseKeyFile } from '../verify/keyFile.js';
import type { ReverifyProgress } from '../verify/reverify.js';

/** The verifier (mailauth) and the bundle writer, loaded by the commands that use them. */
const verifier = () =>
  Promise.all([
    import('../verify/reverify.js'),
    import('../verify/verifyMessage.js'),
    import('../verify/keyArchive.js'),
    import('../verify/proofBundle.js'),
  ]).then(([r, v, k, p]) => ({ ...r, ...v, ...k, ...p }));
import { databaseOf, dataDirOf, parseAt, parseId, print, readUserFile, withReader, withWriter } from './context.js';
import { chooseProgressMode, progressReporter, renderCountProgress } from './progressBar.js';
import { formatReverify, formatVerification } from './verificationReport.js';

interface VerifyFlags {
  all?: boolean;
  at?: string;
  json?: boolean;
  bundle?: string;
  out?: string;
  progress?: string;
}

/** `verify` (stored messages, or a proof bundle of one) and `verify-file` (any .eml, no archive needed). */
export function registerVerifyCommands(program: Command): void {
  program
    .command('verify')
    .description('check DKIM/ARC signatures again against the key archive and store the verdicts')
    .argument('[ids...]', 'message numbers')
    .option('--all', 'every message in the archive')
    .option('--at <date>', 'verify as of this date (x= expiry); default now')
    .option('--bundle <id>', 'write the proof bundle of one message (.tar.gz: raw message, keys used, report)')
    .option('--out <file>', 'where to write the bundle (default: message-<id>-proof.tar.gz)')
    .option('--json', 'print the reports (or the summary) as JSON')
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'json', 'none']).default('auto'))
    .action(async (idTexts: string[], options: VerifyFlags, command: Command) => {
      const at = parseAt(options.at);
      if (options.bundle !== undefined) {
        await writeBundle(command, parseId(options.bundle), options.out, at);
        return;
      }
      if (!options.all && idTexts.length === 0) throw new UsageError('name message numbers, or --all, or --bundle <id>');
      if (options.all && idTexts.length > 0) throw new UsageError('give message numbers or --all, not both');
      const ids = idTexts.map(parseId);
      await withWriter(command, async (store, dir) => {
        const blobs = new BlobStore(dir.root);
        if (!options.all) {
          const known = new Set((await store.rawRefs({ ids })).map((r) => r.id));
          for (const id of ids) if (!known.has(id)) throw new UsageError(`no message ${id} in ${dir.root}`);
          await (await verifier()).reverify(store, blobs, ids, { at });
          const reports = await Promise.all(ids.map((id) => store.verification(id)));
          print(
            options.json
              ? JSON.stringify(ids.length === 1 ? reports[0] : reports, null, 2)
              : reports.map((r, i) => `Message ${ids[i]}: ${formatVerification(r!)}`).join('\n\n'),
          );
          return;
        }
        const started = Date.now();
        const reporter = progressReporter<ReverifyProgress>(chooseProgressMode(options.progress, options.json ?? false), process.stderr, (p) =>
          renderCountProgress({ ...p, elapsedMs: Date.now() - started }, 'messages'),
        );
        const summary = await (await verifier()).reverify(store, blobs, 'all', { at, onProgress: reporter.update });
        reporter.end();
        print(options.json ? JSON.stringify(summary, null, 2) : formatReverify(summary));
      });
    });

  program
    .command('verify-file')
    .description('check the DKIM/ARC signatures of a raw message file (.eml) with exported keys, no archive needed (exit 0: verified, 1: not, 2: usage)')
    .argument('<file>', 'the raw message, e.g. downloaded from /emails/<id>/raw')
    .option('--keys <file>', 'key records (from "epistola keys export" or a proof bundle); default: the archive\'s key archive')
    .option('--at <date>', 'verify as of this date (x= expiry); default now')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { keys?: string; at?: string; json?: boolean }, command: Command) => {
      const raw = await readUserFile(file);
      const keys = options.keys ? await keysFromFile(options.keys) : await keysFromArchive(command);
      const report = await (await verifier()).verifyMessage(raw, { keys, at: parseAt(options.at) });
      print(options.json ? JSON.stringify(report, null, 2) : formatVerification(report));
      // Exit codes a script can trust (docs/verification.md): 0 the signature proves the message
      // (verified, or verified with a warning); 1 anything else; 2 a usage error.
      process.exitCode = report.verdict === 'verified' || report.verdict === 'warning' ? 0 : 1;
    });
}

async function keysFromFile(path: string): Promise<KeyArchive> {
  const text = (await readUserFile(path)).toString('utf8');
  const { records, problems } = parseKeyFile(text, { source: `file ${path}`, seen: new Date().toISOString().slice(0, 10) });
  for (const p of problems) process.stderr.write(`epistola: ${path}:${p.line}: ${p.reason} (skipped)\n`);
  return new (await verifier()).KeyArchive(records);
}

async function keysFromArchive(command: Command): Promise<KeyArchive> {
  const dir = dataDirOf(command);
  const config = await requireDataDir(dir).catch(() => {
    throw new UsageError(`no keys: pass --keys <file> (from "epistola keys export" or a proof bundle), or run this where an archive is (--data)`);
  });
  const store = await openReader(databaseOf(command, dir, config));
  try {
    return new (await verifier()).KeyArchive(await store.keyRecords());
  } finally {
    await store.close();
  }
}

async function writeBundle(command: Command, id: number, out: string | undefined, at: Date | undefined): Promise<void> {
  await withReader(command, async (store, dir) => {
    const message = await store.getMessage(id);
    if (!message) throw new UsageError(`no message ${id} in ${dir.root}`);
    const raw = await new BlobStore(dir.root).read(message.sha256);
    // The bundle's report is made now, with the keys as they are, so it matches the files beside it.
    const { verifyMessage, KeyArchive, writeProofBundle } = await verifier();
    const report = await verifyMessage(raw, { keys: new KeyArchive(await store.keyRecords()), at, converted: isConversion(message.warnings) });
    const outFile = resolve(out ?? `message-${id}-proof.tar.gz`);
    await writeProofBundle({ id, raw, report, outFile, redaction: message.redaction });
    print(`Wrote ${outFile}: ${report.verdict}${report.domain ? ` (${report.domain})` : ''}`);
  });
}
