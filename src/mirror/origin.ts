import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join, resolve } from 'node:path';

/**
 * Where a copy is read from: an export directory or a site's base URL. Everything the mirror
 * commands do goes through `get`, so a directory and a web server are checked the same way.
 */
export interface Origin {
  readonly label: string;
  /** The file's bytes, or null when it is not there (404, ENOENT). Other failures throw. */
  get(path: string): Promise<Buffer | null>;
  /**
   * Appends the file's bytes from `offset` on to `target` (a download resumed where a killed one
   * stopped: HTTP Range); starts over when the server ignores the range. False when it is not there.
   */
  download(path: string, target: string, offset: number): Promise<boolean>;
}

/** Per-request time limit for HTTP origins. */
export const FETCH_TIMEOUT_MS = 10_000;

/** Time limit for one download of a delta pack (tens of MB for a big release). */
const DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

export function openOrigin(location: string): Origin {
  if (/^https?:\/\//i.test(location)) {
    const base = location.replace(/\/+$/, '');
    return {
      label: base,
      async get(path) {
        const response = await fetch(`${base}/${path.split('/').map(encodeURIComponent).join('/')}`, {
          signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
          redirect: 'error',
        });
        if (response.status === 404) return null;
        if (!response.ok) throw new Error(`${base}/${path}: HTTP ${response.status}`);
        return Buffer.from(await response.arrayBuffer());
      },
      async download(path, target, offset) {
        const response = await fetch(`${base}/${path.split('/').map(encodeURIComponent).join('/')}`, {
          signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
          redirect: 'error',
          headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
        });
        if (response.status === 404) return false;
        if (response.status === 416) return true; // nothing after offset: the file is whole
        if (!response.ok || !response.body) throw new Error(`${base}/${path}: HTTP ${response.status}`);
        const resumed = response.status === 206;
        await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(target, { flags: resumed ? 'a' : 'w' }));
        return true;
      },
    };
  }
  const root = resolve(location);
  return {
    label: root,
    async get(path) {
      return readFile(join(root, path)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'EISDIR') return null;
        throw error;
      });
    },
    async download(path, target, offset) {
      const source = join(root, path);
      if (
        !(await stat(source).then(
          (s) => s.isFile(),
          () => false,
        ))
      )
        return false;
      await pipeline(createReadStream(source, { start: offset }), createWriteStream(target, { flags: offset > 0 ? 'a' : 'w' }));
      return true;
    },
  };
}
