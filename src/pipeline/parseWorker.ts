import { parentPort, workerData } from 'node:worker_threads';
import { BlobStore } from '../store/blobStore.js';
import { sha256Hex } from '../mail/contentHash.js';
import { parseMessage } from '../parse/parseMessage.js';
import { toRecord } from './toRecord.js';
import { KeyArchive } from '../verify/keyArchive.js';
import type { KeyRecord } from '../verify/keyRecord.js';
import { verifyMessage } from '../verify/verifyMessage.js';

/**
 * Worker thread: hash, store the raw blob, parse, store attachment blobs, verify DKIM/ARC, answer
 * with the record.
 * CPU-heavy work runs here so that both cores parse while the main thread reads and commits.
 */
export interface ParseJob {
  readonly seq: number;
  readonly bytes: Uint8Array;
}

/** What every worker is started with; `keys` null turns verification off. */
export interface ParseWorkerData {
  readonly dataDir: string;
  readonly keys: readonly KeyRecord[] | null;
}

const data = workerData as ParseWorkerData;
const blobs = new BlobStore(data.dataDir);
const keys = data.keys ? new KeyArchive(data.keys) : null;

parentPort!.on('message', (job: ParseJob) => {
  void (async () => {
    const raw = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
    const sha256 = sha256Hex(raw);
    blobs.put(raw, sha256);
    const parsed = await parseMessage(raw);
    for (const attachment of parsed.attachments) blobs.put(attachment.content, attachment.sha256);
    const verification = keys ? await verifyMessage(raw, { keys }) : null;
    parentPort!.postMessage({ seq: job.seq, record: toRecord(sha256, raw.length, parsed, verification) });
  })().catch((error: unknown) => {
    parentPort!.postMessage({ seq: job.seq, error: String((error as Error)?.stack ?? error) });
  });
});
