import type { FacetCount, FacetLists, FacetName, Facets } from '../model/search.js';
import { FACET_TOP } from './searchPages.js';

/**
 * Facets (and date order) counted in memory. Counting seven GROUP BYs over tens of thousands of result rows cost
 * 50–200 ms a search at 100k messages (docs/benchmarks.md); holding each message's facet values as
 * numbers in typed arrays, indexed by message number, makes it one pass over the result's ids
 * (a few ms). Built from three row sets every store can produce, so every store counts the same way;
 * rebuilt when the archive changes (the store's data version).
 */

/** One row per message: its facet values (as the messages table holds them). */
export interface FacetMessageRow {
  readonly id: number;
  readonly from: string | null;
  readonly dateUtc: number | null;
  readonly folder: string;
  readonly release: number | null;
  readonly verdict: string | null;
  readonly attachments: number;
}

export function facetRowOf([id, from, dateUtc, folder, release, verdict, attachments]: readonly unknown[]): FacetMessageRow {
  return {
    id: Number(id),
    from: from as string | null,
    dateUtc: dateUtc === null ? null : Number(dateUtc),
    folder: folder as string,
    release: release === null ? null : Number(release),
    verdict: verdict as string | null,
    attachments: Number(attachments),
  };
}

/**
 * A value shared by messages: a recipient address (to, cc) or an attachment type (not inline), as
 * the stores' raw rows give it (message, value): no object per row (at 1M messages, 2.5M rows).
 */
export type FacetPair = readonly [message: number, value: string];

/**
 * Every attachment's file name and type (inline ones too), as `name:<file name>` and
 * `type:<content type>` values of its message: what filetype: tests in memory (memoryFilter.ts).
 */
export function attachmentFileValues(rows: ReadonlyArray<readonly unknown[]>): FacetPair[] {
  const pairs: FacetPair[] = [];
  for (const [message, filename, type] of rows) {
    if (filename !== null) pairs.push([Number(message), `name:${filename as string}`]);
    pairs.push([Number(message), `type:${type as string}`]);
  }
  return pairs;
}

/** Interns strings as small numbers. */
class Dictionary {
  readonly values: string[] = [];
  readonly #index = new Map<string, number>();
  of(value: string): number {
    let i = this.#index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.#index.set(value, i);
    }
    return i;
  }
}

/** Values of one message each, as a compressed sparse row: message → its distinct values. */
interface ManyValues {
  readonly offsets: Int32Array;
  readonly values: Int32Array;
  readonly names: readonly string[];
}

/**
 * The values of each message, distinct, in typed arrays: counted per message, placed by a counting
 * sort, then each message's run cut to its distinct values. A Set per message cost 1.5 s and most of
 * 2.4 s of garbage collection at 1M messages (measured); the rows may come in any order.
 */
function manyValues(rows: readonly FacetPair[], maxId: number): ManyValues {
  const names = new Dictionary();
  const counts = new Int32Array(maxId + 2);
  const codes = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [message, value] = rows[i]!;
    if (message < 0 || message > maxId) continue; // not in the columns (added since they were read)
    codes[i] = names.of(value);
    counts[message + 1]!++;
  }
  const starts = new Int32Array(maxId + 2);
  for (let id = 1; id <= maxId + 1; id++) starts[id] = starts[id - 1]! + counts[id]!;
  const placed = new Int32Array(starts[maxId + 1]!);
  const fill = starts.slice();
  for (let i = 0; i < rows.length; i++) {
    const message = rows[i]![0];
    if (message >= 0 && message <= maxId) placed[fill[message]!++] = codes[i]!;
  }
  // Each message's run, duplicates dropped (a run is a few values: a linear look-back is enough).
  const offsets = new Int32Array(maxId + 2);
  let total = 0;
  for (let id = 0; id <= maxId; id++) {
    offsets[id] = total;
    const runStart = total;
    for (let j = starts[id]!; j < starts[id + 1]!; j++) {
      const code = placed[j]!;
      let seen = false;
      for (let k = runStart; k < total && !seen; k++) seen = placed[k] === code;
      if (!seen) placed[total++] = code;
    }
  }
  offsets[maxId + 1] = total;
  return { offsets, values: placed.slice(0, total), names: names.values };
}

/** Byte order (as SQLite's BINARY and PostgreSQL's "C" collation sort), for ties. */
function byBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function ranked(counts: Uint32Array, names: readonly string[], order: 'count' | 'value'): FacetCount[] {
  const list: FacetCount[] = [];
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) list.push({ value: names[i]!, count: counts[i]! });
  list.sort(order === 'value' ? (a, b) => byBytes(a.value, b.value) : (a, b) => b.count - a.count || byBytes(a.value, b.value));
  return list;
}

const NONE = -1;

/** A single-valued column from (message, value) entries: each message's value as a code (-1: none). */
function singleColumn(entries: Iterable<readonly [id: number, value: string | null]>, maxId: number) {
  const names = new Dictionary();
  const codes = new Int32Array(maxId + 1).fill(NONE);
  for (const [id, value] of entries) if (value !== null && id <= maxId) codes[id] = names.of(value);
  return { codes, names: names.values };
}

type SingleFacet = 'from' | 'month' | 'folder' | 'release' | 'verdict' | 'language';

export class FacetIndex {
  readonly maxId: number;
  /** How many messages there are. */
  readonly messages: number;
  readonly #single: Record<SingleFacet, { codes: Int32Array; names: string[] }>;
  readonly #recipients: ManyValues;
  readonly #types: ManyValues;
  readonly #files: ManyValues;
  /** Per message number: its date (ms; NaN when undated), release (0: in none), and 1 when it has attachments. */
  readonly dates: Float64Array;
  readonly releases: Int32Array;
  readonly withAttachments: Uint8Array;
  readonly #present: Uint8Array;

  constructor(
    messages: readonly FacetMessageRow[],
    recipients: readonly FacetPair[],
    attachmentTypes: readonly FacetPair[],
    attachmentFiles: readonly FacetPair[],
    languages: readonly FacetPair[] = [],
  ) {
    const maxId = messages.reduce((max, m) => Math.max(max, m.id), 0);
    this.maxId = maxId;
    this.messages = messages.length;
    // Straight from the rows (a tuple per message and column cost seconds at 1M, measured).
    const column = (value: (m: FacetMessageRow) => string | null) => {
      const names = new Dictionary();
      const codes = new Int32Array(maxId + 1).fill(NONE);
      for (const m of messages) {
        const v = value(m);
        if (v !== null) codes[m.id] = names.of(v);
      }
      return { codes, names: names.values };
    };
    // A month is worked out once per UTC day (all of a day's times are in one month): formatting a
    // date per message was most of the month column's time.
    const monthOfDay = new Map<number, string>();
    const monthOf = (ms: number) => {
      const day = Math.floor(ms / 86_400_000);
      let month = monthOfDay.get(day);
      if (month === undefined) monthOfDay.set(day, (month = new Date(ms).toISOString().slice(0, 7)));
      return month;
    };
    this.#single = {
      from: column((m) => m.from),
      month: column((m) => (m.dateUtc === null ? null : monthOf(m.dateUtc))),
      folder: column((m) => m.folder),
      release: column((m) => (m.release === null ? 'unpublished' : String(m.release))),
      verdict: column((m) => m.verdict ?? 'unverified'),
      language: singleColumn(languages, maxId),
    };
    this.dates = new Float64Array(maxId + 1).fill(Number.NaN);
    this.releases = new Int32Array(maxId + 1);
    this.withAttachments = new Uint8Array(maxId + 1);
    this.#present = new Uint8Array(maxId + 1);
    for (const m of messages) {
      this.#present[m.id] = 1;
      if (m.dateUtc !== null) this.dates[m.id] = m.dateUtc;
      this.releases[m.id] = m.release ?? 0;
      this.withAttachments[m.id] = m.attachments > 0 ? 1 : 0;
    }
    this.#recipients = manyValues(recipients, maxId);
    this.#types = manyValues(attachmentTypes, maxId);
    this.#files = manyValues(attachmentFiles, maxId);
  }

  /** The numbers of the messages (up to `upto`) that pass `test`, in order. */
  select(test: (id: number) => boolean, upto: number): number[] {
    const ids: number[] = [];
    for (let id = 1; id <= Math.min(upto, this.maxId); id++) if (this.#present[id] === 1 && test(id)) ids.push(id);
    return ids;
  }

  /**
   * What the public may see, one byte per message number: in a published release and not withdrawn.
   * On shared memory, so that SQLite's rank worker reads it as it is.
   */
  visibleTo(published: readonly number[], withdrawn: ReadonlySet<number>): Uint8Array {
    const releases = new Set(published);
    const bitmap = new Uint8Array(new SharedArrayBuffer(this.maxId + 1));
    for (let id = 1; id <= this.maxId; id++) if (releases.has(this.releases[id]!) && !withdrawn.has(id)) bitmap[id] = 1;
    return bitmap;
  }

  /** A test: has the message an attachment file value (attachmentFileValues) that passes? */
  anyFile(passes: (value: string) => boolean): (id: number) => boolean {
    const { offsets, values, names } = this.#files;
    const yes = Uint8Array.from(names, (name) => (passes(name) ? 1 : 0));
    return (id) => {
      if (id > this.maxId) return false;
      for (let j = offsets[id]!; j < offsets[id + 1]!; j++) if (yes[values[j]!] === 1) return true;
      return false;
    };
  }

  /** A single-valued column: each message's value as a code (-1: none) and the values by code. */
  column(key: 'folder' | 'verdict' | 'language'): { readonly codes: Int32Array; readonly names: readonly string[] } {
    return this.#single[key];
  }

  /**
   * The `count` messages of `ids` that sort first by date, newest first (undated last), then by
   * number, highest first: the date order of the SQL stores (`coalesce(date_utc, -1) DESC, id DESC`).
   */
  newest(ids: ArrayLike<number>, count: number): Array<{ id: number; key: number }> {
    // A top-k scan (most ids fail the comparison with the k-th best): sorting 40k keyed objects cost ~5 ms.
    const best: Array<{ id: number; key: number }> = [];
    if (count <= 0) return best;
    const before = (a: { id: number; key: number }, b: { id: number; key: number }) => a.key > b.key || (a.key === b.key && a.id > b.id);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const date = id <= this.maxId ? this.dates[id]! : Number.NaN;
      const row = { id, key: Number.isNaN(date) ? -1 : date };
      if (best.length === count && !before(row, best[count - 1]!)) continue;
      let at = best.length;
      while (at > 0 && before(row, best[at - 1]!)) at--;
      best.splice(at, 0, row);
      if (best.length > count) best.pop();
    }
    return best;
  }

  /** Counts over the messages `ids` (a result set, visibility already applied); lists of many values cut to `top` (null: whole). */
  facets(ids: ArrayLike<number>, top: number | null = FACET_TOP): Facets {
    const count = (key: SingleFacet) => {
      const { codes, names } = this.#single[key];
      const counts = new Uint32Array(names.length);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const c = id <= this.maxId ? codes[id]! : NONE;
        if (c !== NONE) counts[c]!++;
      }
      return { counts, names };
    };
    const countMany = (many: ManyValues) => {
      const counts = new Uint32Array(many.names.length);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (id > this.maxId) continue;
        for (let j = many.offsets[id]!; j < many.offsets[id + 1]!; j++) counts[many.values[j]!]!++;
      }
      return ranked(counts, many.names, 'count');
    };
    const one = (key: SingleFacet, order: 'count' | 'value' = 'count') => {
      const { counts, names } = count(key);
      return ranked(counts, names, order);
    };
    const whole: FacetLists = {
      senders: one('from'),
      recipients: countMany(this.#recipients),
      months: one('month', 'value'),
      folders: one('folder'),
      releases: one('release'),
      dkim: one('verdict'),
      attachmentTypes: countMany(this.#types),
      languages: one('language'),
    };
    // Months, releases, verdicts and languages are few and read as a whole; the others are cut.
    const cut: readonly FacetName[] = ['senders', 'recipients', 'folders', 'attachmentTypes'];
    const names = Object.keys(whole) as FacetName[];
    return {
      ...(Object.fromEntries(names.map((k) => [k, top !== null && cut.includes(k) ? whole[k].slice(0, top) : whole[k]])) as unknown as FacetLists),
      distinct: Object.fromEntries(names.map((k) => [k, whole[k].length])) as Record<FacetName, number>,
    };
  }
}
