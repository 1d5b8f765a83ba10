import { Command, CommanderError, Option } from 'commander';
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import {
  ABOUT_FIELDS,
  acquireWriteLock,
  initDataDir,
  requireDataDir,
  resolveDataDir,
  updateCollection,
  type CollectionConfig,
  type DataDir,
} from '../config/dataDir.js';
import { databaseOf, dataDirOf, parseId, print, withReader } from './context.js';
import { registerCommandModules } from './commandModules.js';
import { DataDirError, RefusedError, UsageError } from '../errors.js';
import { describeDatabase, openWriter, parseDatabase, type DatabaseLocation } from '../store/openStore.js';
import { TEXT_SEARCH, type Stemming } from '../store/postgres/schema.js';
import { BlobStore } from '../store/blobStore.js';
import { chooseProgressMode, progressReporter, renderProgress } from './progressBar.js';
import { formatIngestSummary, formatStats } from './summary.js';
import { formatMessage } from './showMessage.js';
import { formatThread } from './threadTree.js';
import { formatSearch, messageLine } from './searchResults.js';
import { suggestionFor } from '../search/suggestions.js';
import { parseQuery } from '../query/parseQuery.js';
import { fieldsHelp } from '../query/fields.js';
import type { SearchSort } from '../model/search.js';

interface SearchFlags {
  sort: SearchSort;
  limit: string;
  cursor?: string;
  facets?: boolean;
  allFacets?: boolean;
  json?: boolean;
  helpQuery?: boolean;
}

interface IngestFlags {
  json?: boolean;
  progress?: string;
  workers?: string;
  subjectThreading?: boolean;
  verify?: boolean;
  extract?: boolean;
  ocr?: boolean;
}

async function runIngest(dir: DataDir, database: (config: CollectionConfig) => DatabaseLocation, paths: string[], options: IngestFlags): Promise<number> {
  // Paths are checked before anything is created, so a typo leaves no half-made archive behind.
  // The ingest stages (MIME parser, DKIM verifier) are loaded on the ingest thread: a search need not pay for them.
  const [{ expandSources }, { ingestInWorker }] = await Promise.all([import('../ingest/sources.js'), import('../pipeline/ingestInWorker.js')]);
  const sources = await expandSources(paths);
  const workers = options.workers ? Number(options.workers) : undefined;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1))
    throw new UsageError(`--workers must be a whole number ≥ 1, not ${options.workers}`);
  await initDataDir(dir);
  const unlock = await acquireWriteLock(dir);
  const reporter = progressReporter(chooseProgressMode(options.progress, options.json ?? false), process.stderr, renderProgress, (p) => p.stage);
  try {
    const location = database(await requireDataDir(dir));
    // Opened here first so that a wrong database or an old schema is reported (and upgraded) before
    // the ingest thread starts; its size sizes that thread's heap.
    const store = await openWriter(location);
    const messages = await store.messageCount().finally(() => store.close());
    const incomingBytes = sources.sources.reduce((sum, source) => sum + source.size, 0);
    const summary = await ingestInWorker(
      {
        dataDir: dir.root,
        database: location,
        sources,
        workers,
        subjectThreading: options.subjectThreading ?? true,
        verify: options.verify ?? true,
        expectedMessages: messages + Math.ceil(incomingBytes / BYTES_PER_MESSAGE_AT_LEAST),
      },
      reporter.update,
    );
    reporter.end();
    // The mail is searchable now; then the text of its attachments (PDFs, Office files, scans) is read.
    const extraction = options.extract === false ? null : await extractAfterIngest(dir, location, options);
    print(
      options.json
        ? JSON.stringify(extraction ? { ...summary, extraction } : summary, null, 2)
        : `${formatIngestSummary(summary)}${extraction ? `\n${(await import('./extractCommand.js')).formatExtractSummary(extraction)}` : ''}`,
    );
    return 0;
  } finally {
    reporter.end();
    await unlock();
  }
}

async function extractAfterIngest(dir: DataDir, location: DatabaseLocation, options: IngestFlags) {
  const { extractAttachments } = await import('./extractCommand.js');
  const store = await openWriter(location);
  try {
    const summary = await extractAttachments(store, dir.root, { ocr: options.ocr, json: options.json, progress: options.progress });
    if (summary.documents > 0) await store.refreshStatistics();
    return summary;
  } finally {
    await store.close();
  }
}

/** Few messages are smaller: the incoming bytes over this bound how many messages an ingest adds. */
const BYTES_PER_MESSAGE_AT_LEAST = 1024;

/** The version in package.json (read once, when asked for: two levels up from dist/src/cli). */
function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function buildProgram(): Command {
  const program = new Command();
  program
    .name('epistola')
    .description('Publish large email collections as an archive anyone can search, read, verify and mirror.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--data <dir>', 'data directory (default: $EPISTOLA_DATA or ./epistola-data)')
    .option(
      '--database <url>',
      'where metadata and the search index live: postgres://user@host:port/db, or an SQLite file (default: $EPISTOLA_DATABASE, else what init recorded, else <data>/archive.sqlite)',
    )
    .showHelpAfterError('(run "epistola --help" for usage)')
    .exitOverride();

  program
    .command('init')
    .description('create an empty archive in a data directory')
    .argument('[dir]', 'data directory (overrides --data)')
    .option('--title <title>', 'collection title', 'Untitled collection')
    .addOption(new Option('--stemming <language>', 'PostgreSQL only: fold word endings in the search index').choices(Object.keys(TEXT_SEARCH)).default('none'))
    .action(async (dirArg: string | undefined, options: { title: string; stemming: Stemming }, command: Command) => {
      const dir = dirArg ? resolveDataDir(dirArg) : dataDirOf(command);
      const given = (command.optsWithGlobals() as { database?: string }).database;
      const location = given ? parseDatabase(given) : undefined;
      const created = await initDataDir(dir, options.title, location?.kind === 'postgres' ? describeDatabase(location) : undefined);
      const store = await openWriter(location ?? databaseOf(command, dir, await requireDataDir(dir)), { stemming: options.stemming });
      await store.close();
      const where = location ? ` (database ${describeDatabase(location)})` : '';
      print(
        created
          ? `Initialised an empty archive in ${dir.root}${where}`
          : `${dir.root} already holds an archive; nothing changed${where ? `; its database is now ${describeDatabase(location!)}` : ''}`,
      );
    });

  program
    .command('config')
    .description('the collection title and what readers are told of it (home and about pages); without options, prints them')
    .option('--title <title>', 'collection title')
    .option('--description <text>', 'what the collection is, in a sentence or two')
    .option('--publisher <name>', 'who publishes it')
    .option('--source <text>', 'where the mail came from')
    .option('--licence <text>', 'the terms it is published under')
    .option('--contact <address>', 'how to reach the publisher (an e-mail address or a URL)')
    .option('--json', 'print as JSON')
    .action(async (options: Partial<Record<(typeof ABOUT_FIELDS)[number] | 'title', string>> & { json?: boolean }, command: Command) => {
      const dir = dataDirOf(command);
      const given = [...ABOUT_FIELDS, 'title' as const].some((f) => options[f] !== undefined);
      if (options.title !== undefined && options.title.trim() === '') throw new UsageError('--title cannot be empty');
      const config = given
        ? await updateCollection(dir, { title: options.title, about: Object.fromEntries(ABOUT_FIELDS.map((f) => [f, options[f]])) })
        : await requireDataDir(dir);
      if (options.json) return print(JSON.stringify({ title: config.title, about: config.about ?? {} }, null, 2));
      print(`title: ${config.title}`);
      for (const f of ABOUT_FIELDS) print(`${f}: ${config.about?.[f] ?? '(not set)'}`);
      if (given) print('Serve or export again to show it (a running server reads it when it starts).');
    });

  program
    .command('ingest')
    .description('add mail to the archive: mbox (also .gz), Maildir/Maildir++, .eml files or trees of them')
    .argument('<path...>', 'files or directories')
    .option('--json', 'print the summary as JSON')
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'json', 'none']).default('auto'))
    .option('--workers <n>', 'parser threads (default: one per core)')
    .option('--no-subject-threading', 'thread by References/In-Reply-To only, never by subject')
    .option('--no-verify', 'do not check DKIM/ARC while ingesting (run "epistola verify --all" later)')
    .option('--no-extract', 'do not read the text of attachments afterwards (run "epistola extract" later)')
    .option('--no-ocr', 'read attachments, but not images and scanned pages (OCR)')
    .action(async (paths: string[], options: IngestFlags, command: Command) => {
      const dir = dataDirOf(command);
      process.exitCode = await runIngest(dir, (config) => databaseOf(command, dir, config), paths, options);
    });

  program
    .command('stats')
    .description('figures about the archive')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withReader(command, async (store, dir, title) => {
        const stats = await store.stats();
        print(options.json ? JSON.stringify({ title, ...stats }, null, 2) : formatStats(stats, `${title} (${dir.root})`));
      });
    });

  program
    .command('show')
    .description('print one message by its number')
    .argument('<id>', 'message number')
    .option('--raw', 'write the exact stored bytes (as received)')
    .option('--json', 'print the parsed message as JSON')
    .action(async (idText: string, options: { raw?: boolean; json?: boolean }, command: Command) => {
      await withReader(command, async (store, dir) => {
        const message = await store.getMessage(parseId(idText));
        if (!message) throw new UsageError(`no message ${idText} in ${dir.root}`);
        if (options.raw) {
          const bytes = await new BlobStore(dir.root).read(message.sha256);
          await new Promise<void>((done, fail) => process.stdout.write(bytes, (error) => (error ? fail(error) : done())));
        } else print(options.json ? JSON.stringify(message, null, 2) : formatMessage(message));
      });
    });

  program
    .command('thread')
    .description('print the thread of a message as an indented tree (how each link is known is shown)')
    .argument('<id>', 'message number')
    .option('--json', 'print the thread messages as JSON')
    .action(async (idText: string, options: { json?: boolean }, command: Command) => {
      await withReader(command, async (store, dir) => {
        const message = await store.getMessage(parseId(idText));
        if (!message) throw new UsageError(`no message ${idText} in ${dir.root}`);
        const messages = message.threadId !== null ? await store.thread(message.threadId) : [];
        print(options.json ? JSON.stringify({ threadId: message.threadId, messages }, null, 2) : formatThread(messages, message.id));
      });
    });

  program
    .command('search')
    .description('search the archive (run "epistola search --help-query" for the language)')
    .argument('[query]', "e.g. 'from:@example.org budget after:2015 -draft'")
    .addOption(new Option('--sort <order>', 'result order').choices(['relevance', 'date']).default('relevance'))
    .option('--limit <n>', 'results per page', '20')
    .option('--cursor <cursor>', 'the next page (printed at the end of a page)')
    .option('--facets', 'counts over all results: senders, recipients, months, folders, releases, DKIM, attachment types, languages')
    .option('--all-facets', 'every value of every facet (with --facets or --json; otherwise the first 10 of the long ones)')
    .option('--json', 'print as JSON (facets included)')
    .option('--help-query', 'explain the search language')
    .action(async (query: string | undefined, options: SearchFlags, command: Command) => {
      if (options.helpQuery || query === undefined) {
        print(fieldsHelp());
        return;
      }
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000, not ${options.limit}`);
      const ast = parseQuery(query);
      await withReader(command, async (store) => {
        const result = await store.search(ast, {
          sort: options.sort,
          limit,
          cursor: options.cursor ?? null,
          facets: options.allFacets ? 'all' : options.facets || options.json,
        });
        // A query that finds nothing may be a typing slip: the nearest query that finds something.
        const suggestion = result.total === 0 && !options.cursor ? await suggestionFor(store, query, ast) : null;
        print(
          options.json
            ? JSON.stringify({ ...result, suggestion }, null, 2)
            : formatSearch(result, { color: process.stdout.isTTY === true, allFacets: options.allFacets, suggestion }),
        );
      });
    });

  program
    .command('related')
    .description('messages most similar in content to one message, outside its thread ("read also")')
    .argument('<id>', 'message number')
    .option('--limit <n>', 'how many', '10')
    .option('--json', 'print as JSON')
    .action(async (idText: string, options: { limit: string; json?: boolean }, command: Command) => {
      await withReader(command, async (store, dir) => {
        const id = parseId(idText);
        if (!(await store.getMessage(id))) throw new UsageError(`no message ${idText} in ${dir.root}`);
        const related = await store.related(id, Math.max(1, Number(options.limit) || 10));
        print(options.json ? JSON.stringify(related, null, 2) : related.map(messageLine).join('\n') || '(nothing similar)');
      });
    });

  program
    .command('demo')
    .description('write the demo collection (a fictional harbour authority) and optionally ingest it')
    .option('--out <dir>', 'where to write the demo mail (default: <data>/demo-mail)')
    .option('--count <n>', 'number of messages', '3000')
    .option('--seed <n>', 'random seed (same seed, same bytes)', '1')
    .option('--maildir-only', 'write every message into the Maildir (no mbox files), e.g. for benchmarks')
    .option('--ingest', 'ingest it into the data directory afterwards')
    .option('--serve', 'then serve the archive (with --ingest; what npm start does)')
    .option('--port <n>', 'port for --serve', '8080')
    .action(
      async (
        options: { out?: string; count: string; seed: string; maildirOnly?: boolean; ingest?: boolean; serve?: boolean; port: string },
        command: Command,
      ) => {
        const dir = dataDirOf(command);
        const count = Number(options.count);
        const seed = Number(options.seed);
        if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count must be a whole number ≥ 1, not ${options.count}`);
        if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, not ${options.seed}`);
        const outDir = resolve(options.out ?? join(dir.root, 'demo-mail'));
        const { generateDemo } = await import('../demo/generateDemo.js');
        const result = await generateDemo({ outDir, count, seed, maildirOnly: options.maildirOnly ?? false });
        print(`${result.reused ? 'Reusing' : 'Wrote'} ${result.messages.toLocaleString('en-US')} demo messages in ${outDir}`);
        if (options.ingest) {
          // The demo's key archive goes in first, so the ingest verifies every signature.
          await initDataDir(dir, 'Meridian Port Authority — demo collection');
          const database = databaseOf(command, dir, await requireDataDir(dir));
          const store = await openWriter(database);
          const { parseKeyFile } = await import('../verify/keyFile.js');
          const keys = parseKeyFile(await readFile(result.keyFile, 'utf8'), { source: 'demo', seen: '2016-12-31' });
          const imported = await store.addKeyRecords(keys.records).finally(() => store.close());
          if (imported.added > 0) print(`Imported the demo domains' ${imported.added} DKIM key records`);
          process.exitCode = await runIngest(dir, () => database, [...result.paths], { progress: 'auto' });
          const writer = await openWriter(database);
          const { createDemoReleases } = await import('../demo/demoReleases.js');
          const releases = await createDemoReleases(writer, new Date()).finally(() => writer.close());
          if (releases.length > 0) print(`Releases: ${releases.join(', ')}`);
          const cli = `npm exec -- epistola --data ${dir.root}`;
          print(
            `\nTry:  ${cli} stats\n      ${cli} search 'équatorien after:2015' --facets\n      ${cli} show 1\n      ${cli} thread 1\n      ${cli} verify 1`,
          );
          if (options.serve && process.exitCode === 0)
            await (
              await import('./serveCommand.js')
            ).serveArchive(dir, database, { port: options.port, host: '127.0.0.1', rateLimit: '300', searchBudget: '400' });
        }
      },
    );
  return program;
}

/** Runs the CLI; returns the exit code. Errors become one line on stderr here, and only here. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await registerCommandModules(program, argv);
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError || error instanceof DataDirError || error instanceof RefusedError) {
      process.stderr.write(`epistola: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`epistola: internal error (please report it): ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
