import type { Command } from 'commander';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireDataDir } from '../config/dataDir.js';
import { UsageError } from '../errors.js';
import { loadCollectionKey } from '../publish/collectionKey.js';
import type { MirrorSite } from '../publish/manifest.js';
import { openReader } from '../store/openStore.js';
import { databaseOf, dataDirOf, print } from './context.js';
import { chooseProgressMode, progressReporter, renderCountProgress } from './progressBar.js';

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'static');
/** Where `mirror status --save` keeps the last check, for the live site and the next export. */
export const STATUS_FILE = 'status.json';
/** Where the reachability cells' states and changes are kept between checks (mirror/reachability.ts). */
const HISTORY_FILE = 'status-history.json';

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
      const parent = await stat(dirname(resolve(out))).catch(() => null);
      if (!parent?.isDirectory()) throw new UsageError(`cannot export to ${resolve(out)}: ${dirname(resolve(out))} is not a directory`);
      const key = await loadCollectionKey(dir.root);
      const mirrors = JSON.parse((await readFile(join(dir.root, 'mirrors.json'), 'utf8').catch(() => '[]')) || '[]') as MirrorSite[];
      const database = databaseOf(command, dir, config);
      const store = await openReader(database, { audience: 'public' });
      const bar = countBar(options.json ?? false, 'messages');
      try {
        // The export's own thread sizes its heap by the archive (exportInWorker.ts).
        const { exportInWorker } = await import('../publish/exportInWorker.js');
        const summary = await exportInWorker(
          {
            database,
            dataRoot: dir.root,
            messages: (await store.stats()).messages,
            collection: config.title,
            ...(config.about ? { about: config.about } : {}),
            outDir: resolve(out),
            baseUrl: options.baseUrl.replace(/\/+$/, ''),
            mirrors,
            staticDir: STATIC_DIR,
            status: JSON.parse((await readFile(join(dir.root, STATUS_FILE), 'utf8').catch(() => 'null')) || 'null'),
          },
          (done, total) => bar.update({ done, total }),
        );
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
          if (summary.damagedParts.length > 0)
            print(
              `  the previous copy had lost or altered ${summary.damagedParts.length} part(s) of its file list (${summary.damagedParts.slice(0, 5).join(', ')}${summary.damagedParts.length > 5 ? ', …' : ''}): their pages were made again`,
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
    .command('observer-key')
    .description('make (or show) the key a mirror signs its observations with; the publisher pins its public half in mirrors.json ("observer")')
    .argument('<file>', 'the private key file (created when missing, mode 0600)')
    .option('--json', 'print the public key and fingerprint as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const key = await (await import('../mirror/observations.js')).ensureObserverKey(resolve(file));
      if (options.json) print(JSON.stringify({ file: resolve(file), created: key.created, fingerprint: key.fingerprint, publicKey: key.publicPem }, null, 2));
      else {
        print(`${key.created ? 'Created' : 'Using'} ${resolve(file)} (fingerprint ${key.fingerprint})`);
        print('Give the publisher this public key for your entry of mirrors.json, as "observer":');
        print(key.publicPem.trim());
      }
    });

  mirror
    .command('status')
    .description(
      "check every site of the origin's mirrors.json from here: up or down, latency, fresh or how far behind; publish it as an observer; gather every observer's",
    )
    .argument('<origin>', 'the origin site URL or export directory')
    .requiredOption('--key <fingerprint>', 'the collection key fingerprint to trust')
    .option('--as <site>', "check as this site of mirrors.json (its name): what --publish signs, the matrix's row for here")
    .option('--observer-key <file>', 'the key to sign this observation with (epistola mirror observer-key)')
    .option('--publish <mirror dir>', 'write the signed observation into the mirror served from <mirror dir>/current (observations/<site>.json)')
    .option('--gather', "also fetch every observer's signed observation from its site: the reachability matrix")
    .option('--save', 'keep the result in the archive: the live site and the next export show it at /status, its changes in /status/feed.atom')
    .option('--every <minutes>', 'check again every so many minutes, until stopped (a schedule without cron)')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        origin: string,
        options: { key: string; as?: string; observerKey?: string; publish?: string; gather?: boolean; save?: boolean; every?: string; json?: boolean },
        command: Command,
      ) => {
        if (options.publish && (!options.as || !options.observerKey)) throw new UsageError('--publish needs --as <site> and --observer-key <file>');
        const every = options.every === undefined ? null : Number(options.every);
        if (every !== null && !(every > 0)) throw new UsageError('--every takes a number of minutes, more than 0');
        const { checkMirrors } = await import('../mirror/mirrorStatus.js');
        const observations = await import('../mirror/observations.js');
        const { reachability, EMPTY_HISTORY } = await import('../mirror/reachability.js');
        const { openOrigin } = await import('../mirror/origin.js');
        for (;;) {
          const { report, listed } = await checkMirrors(origin, fingerprintFlag(options.key));
          const self = options.as ? listed.find((s) => s.name === options.as) : undefined;
          if (options.as && !self)
            throw new UsageError(`--as ${options.as}: no site of that name in the origin's mirrors.json (${listed.map((s) => s.name).join(', ')})`);
          let published: string | null = null;
          if (options.publish) {
            const key = await observations.ensureObserverKey(resolve(options.observerKey!));
            if (
              self?.observer &&
              (await import('../publish/collectionKey.js')).fingerprintOf((await import('node:crypto')).createPublicKey(self.observer)) !== key.fingerprint
            ) {
              throw new UsageError(`${options.observerKey} is not the observer key mirrors.json pins for ${options.as}: readers would refuse what it signs`);
            }
            published = await observations.publishObservation(
              join(resolve(options.publish), 'current'),
              observations.observationOf(options.as!, report),
              key.privateKey,
            );
          }
          const rows = options.gather || options.save ? await observations.gatherObservations(listed, openOrigin) : [];
          const here = { name: options.as ?? 'origin', country: self?.country ?? '' };
          let matrix: unknown = undefined;
          if (options.save) {
            const dir = dataDirOf(command);
            await requireDataDir(dir);
            const historyPath = join(dir.root, HISTORY_FILE);
            const history = JSON.parse((await readFile(historyPath, 'utf8').catch(() => 'null')) || 'null') ?? EMPTY_HISTORY;
            const next = reachability(here, report, rows, history);
            matrix = next.matrix;
            await writeFile(historyPath, `${JSON.stringify(next.history)}\n`);
            await writeFile(
              join(dir.root, STATUS_FILE),
              `${JSON.stringify({ ...report, observer: here.name, matrix: next.matrix, events: next.history.events }, null, 2)}\n`,
            );
          } else if (options.gather) matrix = reachability(here, report, rows, EMPTY_HISTORY).matrix;
          if (options.json) print(JSON.stringify({ ...report, ...(published ? { published } : {}), ...(matrix ? { matrix } : {}) }, null, 2));
          else {
            print(`Origin ${report.origin}: manifest ${report.originSequence}, seen from ${here.name}`);
            for (const s of report.sites) {
              const state = !s.up ? 'DOWN' : s.behind === 0 ? 'fresh' : s.behind === null ? `?: ${s.problem}` : `behind by ${s.behind}`;
              print(`  ${s.name.padEnd(16)} ${s.country.padEnd(4)} ${(s.up ? `${s.latencyMs} ms` : '—').padStart(8)}  ${state}  ${s.url}`);
            }
            if (published) print(`  observation signed and published: ${published}`);
            for (const r of rows) {
              if (!r.observation) print(`  seen from ${r.observer}: ${r.problem}`);
              else
                print(
                  `  seen from ${r.observer} (${r.observation.checkedAt}): ${r.observation.sites.map((s) => `${s.name} ${!s.up ? 'DOWN' : s.behind === 0 ? 'fresh' : `behind ${s.behind ?? '?'}`}`).join(', ')}`,
                );
            }
          }
          if (every === null) break;
          await new Promise((done) => setTimeout(done, every * 60_000));
        }
      },
    );
}
