import { parentPort, workerData } from 'node:worker_threads';
import { postedError } from '../errors.js';
import type { ThreadReply } from '../sizedThread.js';
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

const { database, dataRoot, ...job } = workerData as ExportJob;
const post = (reply: ExportReply) => parentPort!.postMessage(reply);
try {
  const store = await openReader(database, { audience: 'public' });
  try {
    const key = await loadCollectionKey(dataRoot);
    const summary = await exportSite({ ...job, store, blobs: new BlobStore(dataRoot), key, onProgress: (done, total) => post({ progress: { done, total } }) });
    post({ summary });
  } finally {
    await store.close();
  }
} catch (error) {
  post({ error: postedError(error) });
}
