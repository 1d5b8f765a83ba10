import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { describeDatabase, openForTransfer, parseDatabase } from '../store/openStore.js';
import { migrateArchive } from '../store/transfer.js';
import { print } from './context.js';

/** `epistola migrate <from> <to>`: moves an archive's database between SQLite and PostgreSQL. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description("copy an archive's database to another store (SQLite ⇄ PostgreSQL), keeping every number; blobs stay where they are")
    .argument('<from>', 'sqlite://path/archive.sqlite or postgres://user@host:port/db')
    .argument('<to>', 'an empty or new database of either kind')
    .option('--json', 'print the summary as JSON')
    .action(async (fromText: string, toText: string, options: { json?: boolean }) => {
      const from = parseDatabase(fromText);
      const to = parseDatabase(toText);
      if (describeDatabase(from) === describeDatabase(to)) throw new UsageError('migrate: <from> and <to> are the same database');
      const source = await openForTransfer(from, 'read');
      try {
        const target = await openForTransfer(to, 'write');
        try {
          let shown = '';
          const summary = await migrateArchive(source.transfer(), target.transfer(), (table, rows) => {
            if (options.json || !process.stderr.isTTY) return;
            const line = `\r${table}: ${rows.toLocaleString('en-US')} rows`;
            if (line !== shown) process.stderr.write((shown = line));
          }).catch((error: Error) => {
            throw new UsageError(`migrate: ${error.message}`);
          });
          if (shown) process.stderr.write('\n');
          if (options.json) print(JSON.stringify({ from: describeDatabase(from), to: describeDatabase(to), ...summary }, null, 2));
          else {
            print(`Copied ${describeDatabase(from)} to ${describeDatabase(to)} in ${(summary.elapsedMs / 1000).toFixed(1)} s:`);
            for (const t of summary.tables) if (t.rows > 0) print(`  ${t.table.padEnd(20)} ${t.rows.toLocaleString('en-US')}`);
            print(`Use it with --database ${describeDatabase(to)} (or EPISTOLA_DATABASE; "epistola init --database" records it in the data directory).`);
          }
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
    });
}
