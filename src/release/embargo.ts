import type { Audience } from '../model/release.js';

/**
 * The embargo rule, once: the public may see a message when it is in a release whose publication
 * time has passed and it has not been withdrawn; the publisher sees every message. Each store says
 * it in its own SQL (EmbargoSql) and the search stage keeps it as one byte per message number
 * (search/facetIndex.ts visibleTo, from the same numbers and withdrawals).
 */

/** A release's number and when it becomes public (ISO 8601, UTC; null while embargoed). */
export interface ReleaseTime {
  readonly number: number;
  readonly publishAt: string | null;
}

/** The numbers of the releases public at `now`. ISO times in UTC compare as strings. */
export function publicNumbers(times: readonly ReleaseTime[], now: Date): number[] {
  const at = now.toISOString();
  return times.filter((r) => r.publishAt !== null && r.publishAt <= at).map((r) => r.number);
}

/** When the next scheduled publication comes after `now` (ms since the epoch; Infinity: none). */
export function nextPublication(times: readonly ReleaseTime[], now: Date): number {
  const at = now.toISOString();
  const later = times.flatMap((r) => (r.publishAt !== null && r.publishAt > at ? [Date.parse(r.publishAt)] : []));
  return later.length > 0 ? Math.min(...later) : Number.POSITIVE_INFINITY;
}

/** How a store writes the two halves of the rule over a messages alias. */
export interface EmbargoSql {
  /** True everywhere (the publisher). */
  readonly always: string;
  inReleases(alias: string, numbers: readonly number[]): string;
  notWithdrawn(alias: string): string;
}

/** The rule as SQL over `alias` (a messages row): everything for the publisher, else the public's part. */
export function visibleSql(sql: EmbargoSql, audience: Audience, alias: string, numbers: () => readonly number[]): string {
  if (audience === 'publisher') return sql.always;
  return `(${sql.inReleases(alias, numbers())} AND ${sql.notWithdrawn(alias)})`;
}
