import { parentPort, workerData } from 'node:worker_threads';
import { BlobStore } from '../store/blobStore.js';
import { sha256Hex } from '../mail/contentHash.js';
import { parseMessage } from '../parse/parseMessage.js';
import { toRecord } from './toRecord.js';

/**
 * Worker thread: hash, store the raw blob, parse, store attachment blobs, answer with the record.
 * CPU-heavy work runs here so that both cores parse while the main thread reads and commits.
 */
export interface ParseJob {
  readonly seq: number;
  readonly bytes: Uint8Array;
}

const blobs = new BlobStore((workerData as { dataDir: string }).dataDir);

parentPort!.on('message', (job: ParseJob) => {
  void (async () => {
    const raw = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
    const sha256 = sha256Hex(raw);
    blobs.put(raw, sha256);
    const parsed = await parseMessage(raw);
    for (const attachment of parsed.attachments) blobs.put(attachment.content, attachment.sha256);
    parentPort!.postMessage({ seq: job.seq, record: toRecord(sha256, raw.length, parsed) });
  })().catch((error: unknown) => {
    parentPort!.postMessage({ seq: job.seq, error: String((error as Error)?.stack ?? error) });
  });
});
