/**
 * Error classes for real, expected failures. Outcomes such as a malformed message are values
 * (warnings), not exceptions; these are for conditions that stop a command. The CLI turns each
 * into a one-line message and an exit code in one place (cli/main.ts).
 */

/** A problem with what the user asked for: a path that does not exist, a bad flag value. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/** A request that was understood and cannot be carried out as asked (nothing matched, it would be incomplete): exit 1. */
export class RefusedError extends Error {
  override name = 'RefusedError';
  readonly exitCode = 1;
}

/** The data directory is missing, not initialised, or of a newer format. */
export class DataDirError extends Error {
  override name = 'DataDirError';
  readonly exitCode = 3;
}

/** An error as a worker thread posts it (the class does not cross threads). */
export interface PostedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export function postedError(error: unknown): PostedError {
  const { name = 'Error', message = String(error), stack } = error as Error;
  return { name, message, ...(stack ? { stack } : {}) };
}

/** The expected errors get their class back (and so their exit code and one-line message). */
export function rebuildError({ name, message, stack }: PostedError): Error {
  if (name === 'UsageError') return new UsageError(message);
  if (name === 'RefusedError') return new RefusedError(message);
  if (name === 'DataDirError') return new DataDirError(message);
  const error = new Error(message);
  error.name = name;
  if (stack) error.stack = stack;
  return error;
}
