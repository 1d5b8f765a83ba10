import { Worker } from 'node:worker_threads';
import { BlobStore } from '../store/blobStore.js';
import { sha256Hex } from '../mail/contentHash.js';
import { PARSE_TIMEOUT_MS } from '../parse/limits.js';
import type { MessageRecord } from '../model/message.js';
import { rawOnlyRecord } from './toRecord.js';
import { recoverHeaderFields } from '../parse/parseMessage.js';

/**
 * Old-generation heap of a parse worker, in MB. Without a cap V8 lets each worker's heap grow to
 * ~300 MB of garbage on a 24 GB machine (ingest peaked at 0.8 GB); with it, the worker collects
 * sooner at no measured cost. A message too big for it is parsed again alone, on a worker without
 * the cap (#parseAlone).
 */
export const WORKER_HEAP_MB = 128;
/**
 * Young generation of a parse worker, in MB. It must be set with the old one: given a heap cap
 * alone, Node sized the young generation so small that ingest took 3x the CPU (measured).
 */
export const WORKER_YOUNG_MB = 8;

/** Jobs queued on one worker at once: keeps it busy while the main thread round-trips. */
const JOBS_PER_WORKER = 4;

interface Job {
  readonly seq: number;
  readonly bytes: Buffer;
  readonly resolve: (record: MessageRecord) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** Whether its heap is capped (WORKER_HEAP_MB): the pool's workers are; one for a single big message is not. */
  readonly capped: boolean;
  /** Jobs sent to this worker, in the order it handles them. */
  readonly jobs: Map<number, Job>;
}

/**
 * Parses messages on worker threads. A worker that crashes, or passes PARSE_TIMEOUT_MS on one
 * message, is replaced: that message is stored raw with a warning and the worker's other jobs are
 * queued again. One bad message never stops an ingest. A message too big for a worker's capped heap
 * is parsed again, alone, by a worker without the cap, so a large message is still parsed whole.
 */
export class ParsePool {
  readonly #dataDir: string;
  readonly #blobs: BlobStore;
  readonly #slots: Slot[] = [];
  /** Uncapped workers, each parsing one big message. */
  readonly #alone = new Set<Slot>();
  readonly #queue: Job[] = [];
  readonly #timeoutMs: number;
  #seq = 0;
  #closed = false;

  constructor(options: { dataDir: string; workers: number; timeoutMs?: number }) {
    this.#dataDir = options.dataDir;
    this.#blobs = new BlobStore(options.dataDir);
    this.#timeoutMs = options.timeoutMs ?? PARSE_TIMEOUT_MS;
    for (let i = 0; i < Math.max(1, options.workers); i++) this.#slots.push(this.#spawn());
  }

  #spawn(capped = true): Slot {
    const worker = new Worker(new URL('./parseWorker.js', import.meta.url), {
      workerData: { dataDir: this.#dataDir },
      resourceLimits: capped ? { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } : undefined,
    });
    const slot: Slot = { worker, capped, jobs: new Map() };
    worker.on('message', (reply: { seq: number; record?: MessageRecord; error?: string }) => {
      const job = slot.jobs.get(reply.seq);
      if (!job) return;
      slot.jobs.delete(reply.seq);
      clearTimeout(job.timer);
      this.#startClock(slot);
      if (reply.record) job.resolve(reply.record);
      else this.#fallback(job, `parser error: ${(reply.error ?? '').split('\n')[0]}`);
      if (this.#alone.has(slot)) this.#retire(slot);
      this.#pump();
    });
    worker.on('error', (error: NodeJS.ErrnoException) => this.#replace(slot, `worker crashed: ${error.message}`, error.code === 'ERR_WORKER_OUT_OF_MEMORY'));
    worker.on('exit', (code) => {
      if (!this.#closed) this.#replace(slot, `worker exited with code ${code}`);
    });
    return slot;
  }

  /** The clock runs for the job the worker is on now: the oldest one sent. */
  #startClock(slot: Slot): void {
    const current = slot.jobs.values().next().value;
    if (current && !current.timer) {
      current.timer = setTimeout(() => this.#replace(slot, `no answer after ${this.#timeoutMs} ms`), this.#timeoutMs);
    }
  }

  #retire(slot: Slot): void {
    this.#alone.delete(slot);
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
  }

  #replace(slot: Slot, reason: string, outOfMemory = false): void {
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const job of jobs) clearTimeout(job.timer);
    this.#retire(slot);
    if (this.#closed) return;
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots[index] = this.#spawn();
    const [current, ...others] = jobs;
    if (current && outOfMemory && slot.capped) this.#parseAlone(current);
    else if (current) this.#fallback(current, reason);
    for (const job of others.reverse()) {
      job.timer = undefined;
      this.#queue.unshift(job);
    }
    this.#pump();
  }

  /** Stores the raw bytes from the main thread when the worker could not. */
  #fallback(job: Job, reason: string): void {
    const sha256 = sha256Hex(job.bytes);
    this.#blobs.put(job.bytes, sha256);
    // The tolerant header pass runs here, on the main thread: its input is bounded (reducedHeaders.ts).
    void recoverHeaderFields(job.bytes).then((fields) => job.resolve(rawOnlyRecord(sha256, job.bytes.length, reason, fields)));
  }

  /** Parses one message on a worker of its own without the heap cap (it stops when done). */
  #parseAlone(job: Job): void {
    const slot = this.#spawn(false);
    this.#alone.add(slot);
    this.#send(slot, job);
  }

  #send(slot: Slot, job: Job): void {
    slot.jobs.set(job.seq, job);
    this.#startClock(slot);
    // Copied, not transferred: the main thread keeps the bytes for the fallback above.
    slot.worker.postMessage({ seq: job.seq, bytes: job.bytes });
  }

  #pump(): void {
    for (;;) {
      if (this.#queue.length === 0) return;
      // The least busy worker takes the next job.
      let best: Slot | undefined;
      for (const slot of this.#slots) if (slot.jobs.size < JOBS_PER_WORKER && (!best || slot.jobs.size < best.jobs.size)) best = slot;
      if (!best) return;
      this.#send(best, this.#queue.shift()!);
    }
  }

  /** Parses and stores one message; always resolves (with a raw-only record at worst). */
  parse(bytes: Buffer): Promise<MessageRecord> {
    return new Promise((resolve) => {
      this.#queue.push({ seq: this.#seq++, bytes, resolve });
      this.#pump();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#slots, ...this.#alone].map((slot) => slot.worker.terminate()));
  }
}
