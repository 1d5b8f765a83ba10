import { isConversion } from '../mail/warnings.js';
import { availableParallelism } from 'node:os';
import type { expandSources, SkippedFile, Source } from '../ingest/sources.js';
import { readMboxFile } from '../ingest/mboxReader.js';
import { readMessageFiles } from '../ingest/filesReader.js';
import { readArchive } from '../ingest/archiveReader.js';
import { readPst } from '../ingest/outlookPst.js';
import type { SourceItem, SourceProblem } from '../ingest/rawMessage.js';
import type { IngestWriter, KeyReader, ThreadWriter } from '../store/archiveStore.js';
import type { IngestBatch, IngestItem } from '../model/ingest.js';
import type { WarningKind } from '../mail/warnings.js';
import { BlobStore } from '../store/blobStore.js';
import { ParsePool } from './workerPool.js';
import { rethread } from '../thread/rethread.js';
import type { Verdict } from '../verify/report.js';
import { KeyArchive } from '../verify/keyArchive.js';
import { verifyMessage } from '../verify/verifyMessage.js';

/** Messages per transaction: large enough to amortise the commit, small enough to lose little on a kill. */
export const BATCH_SIZE = 500;
/** A batch is also committed after this long, so progress and resume points stay fresh. */
export const BATCH_MAX_MS = 1000;
/** Messages read but not yet committed, at most: bounds memory whatever the input. */
export const MAX_IN_FLIGHT = 64;
/** Bytes of messages read but not yet committed, at most. */
export const MAX_IN_FLIGHT_BYTES = 256 * 1024 * 1024;

/** What an ingest is doing: reading sources, then (after the last message) threading and refreshing search statistics. */
export type IngestStage = 'reading' | 'threading' | 'statistics';

export interface IngestProgress {
  readonly stage: IngestStage;
  readonly messagesRead: number;
  readonly committed: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly elapsedMs: number;
  readonly source: string | null;
}

export interface IngestSummary {
  readonly sources: number;
  readonly unchangedSources: number;
  readonly messagesRead: number;
  /** Messages added to the archive by this run. */
  readonly added: number;
  /** Identical bytes already in the archive, found in a new place. */
  readonly duplicates: number;
  /** Already ingested from this very place (a re-run or a resume). */
  readonly known: number;
  /** Added messages whose Message-ID an earlier message with different bytes has. */
  readonly copies: number;
  readonly firstId: number | null;
  readonly lastId: number | null;
  readonly warnings: Partial<Record<WarningKind, number>>;
  /** DKIM verdicts of the messages added (empty when verification was off). */
  readonly dkim: Partial<Record<Verdict, number>>;
  readonly problems: Record<string, number>;
  readonly skippedFiles: readonly SkippedFile[];
  readonly bytesRead: number;
  /** Threads in the archive after this run, and messages whose thread links changed. */
  readonly threads: { readonly count: number; readonly changed: number };
  /** The work after the last message (in elapsedMs): threads recomputed, search statistics and champion lists remade. */
  readonly finishing: { readonly threadingMs: number; readonly statisticsMs: number };
  readonly elapsedMs: number;
}

export interface IngestOptions {
  readonly dataDir: string;
  readonly store: IngestWriter & ThreadWriter & Pick<KeyReader, 'keyRecords'>;
  /** What to read, from expandSources() (done by the caller first, so bad paths fail before anything is written). */
  readonly sources: Awaited<ReturnType<typeof expandSources>>;
  readonly workers?: number;
  /** Attach "Re:" messages without references to the first message with their subject (default on). */
  readonly subjectThreading?: boolean;
  /** Verify DKIM/ARC while ingesting, against the archive's keys (default on). */
  readonly verify?: boolean;
  readonly onProgress?: (progress: IngestProgress) => void;
}

type Entry =
  | { readonly kind: 'item'; readonly item: IngestItem }
  | { readonly kind: 'problem'; readonly sourceKey: string; readonly problem: SourceProblem }
  | { readonly kind: 'done'; readonly key: string; readonly fingerprint: string };

/**
 * Reads every source, parses on worker threads, and commits in order in batches. Ids follow
 * the read order (results are committed in sequence whatever order workers finish in), and each
 * batch records each source's cursor in the same transaction, so a killed ingest resumes exactly.
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const { sources, skipped } = options.sources;
  const blobs = new BlobStore(options.dataDir);
  blobs.clearTemp();
  const { store } = options;

  const plan: Array<{ source: Source; resumeAfter: string | null }> = [];
  let unchangedSources = 0;
  for (const source of sources) {
    const state = await store.sourceState(source.key);
    if (state?.done && state.fingerprint === source.fingerprint) unchangedSources++;
    else plan.push({ source, resumeAfter: state && !state.done ? state.cursor : null });
  }
  const totalBytes = plan.reduce((sum, p) => sum + p.source.size, 0);

  const counts = { messagesRead: 0, committed: 0, bytesRead: 0, added: 0, duplicates: 0, known: 0, copies: 0 };
  const warnings: Partial<Record<WarningKind, number>> = {};
  const dkim: Partial<Record<Verdict, number>> = {};
  const problems: Record<string, number> = {};
  let firstId: number | null = null;
  let lastId: number | null = null;
  let currentSource: string | null = null;
  const progress = (stage: IngestStage = 'reading') =>
    options.onProgress?.({
      stage,
      messagesRead: counts.messagesRead,
      committed: counts.committed,
      bytesRead: counts.bytesRead,
      totalBytes,
      elapsedMs: Date.now() - started,
      source: currentSource,
    });

  // DKIM/ARC is checked on the main thread, beside the parse workers: it is idle most of an ingest
  // (85%, profiled) while the workers also wait on fsync; in the workers it cost 1.6x, here 1.2x.
  const keys = (options.verify ?? true) ? new KeyArchive(await store.keyRecords()) : null;
  const pool = new ParsePool({ dataDir: options.dataDir, workers: options.workers ?? Math.max(1, availableParallelism()) });
  const queue: Array<Promise<Entry>> = [];
  let queuedBytes = 0;
  let batch: { items: IngestItem[]; problems: IngestBatch['problems'][number][]; finished: IngestBatch['finishedSources'][number][] } = {
    items: [],
    problems: [],
    finished: [],
  };
  let lastCommit = Date.now();

  const commit = async () => {
    if (batch.items.length === 0 && batch.problems.length === 0 && batch.finished.length === 0) return;
    // Every blob the batch refers to is durable before the rows that name it are: a power cut after
    // the commit never leaves a row without its bytes. Blobs that already were cost one cheap fsync.
    await blobs.makeDurable(batch.items.flatMap(({ record }) => [record.sha256, ...record.attachments.map((a) => a.sha256)]));
    const outcomes = await store.commit({ items: batch.items, problems: batch.problems, finishedSources: batch.finished });
    outcomes.forEach((outcome, i) => {
      if (outcome.kind === 'new') {
        counts.added++;
        if (outcome.copyOf !== null) counts.copies++;
        firstId ??= outcome.id;
        lastId = outcome.id;
        const record = batch.items[i]!.record;
        for (const w of record.warnings) warnings[w.kind] = (warnings[w.kind] ?? 0) + 1;
        if (record.verification) dkim[record.verification.verdict] = (dkim[record.verification.verdict] ?? 0) + 1;
      } else if (outcome.kind === 'duplicate') counts.duplicates++;
      else counts.known++;
    });
    for (const { problem } of batch.problems) problems[problem.kind] = (problems[problem.kind] ?? 0) + 1;
    counts.committed += batch.items.length;
    batch = { items: [], problems: [], finished: [] };
    lastCommit = Date.now();
    progress();
  };

  const takeHead = async () => {
    const entry = await queue.shift()!;
    if (entry.kind === 'item') {
      queuedBytes -= entry.item.record.size;
      batch.items.push(entry.item);
    } else if (entry.kind === 'problem') batch.problems.push({ sourceKey: entry.sourceKey, problem: entry.problem });
    else batch.finished.push({ key: entry.key, fingerprint: entry.fingerprint });
    if (batch.items.length >= BATCH_SIZE || Date.now() - lastCommit >= BATCH_MAX_MS) await commit();
  };

  try {
    for (const { source, resumeAfter } of plan) {
      currentSource = source.key;
      const onBytes = (n: number) => {
        counts.bytesRead += n;
      };
      const items: AsyncIterable<SourceItem> =
        source.kind === 'mbox'
          ? readMboxFile(source.path, source.gzip, {
              folder: source.folder,
              startOffset: resumeAfter === null ? 0 : Number(resumeAfter),
              onBytes,
            })
          : source.kind === 'archive'
            ? readArchive(source.path, source.format, { folder: source.folder, resumeAfter, onBytes })
            : source.kind === 'pst'
              ? readPst(source.path, { resumeAfter })
              : readMessageFiles(source, resumeAfter, onBytes);
      for await (const item of items) {
        if ('problem' in item) {
          queue.push(Promise.resolve({ kind: 'problem', sourceKey: source.key, problem: item.problem }));
          continue;
        }
        const raw = item.message;
        counts.messagesRead++;
        queuedBytes += raw.bytes.length;
        const provenance = { sourceKey: source.key, locator: raw.locator, offset: raw.offset, folder: raw.folder, envelope: raw.envelope };
        queue.push(
          Promise.all([pool.parse(raw.bytes), keys ? verifyMessage(raw.bytes, { keys, converted: isConversion(raw.notes) }) : null]).then(
            ([record, verification]): Entry => ({
              kind: 'item',
              item: {
                record: { ...record, verification, warnings: raw.notes ? [...record.warnings, ...raw.notes] : record.warnings },
                provenance,
                cursor: raw.cursor,
              },
            }),
          ),
        );
        while (queue.length >= MAX_IN_FLIGHT || queuedBytes > MAX_IN_FLIGHT_BYTES) await takeHead();
      }
      queue.push(Promise.resolve({ kind: 'done', key: source.key, fingerprint: source.fingerprint }));
    }
    while (queue.length > 0) await takeHead();
    await commit();
  } finally {
    await pool.close();
  }
  progress();
  // After the last message the bar says what is left: at 1M messages this takes a while.
  progress('threading');
  const threadingStarted = Date.now();
  const threads = await rethread(store, { subjectFallback: options.subjectThreading ?? true });
  const statisticsStarted = Date.now();
  if (counts.added > 0) {
    progress('statistics');
    await store.refreshStatistics();
  }
  const finishing = { threadingMs: statisticsStarted - threadingStarted, statisticsMs: Date.now() - statisticsStarted };
  return {
    sources: sources.length,
    unchangedSources,
    messagesRead: counts.messagesRead,
    added: counts.added,
    duplicates: counts.duplicates,
    known: counts.known,
    copies: counts.copies,
    firstId,
    lastId,
    warnings,
    dkim,
    problems,
    skippedFiles: skipped,
    bytesRead: counts.bytesRead,
    threads: { count: threads.threads, changed: threads.changed },
    finishing,
    elapsedMs: Date.now() - started,
  };
}
