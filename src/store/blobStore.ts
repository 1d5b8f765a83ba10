import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { sha256Hex } from '../mail/contentHash.js';

let tempCounter = 0;

/**
 * Content-addressed blobs: raw messages and attachments, at `blobs/ab/cd/<sha256>`. A blob is
 * written once (temp file, fsync, rename), so a reader never sees half a blob and a crash leaves at
 * worst a temp file, which the next ingest removes. The file system is the source of truth for raw
 * bytes; everything in SQL can be rebuilt from it.
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

  /** Stores bytes under their sha256 (computed unless given); returns the hash and whether it was new. */
  put(bytes: Uint8Array, knownSha256?: string): { sha256: string; created: boolean } {
    const sha256 = knownSha256 ?? sha256Hex(bytes);
    const target = this.pathOf(sha256);
    if (existsSync(target)) return { sha256, created: false };
    this.#ensureDir(join(this.#root, sha256.slice(0, 2), sha256.slice(2, 4)));
    this.#ensureDir(this.#tmp);
    const temp = join(this.#tmp, `${sha256}.${process.pid}.${threadId}.${tempCounter++}`);
    const fd = openSync(temp, 'w', 0o644);
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    return { sha256, created: true };
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
