import type Database from 'better-sqlite3';
import type { SqlDialect, SqlDriver } from '../sql/driver.js';

const dialect: SqlDialect = {
  idIn: (column) => `${column} IN (SELECT value FROM json_each(?))`,
  idsParam: (ids) => JSON.stringify(ids),
  textIn: (column) => `${column} IN (SELECT value FROM json_each(?))`,
  textsParam: (values) => JSON.stringify(values),
};

/**
 * The shared store half's driver over a better-sqlite3 connection. A write is BEGIN IMMEDIATE …
 * COMMIT around the work: its awaits run nothing else on this connection (one writer holds the
 * data directory's lock), so it is one transaction as db.transaction() makes.
 */
export function sqliteDriver(db: Database.Database): SqlDriver {
  const driver: SqlDriver = {
    all: async <T>(sql: string, params: readonly unknown[] = []) => db.prepare(sql).all(...params) as T[],
    run: async (sql, params = []) => {
      db.prepare(sql).run(...params);
    },
    write: async (work) => {
      if (db.readonly) throw new Error('this SQLite store was opened read-only');
      if (db.inTransaction) return work(driver);
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(driver);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    dialect,
  };
  return driver;
}
