/**
 * A bound on expensive work across all clients (searches, mbox downloads, proof bundles), so that a
 * flood from many addresses — which no per-client limit sees — slows searches before pages: the
 * server answers 503 "busy" to a search when the budget is spent, and pages and downloads keep the
 * rest of the process.
 *
 * The budget is in milliseconds of work per second of wall time, not in requests: a search costs
 * what it took (3 ms for a word, 200 ms for a one-letter prefix at 100k messages), measured when it
 * ends. A bucket holds up to `burstMs`, refills at `msPerSecond`; work may start while the bucket is
 * above zero and fewer than `concurrent` are running.
 */
export interface WorkBudgetOptions {
  /** Work per second of wall time (default 400: at most ~40% of the main thread on searches). */
  readonly msPerSecond?: number;
  /** What an idle server may spend at once (default 1,000 ms). */
  readonly burstMs?: number;
  /** Expensive answers running at once, at most (default 4). */
  readonly concurrent?: number;
  readonly now?: () => number;
}

export class WorkBudget {
  private readonly rate: number;
  private readonly burst: number;
  private readonly concurrent: number;
  private readonly now: () => number;
  private tokens: number;
  private updated: number;
  private running = 0;
  /** Refused starts since the server began, for the log and the benchmarks. */
  refused = 0;

  constructor(options: WorkBudgetOptions = {}) {
    this.rate = options.msPerSecond ?? 400;
    this.burst = options.burstMs ?? 1000;
    this.concurrent = options.concurrent ?? 4;
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.updated = this.now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) * this.rate) / 1000);
    this.updated = now;
  }

  /** Whether work could start now (nothing is taken): lets a server refuse before doing anything else. */
  available(): boolean {
    this.refill();
    return this.tokens > 0 && this.running < this.concurrent;
  }

  /** Starts a piece of work if the budget allows: call the returned function when it ends. */
  tryStart(): (() => void) | null {
    this.refill();
    if (this.tokens <= 0 || this.running >= this.concurrent) {
      this.refused++;
      return null;
    }
    this.running++;
    const started = this.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.running--;
      this.refill();
      this.tokens -= this.now() - started;
    };
  }
}
