import { Worker } from 'node:worker_threads';
import type { DocumentKind } from './documentKind.js';
import type { ExtractJob, ExtractReply } from './extractWorker.js';

/**
 * Extraction workers: each document runs on a worker thread with a capped heap and a time budget;
 * a worker that passes either is terminated and replaced, and the document is reported as such.
 */

/** Heap of an extraction worker, MB: a PDF of thousands of pages fits; a decompression bomb does not. */
const WORKER_HEAP_MB = 512;
export const DOCUMENT_BUDGET_MS = 120_000;

export type PoolAnswer =
  | ExtractReply
  | { readonly seq: number; readonly ok: false; readonly encrypted: false; readonly error: string; readonly timeout: boolean };

interface Slot {
  worker: Worker;
  busy: { seq: number; resolve: (answer: PoolAnswer) => void; timer: NodeJS.Timeout } | null;
}

export class ExtractPool {
  readonly #slots: Slot[] = [];
  readonly #waiting: Array<(slot: Slot) => void> = [];
  readonly #budgetMs: number;
  #seq = 0;

  constructor(options: { workers: number; budgetMs?: number }) {
    this.#budgetMs = options.budgetMs ?? DOCUMENT_BUDGET_MS;
    for (let i = 0; i < options.workers; i++) this.#slots.push(this.#spawn());
  }

  #spawn(): Slot {
    const slot: Slot = {
      worker: new Worker(new URL('./extractWorker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } }),
      busy: null,
    };
    slot.worker.on('message', (reply: ExtractReply) => this.#finish(slot, reply));
    slot.worker.on('error', (error) => this.#fail(slot, `the extractor crashed: ${error.message}`, false));
    slot.worker.on('exit', () => this.#fail(slot, 'the extractor stopped', false));
    slot.worker.unref();
    return slot;
  }

  #finish(slot: Slot, answer: PoolAnswer): void {
    const busy = slot.busy;
    if (!busy || busy.seq !== answer.seq) return;
    clearTimeout(busy.timer);
    slot.busy = null;
    busy.resolve(answer);
    this.#waiting.shift()?.(slot);
  }

  /** A worker that died or overran: its document is answered, and a fresh worker takes its place. */
  #fail(slot: Slot, error: string, timeout: boolean): void {
    const busy = slot.busy;
    const index = this.#slots.indexOf(slot);
    if (index < 0) return;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    const fresh = this.#spawn();
    this.#slots[index] = fresh;
    if (busy) {
      clearTimeout(busy.timer);
      busy.resolve({ seq: busy.seq, ok: false, encrypted: false, error, timeout });
    }
    this.#waiting.shift()?.(fresh);
  }

  async extract(bytes: Uint8Array, kind: DocumentKind): Promise<PoolAnswer> {
    const slot = this.#slots.find((s) => s.busy === null) ?? (await new Promise<Slot>((resolve) => this.#waiting.push(resolve)));
    const seq = ++this.#seq;
    return new Promise<PoolAnswer>((resolve) => {
      const timer = setTimeout(() => this.#fail(slot, `extraction took longer than ${this.#budgetMs / 1000} s`, true), this.#budgetMs);
      slot.busy = { seq, resolve, timer };
      slot.worker.postMessage({ seq, bytes, kind } satisfies ExtractJob);
    });
  }

  async close(): Promise<void> {
    for (const slot of this.#slots) {
      slot.worker.removeAllListeners();
      await slot.worker.terminate();
    }
    this.#slots.length = 0;
  }
}
