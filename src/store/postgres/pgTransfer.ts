import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TableTransfer } from '../transfer.js';
import { refreshTermDocs } from './termDocs.js';
import { insertMessageRows } from './pgIngest.js';
import { pgText } from './textSearch.js';

const BATCH = 2000;

/** One value in COPY's CSV format: unquoted empty is NULL, anything else quoted. */
function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return `"${String(pgText(value)).replaceAll('"', '""')}"`;
}

/**
 * Tables in and out of PostgreSQL for `epistola migrate`: rows are read through a cursor and
 * written with COPY (pg-copy-streams), messages through the insert that builds their search vectors.
 * Everything is written in one transaction on the writer's connection.
 */
export function postgresTransfer(pool: pg.Pool, writer: pg.PoolClient | null): TableTransfer {
  const db = () => {
    if (!writer) throw new Error('opened read-only');
    return writer;
  };
  return {
    async *readTable(table, columns) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await client.query(`DECLARE rows NO SCROLL CURSOR FOR SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${columns.slice(0, 2).join(', ')}`);
        for (;;) {
          const result = await client.query({ text: `FETCH ${BATCH} FROM rows`, rowMode: 'array' });
          if (result.rows.length === 0) break;
          yield result.rows as unknown[][];
        }
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
    async writeRows(table, columns, list) {
      if (table === 'messages') {
        await insertMessageRows(
          db(),
          list.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))),
        );
        return;
      }
      const copy = db().query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
      await pipeline(Readable.from(list.map((row) => `${row.map(csvValue).join(',')}\n`)), copy);
    },
    async isEmpty() {
      const r = await pool.query(
        'SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM releases) + (SELECT count(*) FROM dkim_keys) + (SELECT count(*) FROM amendments) AS n',
      );
      return Number(r.rows[0].n) === 0;
    },
    async begin() {
      await db().query('BEGIN');
    },
    async finish() {
      // Serial columns go on from the largest number copied.
      for (const [table, column] of [
        ['dkim_keys', 'id'],
        ['ingest_runs', 'id'],
      ] as const) {
        await db().query(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`);
      }
      await refreshTermDocs(db());
      await db().query('UPDATE archive_state SET version = version + 1');
      await db().query('COMMIT');
      await db().query('ANALYZE');
    },
    async rollback() {
      await db().query('ROLLBACK');
    },
    async count(table) {
      return Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    },
  };
}
