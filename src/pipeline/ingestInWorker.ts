import { runSizedThread } from '../sizedThread.js';
import type { IngestProgress, IngestSummary } from './ingest.js';
import type { IngestJob } from './ingestWorker.js';

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
  return runSizedThread(
    new URL('./ingestWorker.js', import.meta.url),
    rest satisfies IngestJob,
    { maxYoungGenerationSizeMb: INGEST_YOUNG_MB, maxOldGenerationSizeMb: oldMb },
    onProgress,
    (code) => `the ingest thread stopped (exit code ${code}) before it finished; run the same command again to resume`,
  );
}
