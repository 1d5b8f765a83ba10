import type Database from 'better-sqlite3';

/**
 * Most SQL text here is prepared again on every call. A prepared statement's compiled program
 * lives outside the JavaScript heap, so the garbage collector hardly notices it: an export of 100k
 * messages (about ten statements a message) grew to 4 GB before any was freed (measured). This
 * keeps the most recent statements by SQL text and hands them out again, modes reset (a call site
 * sets pluck/raw itself right after preparing).
 */
const CACHED_STATEMENTS = 500;

export function cacheStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (statement && !statement.busy) {
      cache.delete(sql);
      if (statement.reader) statement.raw(false).pluck(false).expand(false);
    } else {
      statement = prepare(sql);
    }
    cache.set(sql, statement);
    if (cache.size > CACHED_STATEMENTS) cache.delete(cache.keys().next().value!);
    return statement;
  }) as typeof db.prepare;
}
