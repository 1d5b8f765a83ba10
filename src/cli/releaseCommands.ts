import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseQuery } from '../query/parseQuery.js';
import type { Release } from '../model/release.js';
import { dataDirOf, parseAt, parseId, print, readUserFile, withReader, withWriter } from './context.js';
import { loadCollectionKey } from '../publish/collectionKey.js';
import { signAmendment } from '../publish/amendments.js';
import { describeRefusal, isPublishRefusal } from '../release/publishRules.js';

/** `release create | publish | list`: numbered parts, embargoed until published. */
export function registerReleaseCommands(program: Command): void {
  const release = program.command('release').description('numbered releases ("Part 15"): only published releases are public');

  release
    .command('create')
    .description('a new release of the chosen messages that are in no release yet (embargoed until published)')
    .requiredOption('--title <title>', 'e.g. "Part 15"')
    .option('--query <query>', 'the messages a search finds (the search language)')
    .option('--ids <file>', 'a file of message numbers, one per line')
    .option('--all-remaining', 'every message that is in no release yet')
    .option('--json', 'print the release as JSON')
    .action(async (options: { title: string; query?: string; ids?: string; allRemaining?: boolean; json?: boolean }, command: Command) => {
      const chosen = [options.query !== undefined, options.ids !== undefined, options.allRemaining === true].filter(Boolean).length;
      if (chosen !== 1) throw new UsageError('choose the messages with exactly one of --query, --ids or --all-remaining');
      const ast = options.query !== undefined ? parseQuery(options.query) : null;
      const fromFile = options.ids !== undefined ? await readIds(options.ids) : null;
      await withWriter(command, async (store) => {
        const ids = ast ? await store.matchingIds(ast) : (fromFile ?? 'all-remaining');
        const selection =
          options.query !== undefined ? `query: ${options.query}` : options.ids !== undefined ? `ids from ${options.ids}` : 'all remaining messages';
        const { release: created, alreadyReleased } = await store.createRelease({ title: options.title, selection, ids });
        if (options.json) print(JSON.stringify({ ...created, alreadyReleased }, null, 2));
        else {
          print(
            `Created release ${created.number} "${created.title}": ${created.messages.toLocaleString('en-US')} messages, embargoed until "epistola release publish ${created.number}"`,
          );
          if (alreadyReleased > 0) print(`  ${alreadyReleased} chosen messages were already in an earlier release and stay there`);
        }
      });
    });

  release
    .command('publish')
    .description('make a release public now, or at a given time (until then it stays embargoed)')
    .argument('<number>', 'release number')
    .option('--at <date>', 'when it becomes public (default: now)')
    .option('--json', 'print the release as JSON')
    .action(async (numberText: string, options: { at?: string; json?: boolean }, command: Command) => {
      const number = Number(numberText);
      if (!Number.isInteger(number) || number < 1) throw new UsageError(`release number must be a whole number ≥ 1, not "${numberText}"`);
      await withWriter(command, async (store) => {
        const result = await store.publishRelease(number, parseAt(options.at) ?? new Date());
        if (isPublishRefusal(result)) {
          // With --json the refusal is said as data too (on stdout), beside the sentence and the exit code.
          if (options.json) print(JSON.stringify(result, null, 2));
          throw new UsageError(describeRefusal(result));
        }
        print(
          options.json
            ? JSON.stringify(result, null, 2)
            : `Release ${result.number} "${result.title}" ${result.published ? 'is public since' : 'becomes public at'} ${result.publishAt}`,
        );
      });
    });

  release
    .command('amend')
    .description('take published messages down (or put withdrawn ones back), with the reason, as a new signed entry of the public amendment log')
    .option('--withdraw <ids...>', 'message numbers to take down')
    .option('--restore <ids...>', 'withdrawn message numbers to put back')
    .requiredOption('--reason <text>', 'why (shown publicly with the entry: a court order, private data of a victim...)')
    .option('--json', 'print the signed entry as JSON')
    .action(async (options: { withdraw?: string[]; restore?: string[]; reason: string; json?: boolean }, command: Command) => {
      if (!options.withdraw === !options.restore) throw new UsageError('say --withdraw <ids...> or --restore <ids...> (one of them)');
      const action = options.withdraw ? 'withdraw' : 'restore';
      const ids = [...new Set((options.withdraw ?? options.restore ?? []).map(parseId))].sort((a, b) => a - b);
      if (!options.reason.trim()) throw new UsageError('--reason must say why');
      const key = await loadCollectionKey(dataDirOf(command).root);
      await withWriter(command, async (store, dir) => {
        const refs = await store.rawRefs({ ids });
        const known = new Set(refs.map((r) => r.id));
        for (const id of ids) if (!known.has(id)) throw new UsageError(`no message ${id} in ${dir.root}`);
        if (action === 'restore') for (const id of ids) if (!(await store.withdrawal(id))) throw new UsageError(`message ${id} is not withdrawn`);
        const signed = await store.appendAmendment((seq, previous) =>
          signAmendment(key, {
            seq,
            action,
            messages: ids,
            reason: options.reason.trim(),
            at: new Date().toISOString(),
            previous,
            sha256: Object.fromEntries(refs.map((r) => [String(r.id), r.sha256])),
            ...(action === 'restore' ? { restores: 'withdrawal' as const } : {}),
          }),
        );
        print(
          options.json
            ? JSON.stringify(signed, null, 2)
            : `Amendment ${signed.entry.seq}: ${action === 'withdraw' ? 'withdrew' : 'restored'} ${ids.join(', ')} (${signed.entry.reason}); signed, shown at /amendments. Export again so mirrors follow.`,
        );
      });
    });

  release
    .command('list')
    .description('every release: number, title, messages, embargoed or public since when')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withReader(command, async (store) => {
        const releases = await store.releases();
        if (options.json) print(JSON.stringify(releases, null, 2));
        else if (releases.length === 0) print('No releases yet: "epistola release create --title ... --query ..."');
        else for (const r of releases) print(releaseLine(r));
      });
    });
}

function releaseLine(r: Release): string {
  const state = r.published ? `public since ${r.publishAt}` : r.publishAt ? `embargoed until ${r.publishAt}` : 'embargoed';
  return `${String(r.number).padStart(4)}  ${r.title}  (${r.messages.toLocaleString('en-US')} messages, ${state}; ${r.selection})`;
}

async function readIds(path: string): Promise<number[]> {
  const text = (await readUserFile(path)).toString('utf8');
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter((l) => l.line && !l.line.startsWith('#'))
    .map((l) => {
      const id = Number(l.line);
      if (!Number.isInteger(id) || id < 1) throw new UsageError(`${path}:${l.n}: "${l.line}" is not a message number`);
      return id;
    });
}
