import type { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireDataDir } from '../config/dataDir.js';
import { UsageError } from '../errors.js';
import { loadCollectionKey } from '../publish/collectionKey.js';
import type { MirrorSite } from '../publish/manifest.js';
import { BlobStore } from '../store/blobStore.js';
import { openReader } from '../store/openStore.js';
import { databaseOf, dataDirOf, print } from './context.js';
import { chooseProgressMode, progressReporter, renderCountProgress } from './progressBar.js';

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'static');
/** Where `mirror status --save` keeps the last check, for the live site and the next export. */
export const STATUS_FILE = 'status.json';

function fingerprintFlag(value: string | undefined): string {
  if (!value || !/^[0-9a-f]{64}$/i.test(value))
    throw new UsageError('--key must be the collection key fingerprint: 64 hex digits (on the site\'s about page, or "epistola export" prints it)');
  return value.toLowerCase();
}

function countBar(json: boolean, unit: string) {
  const started = Date.now();
  return progressReporter<{ done: number; total: number }>(chooseProgressMode(undefined, json), process.stderr, (p) =>
    renderCountProgress({ ...p, elapsedMs: Date.now() - started }, unit),
  );
}

/** A ZIM file's name (Kiwix's id for the content across versions): the title in lower-case ASCII words. */
function zimName(title: string): string {
  return (
    title
      .normalize('NFD')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .toLowerCase() || 'epistola'
  );
}

/** `export` and `mirror sync | verify | status`. */
export function registerPublishCommands(program: Command): void {
  program
    .command('export')
    .description('write the public site (published releases only) as static files with a signed manifest')
    .argument('<dir>', 'output directory (an earlier export there is updated: only changed files are written)')
    .option('--base-url <url>', 'the address the copy will be served at (for feeds and permalinks)', 'http://localhost:8080')
    .option('--zim <file>', 'also write the copy as a ZIM file (Kiwix), with its full-text index; needs libzim for Python (Debian python3-libzim)')
    .option('--json', 'print the summary as JSON')
    .action(async (out: string, options: { baseUrl: string; zim?: string; json?: boolean }, command: Command) => {
      const dir = dataDirOf(command);
      const config = await requireDataDir(dir);
      const key = await loadCollectionKey(dir.root);
      const mirrors = JSON.parse((await readFile(join(dir.root, 'mirrors.json'), 'utf8').catch(() => '[]')) || '[]') as MirrorSite[];
      const store = await openReader(databaseOf(command, dir, config), { audience: 'public' });
      const bar = countBar(options.json ?? false, 'messages');
      try {
        // The views and the search indexer are loaded by the commands that use them.
        const { exportSite } = await import('../publish/exportSite.js');
        const summary = await exportSite({
          store,
          blobs: new BlobStore(dir.root),
          collection: config.title,
          outDir: resolve(out),
          key,
          baseUrl: options.baseUrl.replace(/\/+$/, ''),
          mirrors,
          staticDir: STATIC_DIR,
          status: JSON.parse((await readFile(join(dir.root, STATUS_FILE), 'utf8').catch(() => 'null')) || 'null'),
          onProgress: (done, total) => bar.update({ done, total }),
        });
        bar.end();
        let zim: { path: string; entries: number; bytes: number; elapsedMs: number } | null = null;
        if (options.zim) {
          const { writeZim } = await import('../publish/zimEdition.js');
          zim = await writeZim({
            site: resolve(out),
            out: resolve(options.zim),
            title: config.title,
            description: `${config.title}: e-mails, raw sources and signatures`,
            publisher: 'Epistola',
            name: zimName(config.title),
            onProgress: (line) => (options.json ? undefined : process.stderr.write(`  zim: ${line}\n`)),
          }).catch((error: Error) => {
            throw new UsageError(`the copy is exported, the ZIM file is not: ${error.message}`);
          });
        }
        if (options.json) print(JSON.stringify({ ...summary, fingerprint: key.fingerprint, zim }, null, 2));
        else {
          print(
            `Exported ${summary.messages.toLocaleString('en-US')} published messages to ${resolve(out)} in ${(summary.elapsedMs / 1000).toFixed(1)} s: manifest ${summary.sequence}`,
          );
          print(
            `  ${summary.files.toLocaleString('en-US')} files, ${(summary.bytes / 1048576).toFixed(1)} MB; ${summary.written} written, ${summary.removed} removed`,
          );
          print(`  signed with the collection key ${key.fingerprint}`);
          print(`  mirrors: epistola mirror sync <url> <dir> --key ${key.fingerprint}`);
          if (zim)
            print(
              `  ZIM file: ${zim.path} (${zim.entries.toLocaleString('en-US')} entries, ${(zim.bytes / 1048576).toFixed(1)} MB, ${(zim.elapsedMs / 1000).toFixed(1)} s): open it in Kiwix, or kiwix-serve it`,
            );
        }
      } finally {
        await store.close();
      }
    });

  const mirror = program.command('mirror').description('copies of an export: sync, verify, status of every site');
  mirror
    .command('sync')
    .description('bring a mirror up to date from an origin (URL or directory), checking the signature and every file')
    .argument('<origin>', 'the origin site URL or export directory')
    .argument('<dir>', 'the mirror directory (serve <dir>/current)')
    .requiredOption('--key <fingerprint>', 'the collection key fingerprint to trust')
    .option('--json', 'print the summary as JSON')
    .action(async (origin: string, dir: string, options: { key: string; json?: boolean }) => {
      const bar = countBar(options.json ?? false, 'files');
      try {
        const { syncMirror } = await import('../mirror/syncMirror.js');
        const summary = await syncMirror(origin, dir, fingerprintFlag(options.key), { onProgress: (done, total) => bar.update({ done, total }) });
        bar.end();
        if (options.json) print(JSON.stringify(summary, null, 2));
        else if (summary.status === 'up-to-date') print(`Already at manifest ${summary.sequence}`);
        else {
          print(`Updated ${resolve(dir)}/current to manifest ${summary.sequence}${summary.previousSequence ? ` (was ${summary.previousSequence})` : ''}`);
          print(
            `  ${summary.files} files: ${summary.fromPacks} from ${summary.packs} delta pack${summary.packs === 1 ? '' : 's'}, ${summary.downloaded} downloaded one by one, ${summary.reused} unchanged; ${(summary.downloadedBytes / 1048576).toFixed(2)} MB transferred`,
          );
          for (const why of summary.packsRefused) print(`  pack refused, files fetched instead: ${why}`);
        }
      } catch (error) {
        bar.end();
        if (error instanceof (await import('../mirror/syncMirror.js')).SyncRefused) throw new UsageError((error as Error).message);
        throw error;
      }
    });

  mirror
    .command('verify')
    .description('check a whole copy (URL or directory) against its signed manifest: missing, extra, altered files')
    .argument('<location>', 'site URL or directory')
    .requiredOption('--key <fingerprint>', 'the collection key fingerprint to trust')
    .option('--json', 'print the report as JSON')
    .action(async (location: string, options: { key: string; json?: boolean }) => {
      const report = await (await import('../mirror/verifyMirror.js')).verifyMirror(location, fingerprintFlag(options.key));
      if (options.json) print(JSON.stringify(report, null, 2));
      else if (report.refused) print(`REFUSED ${report.location}: ${report.refused}`);
      else {
        print(`${report.ok ? 'OK' : 'DIFFERS'} ${report.location}: manifest ${report.sequence}, ${report.files} files`);
        for (const p of report.missing) print(`  missing  ${p}`);
        for (const p of report.altered) print(`  altered  ${p}`);
        for (const p of report.extra) print(`  extra    ${p}`);
      }
      if (!report.ok) process.exitCode = 4;
    });

  mirror
    .command('status')
    .description("check every site of the origin's mirrors.json: up or down, latency, fresh or how far behind")
    .argument('<origin>', 'the origin site URL or export directory')
    .requiredOption('--key <fingerprint>', 'the collection key fingerprint to trust')
    .option('--save', 'keep the result in the archive: the live site and the next export show it at /status')
    .option('--json', 'print the report as JSON')
    .action(async (origin: string, options: { key: string; save?: boolean; json?: boolean }, command: Command) => {
      const report = await (await import('../mirror/mirrorStatus.js')).mirrorStatus(origin, fingerprintFlag(options.key));
      if (options.save) {
        const dir = dataDirOf(command);
        await requireDataDir(dir);
        await writeFile(join(dir.root, STATUS_FILE), `${JSON.stringify(report, null, 2)}\n`);
      }
      if (options.json) print(JSON.stringify(report, null, 2));
      else {
        print(`Origin ${report.origin}: manifest ${report.originSequence}`);
        for (const s of report.sites) {
          const state = !s.up ? 'DOWN' : s.behind === 0 ? 'fresh' : s.behind === null ? `?: ${s.problem}` : `behind by ${s.behind}`;
          print(`  ${s.name.padEnd(16)} ${s.country.padEnd(4)} ${(s.up ? `${s.latencyMs} ms` : '—').padStart(8)}  ${state}  ${s.url}`);
        }
      }
    });
}
