import { parentPort, workerData } from 'node:worker_threads';
import { openWriter, type DatabaseLocation } from '../store/openStore.js';
import { ingest, type IngestOptions, type IngestProgress, type IngestSummary } from './ingest.js';

/** What the command sends the ingest thread: everything of IngestOptions but the open store and the callback. */
export interface IngestJob extends Omit<IngestOptions, 'store' | 'onProgress'> {
  readonly database: DatabaseLocation;
}

/** What the ingest thread answers: progress as it goes, then the summary or the error. */
export type IngestReply =
  | { readonly progress: IngestProgress }
  | { readonly summary: IngestSummary }
  | { readonly error: { readonly name: string; readonly message: string; readonly stack?: string } };

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
  const { name = 'Error', message = String(error), stack } = error as Error;
  post({ error: { name, message, stack } });
}
