import { runSizedThread } from '../sizedThread.js';
import type { ExportSummary } from './exportSite.js';
import type { ExportJob } from './exportWorker.js';

/**
 * The export runs on a thread of its own so that its heap can be sized, which the main thread's
 * cannot be once Node has started: on a 24 GB machine V8 let the main thread's heap grow lazily to
 * over 1.1 GB (and keep 300 MB of freed pages) while the export held under 400 MB, and the export
 * of 1M messages passed 2.2 GB of RSS. A ceiling is not an allocation: the heap grows to it only if
 * the export needs it, and near it V8 collects instead of growing.
 */
const EXPORT_OLD_FLOOR_MB = 512;
/** What the export holds for each message at once: its stamp, place in its thread, inputs (~0.3 KB measured), with room. */
const KB_PER_MESSAGE = 0.75;
const EXPORT_YOUNG_MB = 16;

/** Runs exportSite() on its own thread (the store opened there) and reports progress on this one. */
export function exportInWorker(job: ExportJob & { readonly messages: number }, onProgress: (done: number, total: number) => void): Promise<ExportSummary> {
  const { messages, ...rest } = job;
  return runSizedThread(
    new URL('./exportWorker.js', import.meta.url),
    rest satisfies ExportJob,
    { maxYoungGenerationSizeMb: EXPORT_YOUNG_MB, maxOldGenerationSizeMb: Math.ceil(EXPORT_OLD_FLOOR_MB + (messages * KB_PER_MESSAGE) / 1024) },
    (p: { done: number; total: number }) => onProgress(p.done, p.total),
    (code) => `the export thread stopped (exit code ${code}) before it finished; run the same command again (the live copy is unchanged)`,
  );
}
