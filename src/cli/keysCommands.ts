import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { BlobStore } from '../store/blobStore.js';
import type { ArchiveWriter } from '../store/archiveStore.js';
import { formatKeyFile, parseKeyFile } from '../verify/keyFile.js';
import { keyFacts, type KeyRecord } from '../verify/keyRecord.js';
import type { ReverifySummary } from '../verify/reverify.js';
import { parseId, print, readUserFile, withReader, withWriter } from './context.js';

/** `keys import | fetch | list | export`: the DKIM key archive. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('the DKIM key archive: every key record seen, with where and when');

  keys
    .command('import')
    .description('add key records from files: zone style (name TXT "v=DKIM1; ...") or JSON lines')
    .argument('<file...>', 'key files')
    .option('--source <text>', 'where the records come from (default: "file <name>")')
    .option('--seen <date>', 'when they were seen there, for records the file does not date (default: today)')
    .option('--no-verify', 'do not re-check the messages signed with the imported keys')
    .option('--json', 'print the outcome as JSON')
    .action(async (files: string[], options: { source?: string; seen?: string; verify?: boolean; json?: boolean }, command: Command) => {
      if (options.seen !== undefined && Number.isNaN(Date.parse(options.seen)))
        throw new UsageError(`--seen must be a date like 2016-10-07, not "${options.seen}"`);
      const parsed = await Promise.all(
        files.map(async (file) => {
          const text = (await readUserFile(file)).toString('utf8');
          const result = parseKeyFile(text, {
            source: options.source ?? `file ${basename(file)}`,
            seen: options.seen ?? new Date().toISOString().slice(0, 10),
          });
          return { file, ...result };
        }),
      );
      const records = parsed.flatMap((p) => p.records);
      const problems = parsed.flatMap((p) => p.problems.map((problem) => ({ file: p.file, ...problem })));
      await withWriter(command, async (store, dir) => {
        const outcome = await store.addKeyRecords(records);
        const rechecked = options.verify === false ? null : await recheck(store, new BlobStore(dir.root), records);
        if (options.json) {
          print(JSON.stringify({ read: records.length, ...outcome, problems, rechecked }, null, 2));
          return;
        }
        print(
          `Imported ${records.length} key record${records.length === 1 ? '' : 's'}: ${outcome.added} new, ${outcome.sightings} new sighting${outcome.sightings === 1 ? '' : 's'}`,
        );
        for (const p of problems) print(`  skipped ${p.file}:${p.line}: ${p.reason}`);
        if (rechecked) print(recheckLine(rechecked));
      });
    });

  keys
    .command('recover')
    .description('recover missing RSA keys from the signatures they made (the GCD method, in GMP) and verify their messages again')
    .option('--domain <domain>', 'only keys of this signing domain (d=)')
    .option('--selector <selector>', 'only keys of this selector (s=)')
    .option('--samples <n>', 'signatures read per key (more: more confirmations, and more chances when headers were changed)', '12')
    .option('--min-messages <n>', 'only keys that signed at least this many messages (the most useful first: each key takes about a minute)', '2')
    .option('--jobs <n>', 'keys recovered at the same time (one is fastest on a shared machine: two GCDs at once took 2.6× longer, measured)', '1')
    .option('--json', 'print the outcome as JSON')
    .action(async (options: RecoverOptions, command: Command) => recoverKeys(command, options));

  keys
    .command('fetch')
    .description('ask DNS for the keys that signatures in the archive name and the archive lacks')
    .option('--resolver <host:port>', 'DNS server to ask (default: the system resolver)')
    .option('--timeout <ms>', 'per query', '3000')
    .option('--json', 'print the outcome as JSON')
    .action(async (options: { resolver?: string; timeout: string; json?: boolean }, command: Command) => {
      if (options.resolver !== undefined && !/^(\[[0-9a-f:]+\]|[0-9.]+|[0-9a-f:]+)(:\d+)?$/i.test(options.resolver)) {
        throw new UsageError(`--resolver must be an IP address with an optional port, like 127.0.0.1:5353, not "${options.resolver}"`);
      }
      await withWriter(command, async (store, dir) => {
        const missing = await store.missingKeys();
        const { fetchKeys } = await import('../verify/fetchKeys.js');
        const outcomes = await fetchKeys(
          missing.map((m) => m.name),
          { server: options.resolver, timeoutMs: Number(options.timeout) || 3000 },
        );
        const found = outcomes.flatMap((o) => o.records);
        const added = await store.addKeyRecords(found);
        const rechecked = found.length > 0 ? await recheck(store, new BlobStore(dir.root), found) : null;
        if (options.json) {
          print(JSON.stringify({ asked: outcomes.length, ...added, outcomes, rechecked }, null, 2));
          return;
        }
        print(`Asked DNS for ${outcomes.length} missing key${outcomes.length === 1 ? '' : 's'}: ${outcomes.filter((o) => o.status === 'found').length} found`);
        for (const o of outcomes) print(`  ${o.status.padEnd(8)} ${o.name}${o.detail ? `  (${o.detail})` : ''}`);
        if (rechecked) print(recheckLine(rechecked));
      });
    });

  keys
    .command('list')
    .description('the archived key records: type, size, when and where seen, messages signed')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withReader(command, async (store) => {
        const uses = new Map((await store.keyUses()).map((u) => [u.name, u.messages]));
        const rows = (await store.keyRecords()).map((key) => ({ ...key, facts: keyFacts(key), messages: uses.get(key.name) ?? 0 }));
        if (options.json) {
          print(JSON.stringify(rows, null, 2));
          return;
        }
        if (rows.length === 0) print('The key archive is empty: "epistola keys import <file>" or "epistola keys fetch".');
        for (const r of rows) {
          const f = r.facts;
          const what = f.revoked ? 'REVOKED (empty p=)' : f.problem ? `UNUSABLE: ${f.problem}` : `${f.type}${f.bits ? ` ${f.bits}-bit` : ''}`;
          print(
            `${r.name}\n  ${what}; seen ${f.firstSeen ?? '?'} to ${f.lastSeen ?? '?'} (${[...new Set(r.sightings.map((s) => s.source))].join(', ')}); signs ${r.messages} message${r.messages === 1 ? '' : 's'}`,
          );
        }
      });
    });

  keys
    .command('export')
    .description('write the key records (all, or those one message was checked with) for verify-file or any verifier')
    .option('--for <id>', 'only the keys used by this message')
    .option('--json', 'JSON lines instead of zone style')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action(async (options: { for?: string; json?: boolean; out?: string }, command: Command) => {
      await withReader(command, async (store, dir) => {
        let records: KeyRecord[] = await store.keyRecords();
        if (options.for !== undefined) {
          const id = parseId(options.for);
          const report = await store.verification(id);
          if (!report) throw new UsageError(`message ${id} is not in ${dir.root} or was never verified`);
          const used = new Set(report.signatures.flatMap((s) => (s.key ? [`${s.key.name}\n${s.key.record}`] : [])));
          records = records.filter((r) => used.has(`${r.name}\n${r.record}`));
        }
        const text = options.json ? records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '') : formatKeyFile(records);
        if (options.out) {
          await writeFile(resolve(options.out), text);
          print(`Wrote ${records.length} key record${records.length === 1 ? '' : 's'} to ${options.out}`);
        } else process.stdout.write(text);
      });
    });
}

/** Verifies again the messages signed with these keys: a new key changes their verdicts. */
interface RecoverOptions {
  domain?: string;
  selector?: string;
  minMessages: string;
  samples: string;
  jobs: string;
  json?: boolean;
}

/**
 * `keys recover`: for each missing RSA key, its public modulus from two or more signatures (GCD in
 * GMP), checked against further signatures, archived with its provenance; then the messages it
 * signed are verified again. Keys run `--jobs` at a time (each GCD is one core for a minute at 2048 bits).
 */
async function recoverKeys(command: Command, options: RecoverOptions): Promise<void> {
  const jobs = Number(options.jobs);
  const perKey = Number(options.samples);
  const fewest = Number(options.minMessages);
  if (!Number.isInteger(jobs) || jobs < 1 || !Number.isInteger(perKey) || perKey < 2 || !Number.isInteger(fewest) || fewest < 2)
    throw new UsageError('--jobs takes 1 or more, --samples and --min-messages 2 or more');
  const { samplesOf, recoverKey } = await import('../verify/keyRecovery.js');
  await withWriter(command, async (store, dir) => {
    const blobs = new BlobStore(dir.root);
    const wanted = (await store.missingKeys()).filter((k) => {
      const [selector, domain] = k.name.split('._domainkey.');
      return (
        k.messages >= fewest &&
        (!options.domain || domain === options.domain.toLowerCase()) &&
        (!options.selector || selector === options.selector.toLowerCase())
      );
    });
    const today = new Date().toISOString().slice(0, 10);
    const log = (line: string) => {
      if (!options.json) process.stderr.write(`${line}\n`);
    };
    const attempts: Awaited<ReturnType<typeof recoverKey>>[] = [];
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) {
        const { name } = wanted[next++]!;
        const ids = await store.messagesSignedWith([name]);
        const samples = [];
        for (const ref of await store.rawRefs({ ids: ids.slice(0, perKey) }))
          samples.push(...(await samplesOf(ref.id, await blobs.read(ref.original), new Set([name]))));
        const attempt = await recoverKey(name, samples, { today, onProgress: log });
        attempts.push(attempt);
        log(
          attempt.recovered
            ? `${name}: recovered (${attempt.recovered.bits}-bit), ${attempt.recovered.elapsedMs} ms`
            : `${name}: not recovered: ${attempt.reason}`,
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, wanted.length) }, worker));
    const records = attempts.flatMap((a) => (a.recovered ? [a.recovered.record] : []));
    if (records.length > 0) await store.addKeyRecords(records);
    const rechecked = records.length > 0 ? await recheck(store, blobs, records) : null;
    if (options.json) {
      print(JSON.stringify({ missing: wanted.length, attempts, rechecked }, null, 2));
      return;
    }
    print(`${wanted.length} missing key${wanted.length === 1 ? '' : 's'}; recovered ${records.length}.`);
    for (const a of attempts)
      print(
        a.recovered
          ? `  ${a.name}: ${a.recovered.bits}-bit RSA from messages ${a.recovered.from.map((m) => `#${m}`).join(', ')}, confirmed by ${a.recovered.confirmedBy.length} more signature${a.recovered.confirmedBy.length === 1 ? '' : 's'}`
          : `  ${a.name}: not recovered (${a.reason})`,
      );
    if (records.length > 0) {
      print('A recovered key proves that these messages were signed by one and the same key. That it is the');
      print("domain's key rests on the messages it verifies; it was never seen in the domain's DNS by this archive.");
    }
    if (rechecked) print(recheckLine(rechecked));
  });
}

async function recheck(store: ArchiveWriter, blobs: BlobStore, records: readonly KeyRecord[]): Promise<ReverifySummary> {
  const ids = await store.messagesSignedWith([...new Set(records.map((r) => r.name))]);
  // The verifier (mailauth) is loaded only when messages are checked again.
  return (await import('../verify/reverify.js')).reverify(store, blobs, ids);
}

function recheckLine(s: ReverifySummary): string {
  if (s.messages === 0) return 'No archived message is signed with these keys yet.';
  const verdicts = Object.entries(s.verdicts)
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
  return `Checked again ${s.messages} message${s.messages === 1 ? '' : 's'} signed with them: ${s.changed} changed verdict (${verdicts})`;
}
