import { Resolver } from 'node:dns/promises';
import { MAX_KEY_RECORD_BYTES, type KeyRecord } from './keyRecord.js';

/**
 * Asks DNS for key records the archive lacks (node's resolver, pointed at the server given).
 * Every answer becomes a sighting "dns <server>" dated now: a key fetched today says nothing about
 * last year, which is why the archive keeps the date.
 */

export interface FetchOutcome {
  readonly name: string;
  /** found: the record(s) came back; missing: NXDOMAIN or no TXT; error: the server did not answer. */
  readonly status: 'found' | 'missing' | 'error';
  readonly records: readonly KeyRecord[];
  readonly detail: string | null;
}

export async function fetchKeys(
  names: readonly string[],
  options: { server?: string; timeoutMs?: number; now?: Date; onProgress?: (done: number, total: number) => void },
): Promise<FetchOutcome[]> {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 2 });
  if (options.server) resolver.setServers([options.server]);
  const source = `dns ${options.server ?? resolver.getServers().join(',')}`;
  const seen = (options.now ?? new Date()).toISOString();
  const outcomes: FetchOutcome[] = [];
  for (const name of names) {
    try {
      const answers = await resolver.resolveTxt(name);
      const records = answers
        .map((strings) => strings.join(''))
        .filter((record) => Buffer.byteLength(record) <= MAX_KEY_RECORD_BYTES)
        .map((record): KeyRecord => ({ name, record, sightings: [{ source, seen }] }));
      outcomes.push({ name, status: records.length > 0 ? 'found' : 'missing', records, detail: null });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const missing = code === 'ENOTFOUND' || code === 'ENODATA';
      outcomes.push({ name, status: missing ? 'missing' : 'error', records: [], detail: missing ? null : `${code} ${(error as Error).message}`.trim() });
    }
    options.onProgress?.(outcomes.length, names.length);
  }
  return outcomes;
}
