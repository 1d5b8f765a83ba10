/**
 * Rendered responses kept in memory until the archive changes. An archive is read far more than
 * written, and a page is a pure function of the archive and the language, so a page rendered once
 * is served again as stored bytes (with its ETag) until the database says it changed (SQLite's
 * data_version moves when another connection commits, e.g. an ingest running beside the server).
 */

export interface CachedResponse {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export class PageCache {
  readonly #entries = new Map<string, CachedResponse>();
  readonly #maxBytes: number;
  readonly #version: () => string;
  #bytes = 0;
  #seenVersion: string | null = null;

  constructor(maxBytes: number, version: () => string) {
    this.#maxBytes = maxBytes;
    this.#version = version;
  }

  get(key: string): CachedResponse | undefined {
    const version = this.#version();
    if (version !== this.#seenVersion) {
      this.#entries.clear();
      this.#bytes = 0;
      this.#seenVersion = version;
      return undefined;
    }
    const hit = this.#entries.get(key);
    if (hit) {
      // Most recently used last: eviction takes from the front.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, response: CachedResponse): void {
    if (response.body.length > this.#maxBytes / 16) return;
    const old = this.#entries.get(key);
    if (old) this.#bytes -= old.body.length;
    this.#entries.set(key, response);
    this.#bytes += response.body.length;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.body.length;
    }
  }
}
