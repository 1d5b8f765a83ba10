/**
 * What the half of the store both backends share needs of a database: rows, a statement, a write
 * transaction, and the few words the two SQLs say differently. Parameters are written `?` in the
 * shared SQL; each driver numbers them as its database wants.
 */
export type SqlRow = Record<string, unknown>;

export interface SqlDialect {
  /** `column` is one of a list of ids given as one parameter (idsParam). */
  idIn(column: string): string;
  idsParam(ids: readonly number[]): unknown;
  /** The same for a list of strings (textsParam). */
  textIn(column: string): string;
  textsParam(values: readonly string[]): unknown;
}

export interface SqlDriver {
  all<T = SqlRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  /**
   * `work` as one write transaction, on this driver's connection (PostgreSQL: the writer's, which
   * also bumps the archive's version and tells the readers). Throws when the store was opened read-only.
   */
  write<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>;
  readonly dialect: SqlDialect;
}

/** The first row, or undefined. */
export async function one<T = SqlRow>(d: SqlDriver, sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
  return (await d.all<T>(sql, params))[0];
}
