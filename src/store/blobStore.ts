import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { sha256Hex } from '../mail/contentHash.js';

let tempCounter = 0;

/** fsync calls in flight at once when a batch is made durable (libuv runs them on its thread pool). */
const SYNC_CONCURRENCY = 16;

/**
 * Content-addressed blobs: raw messages and attachments, at `blobs/ab/cd/<sha256>`. A blob is
 * written once (temp file, rename), so a reader never sees half a blob and a crash leaves at worst
 * a temp file, which the next ingest removes. The file system is the source of truth for raw
 * bytes; everything in SQL can be rebuilt from it.
 *
 * Durability is batched: put() does not fsync; the ingest calls makeDurable() with a batch's new
 * blobs before the commit that refers to them, which fsyncs the files and their directories
 * together. One fsync per blob on the parser threads cost them 37% of their time (profiled), and a
 * rename whose directory is never fsynced was not durable either.
 *
 * Writes are synchronous on purpose: they run on parser worker threads, where blocking is free,
 * and going through libuv's small shared thread pool made ingest latency-bound (measured: workers
 * idle 60% of the time with async writes).
 */
export class BlobStore {
  readonly #root: string;
  readonly #tmp: string;
  readonly #madeDirs = new Set<string>();

  constructor(dataDir: string) {
    this.#root = join(dataDir, 'blobs');
    this.#tmp = join(dataDir, 'tmp');
  }

  /** Path of a blob (it may not exist). */
  pathOf(sha256: string): string {
    return join(this.#root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  #ensureDir(dir: string): void {
    if (this.#madeDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.#madeDirs.add(dir);
  }

  /**
   * Stores bytes under their sha256 (computed unless given); returns the hash and whether it was
   * new. A new blob is visible at once but durable only after makeDurable().
   */
  put(bytes: Uint8Array, knownSha256?: string): { sha256: string; created: boolean } {
    const sha256 = knownSha256 ?? sha256Hex(bytes);
    const target = this.pathOf(sha256);
    if (existsSync(target)) return { sha256, created: false };
    this.#ensureDir(dirname(target));
    this.#ensureDir(this.#tmp);
    const temp = join(this.#tmp, `${sha256}.${process.pid}.${threadId}.${tempCounter++}`);
    const fd = openSync(temp, 'w', 0o644);
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    return { sha256, created: true };
  }

  /**
   * Makes blobs durable: fsyncs each file, then each directory that names one (a rename is durable
   * only once its directory is) and the directories above them, up to blobs/. Files first, so that
   * no directory entry can outlive its contents in a power cut.
   */
  async makeDurable(sha256s: Iterable<string>): Promise<void> {
    const files = [...new Set(sha256s)].map((sha256) => this.pathOf(sha256));
    if (files.length === 0) return;
    await syncAll(files);
    const dirs = new Set<string>();
    for (const file of files) {
      for (let dir = dirname(file); dir.length >= this.#root.length; dir = dirname(dir)) dirs.add(dir);
    }
    await syncAll([...dirs]);
  }

  async read(sha256: string): Promise<Buffer> {
    return readFile(this.pathOf(sha256));
  }

  /** Removes temp files left by an interrupted run (they are never referenced). */
  clearTemp(): void {
    rmSync(this.#tmp, { recursive: true, force: true });
    this.#madeDirs.delete(this.#tmp);
  }
}

/** fsyncs every path (files or directories), SYNC_CONCURRENCY at a time. */
async function syncAll(paths: readonly string[]): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < paths.length) {
      const handle = await open(paths[next++]!, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SYNC_CONCURRENCY, paths.length) }, runner));
}
