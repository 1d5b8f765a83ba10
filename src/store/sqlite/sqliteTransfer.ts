import type Database from 'better-sqlite3';
import type { TableTransfer } from '../transfer.js';
import { fillQuotedLines, REFRESH_TERM_DOCS } from './schema.js';
import { refreshRankedWords } from './rankedWords.js';

const BATCH = 2000;

/**
 * Tables in and out of SQLite for `epistola migrate`, in one transaction; the full-text index
 * is rebuilt from the copied rows at the end.
 */
export function sqliteTransfer(db: Database.Database): TableTransfer {
  return {
    async *readTable(table, columns) {
      const statement = db.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${columns.slice(0, 2).join(', ')}`).raw();
      let batch: unknown[][] = [];
      for (const row of statement.iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length === BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async writeRows(table, columns, rows) {
      // messages.search_addresses (schema 1) is no longer used but still NOT NULL.
      const extra = table === 'messages' ? ', search_addresses' : '';
      const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}${extra}) VALUES (${columns.map(() => '?').join(', ')}${extra ? ", ''" : ''})`);
      for (const row of rows) insert.run(...row);
    },
    async isEmpty() {
      return (
        (db
          .prepare(
            'SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM releases) + (SELECT count(*) FROM dkim_keys) + (SELECT count(*) FROM amendments)',
          )
          .pluck()
          .get() as number) === 0
      );
    },
    async begin() {
      db.exec('BEGIN IMMEDIATE');
    },
    async finish() {
      fillQuotedLines(db);
      db.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild'); ${REFRESH_TERM_DOCS} COMMIT;`);
      refreshRankedWords(db);
    },
    async rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    async count(table) {
      return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    },
  };
}
