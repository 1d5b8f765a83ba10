import { parentPort, workerData } from 'node:worker_threads';
import { postedError } from '../errors.js';
import type { ThreadReply } from '../sizedThread.js';
import { openWriter, type DatabaseLocation } from '../store/openStore.js';
import { ingest, type IngestOptions, type IngestProgress, type IngestSummary } from './ingest.js';

/** What the command sends the ingest thread: everything of IngestOptions but the open store and the callback. */
export interface IngestJob extends Omit<IngestOptions, 'store' | 'onProgress'> {
  readonly database: DatabaseLocation;
}

/** What the ingest thread answers: progress as it goes, then the summary or the error. */
export type IngestReply = ThreadReply<IngestProgress, IngestSummary>;

const job = workerData as IngestJob;
const post = (reply: IngestReply) => parentPort!.postMessage(reply);
try {
  const store = await openWriter(job.database);
  try {
    post({ summary: await ingest({ ...job, store, onProgress: (progress) => post({ progress }) }) });
  } finally {
    await store.close();
  }
} catch (error) {
  post({ error: postedError(error) });
}
