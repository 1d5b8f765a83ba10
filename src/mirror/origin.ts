import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Where a copy is read from: an export directory or a site's base URL. Everything the mirror
 * commands do goes through `get`, so a directory and a web server are checked the same way.
 */
export interface Origin {
  readonly label: string;
  /** The file's bytes, or null when it is not there (404, ENOENT). Other failures throw. */
  get(path: string): Promise<Buffer | null>;
}

/** Per-request time limit for HTTP origins. */
export const FETCH_TIMEOUT_MS = 10_000;

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
  };
}
