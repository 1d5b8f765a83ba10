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
