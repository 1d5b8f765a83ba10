import type { ArchiveWriter } from '../store/archiveStore.js';
import type { RawRef } from '../model/message.js';
import type { BlobStore } from '../store/blobStore.js';
import { KeyArchive } from './keyArchive.js';
import type { Verdict } from './report.js';
import { verifyMessage } from './verifyMessage.js';

/**
 * Verifies stored messages again, with the key archive as it is now (after `keys import` or
 * `keys fetch`) or as of another date. Results are saved in batches, so an interrupted run keeps
 * what it did and a new run simply does it again.
 */

const BATCH = 500;

export interface ReverifyProgress {
  readonly done: number;
  readonly total: number;
}

export interface ReverifySummary {
  readonly messages: number;
  readonly verdicts: Partial<Record<Verdict, number>>;
  /** Messages whose verdict is not the one stored before. */
  readonly changed: number;
  readonly elapsedMs: number;
}

export async function reverify(
  store: ArchiveWriter,
  blobs: BlobStore,
  which: 'all' | readonly number[],
  options: { at?: Date; onProgress?: (p: ReverifyProgress) => void } = {},
): Promise<ReverifySummary> {
  const started = Date.now();
  const keys = new KeyArchive(await store.keyRecords());
  const total = which === 'all' ? (await store.stats()).messages : which.length;
  const verdicts: Partial<Record<Verdict, number>> = {};
  let done = 0;
  let changed = 0;
  let afterId = 0;
  let offset = 0;
  const next = async (): Promise<RawRef[]> => {
    if (which === 'all') return store.rawRefs({ afterId, limit: BATCH });
    const ids = which.slice(offset, offset + BATCH);
    offset += BATCH;
    return ids.length > 0 ? store.rawRefs({ ids }) : [];
  };
  for (let refs = await next(); refs.length > 0; refs = await next()) {
    const items = [];
    for (const ref of refs) {
      const report = await verifyMessage(await blobs.read(ref.original), { keys, at: options.at, converted: ref.converted });
      items.push({ id: ref.id, report });
      verdicts[report.verdict] = (verdicts[report.verdict] ?? 0) + 1;
      if (report.verdict !== ref.verdict) changed++;
    }
    await store.saveVerifications(items);
    done += refs.length;
    afterId = refs.at(-1)!.id;
    options.onProgress?.({ done, total });
  }
  return { messages: done, verdicts, changed, elapsedMs: Date.now() - started };
}
