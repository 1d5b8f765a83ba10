import { Worker } from 'node:worker_threads';
import { DataDirError, UsageError } from '../errors.js';
import type { IngestProgress, IngestSummary } from './ingest.js';
import type { IngestJob, IngestReply } from './ingestWorker.js';

/**
 * Young generation of the ingest thread, in MB. The ingest runs on a thread of its own so that its
 * heap can be sized, which the main thread's cannot be once Node has started: left to itself, V8
 * grew the young generation and the garbage of verification to ~0.4 GB (measured on 10k messages).
 */
const INGEST_YOUNG_MB = 16;
/**
 * Old generation of the ingest thread: a floor for the reading, plus room for threading, which holds
 * every message's references at once. Generous on purpose (2 KB a message, several times what a
 * thread input takes): it is a ceiling, not an allocation — the heap grows to it only if needed —
 * and an ingest thread out of memory at the threading step would fail again on every re-run.
 */
const INGEST_OLD_FLOOR_MB = 256;
const THREADING_KB_PER_MESSAGE = 2;

/** Runs ingest() on its own thread (its store opened there) and reports progress on this one. */
export function ingestInWorker(
  job: IngestJob & { /** Messages the archive may hold after this ingest, at most. */ readonly expectedMessages: number },
  onProgress: (progress: IngestProgress) => void,
): Promise<IngestSummary> {
  const { expectedMessages, ...rest } = job;
  const oldMb = Math.ceil(INGEST_OLD_FLOOR_MB + (expectedMessages * THREADING_KB_PER_MESSAGE) / 1024);
  const worker = new Worker(new URL('./ingestWorker.js', import.meta.url), {
    workerData: rest satisfies IngestJob,
    resourceLimits: { maxYoungGenerationSizeMb: INGEST_YOUNG_MB, maxOldGenerationSizeMb: oldMb },
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (reply: IngestReply) => {
      if ('progress' in reply) return onProgress(reply.progress);
      settled = true;
      if ('summary' in reply) resolve(reply.summary);
      else reject(rebuildError(reply.error));
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the ingest thread stopped (exit code ${code}) before it finished; run the same command again to resume`));
    });
  });
}

/** The expected errors keep their class (and so their exit code and one-line message). */
function rebuildError({ name, message, stack }: { name: string; message: string; stack?: string }): Error {
  if (name === 'UsageError') return new UsageError(message);
  if (name === 'DataDirError') return new DataDirError(message);
  const error = new Error(message);
  error.name = name;
  if (stack) error.stack = stack;
  return error;
}
