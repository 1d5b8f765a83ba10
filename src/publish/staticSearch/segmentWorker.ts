import { parentPort, workerData } from 'node:worker_threads';
import { postedError } from '../../errors.js';
import type { ThreadReply } from '../../sizedThread.js';
import { openReader, type DatabaseLocation } from '../../store/openStore.js';
import { buildSegment, type SegmentRef } from './segments.js';

/** What the export sends the segment thread: where the archive is, where segments go, which to build. */
export interface SegmentJob {
  readonly database: DatabaseLocation;
  readonly dir: string;
  readonly segments: readonly SegmentRef[];
}

export type SegmentReply = ThreadReply<{ readonly built: number }, { readonly built: number }>;

const job = workerData as SegmentJob;
const post = (reply: SegmentReply) => parentPort!.postMessage(reply);
try {
  // The public reader, as the export's: a segment holds only what the public may see.
  const store = await openReader(job.database, { audience: 'public' });
  try {
    let built = 0;
    for (const segment of job.segments) {
      let next = 0;
      await buildSegment(job.dir, segment.stamp, async () => (next < segment.ids.length ? store.getMessage(segment.ids[next++]!) : undefined));
      post({ progress: { built: ++built } });
    }
    post({ summary: { built } });
  } finally {
    await store.close();
  }
} catch (error) {
  post({ error: postedError(error) });
}
