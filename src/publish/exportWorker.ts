import { parentPort, workerData } from 'node:worker_threads';
import { postedError } from '../errors.js';
import { runSizedThread, type ThreadReply } from '../sizedThread.js';
import type { SegmentJob } from './staticSearch/segmentWorker.js';
import { BlobStore } from '../store/blobStore.js';
import { openReader, type DatabaseLocation } from '../store/openStore.js';
import { loadCollectionKey } from './collectionKey.js';
import { exportSite, type ExportOptions, type ExportSummary } from './exportSite.js';

/** What the command sends the export thread: the options but the open store, the blobs, the key and the callback. */
export interface ExportJob extends Omit<ExportOptions, 'store' | 'blobs' | 'key' | 'onProgress'> {
  readonly database: DatabaseLocation;
  /** The data directory: its blobs and its collection key. */
  readonly dataRoot: string;
}

export type ExportReply = ThreadReply<{ readonly done: number; readonly total: number }, ExportSummary>;

/** The segment thread's heap: one segment's posting lists at a time (10,000 messages); a ceiling, not an allocation. */
const SEGMENT_HEAP_MB = 768;

const { database, dataRoot, ...job } = workerData as ExportJob;
const post = (reply: ExportReply) => parentPort!.postMessage(reply);
try {
  const store = await openReader(database, { audience: 'public' });
  try {
    const key = await loadCollectionKey(dataRoot);
    const summary = await exportSite({
      ...job,
      store,
      blobs: new BlobStore(dataRoot),
      key,
      onProgress: (done, total) => post({ progress: { done, total } }),
      // The search segments on a thread of their own, beside the pages: the second core's work.
      buildSegments: (dir, segments) =>
        runSizedThread(
          new URL('./staticSearch/segmentWorker.js', import.meta.url),
          { database, dir, segments } satisfies SegmentJob,
          { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: SEGMENT_HEAP_MB },
          () => undefined,
          (code) => `the search index thread stopped (exit code ${code}); run the export again`,
        ),
    });
    post({ summary });
  } finally {
    await store.close();
  }
} catch (error) {
  post({ error: postedError(error) });
}
