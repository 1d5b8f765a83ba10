import type pg from 'pg';
import type { SqlDialect, SqlDriver } from '../sql/driver.js';

const dialect: SqlDialect = {
  idIn: (column) => `${column} = ANY(?::bigint[])`,
  idsParam: (ids) => [...ids],
  textIn: (column) => `${column} = ANY(?::text[])`,
  textsParam: (values) => [...values],
};

/** `?` → `$1`, `$2`… (the shared SQL has no `?` inside a string literal). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const queriesOn = (db: pg.Pool | pg.PoolClient): Pick<SqlDriver, 'all' | 'run'> => ({
  all: async <T>(sql: string, params: readonly unknown[] = []) => (await db.query(numbered(sql), [...params])).rows as T[],
  run: async (sql, params = []) => {
    await db.query(numbered(sql), [...params]);
  },
});

/**
 * The shared store half's driver over PostgreSQL: reads on `reader` (the pool), writes through
 * `write` (the store's transaction on the writer's connection, which bumps the archive's version).
 */
export function postgresDriver(reader: pg.Pool, write: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>): SqlDriver {
  return { ...queriesOn(reader), write: (work) => write((client) => work(inTransaction(client))), dialect };
}

/** Inside a write every statement goes to the transaction's connection; a write inside it joins it. */
function inTransaction(client: pg.PoolClient): SqlDriver {
  const tx: SqlDriver = { ...queriesOn(client), write: (work) => work(tx), dialect };
  return tx;
}
