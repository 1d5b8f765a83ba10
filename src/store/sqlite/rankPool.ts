import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RankedRow, RankTask } from './rankTask.js';

/**
 * A second thread for bm25. FTS5 scores every match before it can sort (0.45 µs a match: 23 ms for
 * "the" in 49k of 100k messages); it cannot stop early, but a pass can be cut by message number.
 * The search scores one part of the range, this worker the other, on its own connection to the
 * same file; the two best lists merge (bm25's word statistics are the whole index's in both, so
 * the scores are the same as one pass). On two cores a large ranking takes ~0.6× the time
 * (docs/benchmarks.md). Without a second core, or once the worker failed, the search does it alone.
 */
/** Below this many matches one pass is quicker than two threads (a message each way, a second word-statistics pass). */
export const PARALLEL_FROM = 6000;

export class RankPool {
  readonly #path: string;
  readonly #from: number;
  #worker: Worker | null = null;
  #failed = false;
  #seq = 0;
  readonly #pending = new Map<number, { resolve: (rows: RankedRow[]) => void; reject: (error: Error) => void }>();

  /** `from`: the fewest matches worth splitting (tests set 0 to split every pass). */
  constructor(path: string, from = PARALLEL_FROM) {
    this.#path = path;
    this.#from = from;
  }

  /** Whether a pass over this many matches should be split with the worker. */
  worthSplitting(matches: number): boolean {
    return !this.#failed && matches >= this.#from && availableParallelism() > 1;
  }

  /** Starts the worker (and its connection) ahead of the first task, when it would be used. */
  async prepare(): Promise<void> {
    // An empty range: the worker loads, opens its connection and prepares its statement, and scores nothing.
    if (this.worthSplitting(Number.MAX_SAFE_INTEGER)) await this.rank({ expression: '"epistola"', from: 1, to: 0, limit: 1, bitmap: null }).catch(() => null);
  }

  /** Runs a task on the worker; the bitmap must be on a SharedArrayBuffer. */
  rank(task: RankTask): Promise<RankedRow[]> {
    const worker = this.#start();
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject });
      worker.postMessage({ seq, task: { ...task, bitmap: task.bitmap ? (task.bitmap.buffer as SharedArrayBuffer) : null } });
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./rankWorker.js', import.meta.url), { workerData: { path: this.#path } });
    worker.unref();
    worker.on('message', (reply: { seq: number; rows?: RankedRow[]; error?: string }) => {
      const pending = this.#pending.get(reply.seq);
      this.#pending.delete(reply.seq);
      if (reply.rows) pending?.resolve(reply.rows);
      else pending?.reject(new Error(reply.error));
    });
    const fail = (error: Error) => {
      this.#failed = true;
      this.#worker = null;
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`rank worker exited with code ${code}`)));
    return (this.#worker = worker);
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#failed = true;
    this.#worker = null;
    if (worker) await worker.terminate();
  }
}
