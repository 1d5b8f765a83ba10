import { copyFileSync, linkSync, mkdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { VNode } from 'preact';
import { renderPage } from '../web/views/layout.js';
import { sha256Of, type ManifestFile } from './manifest.js';
import { withRelativeLinks } from './relativeLinks.js';

/**
 * Writes the files of a new copy beside the live one (siteSnapshots.ts) and records each in the
 * manifest to be: a file whose bytes did not change is not written but hard-linked from the live
 * copy; a page whose inputs did not change is not even rendered (`keep`, with pageStamps.ts).
 * Links and directories are made with synchronous calls: an export is a batch of millions of them
 * (31 µs a message for a directory and two links, 83 µs through the thread pool, measured).
 */
export interface SiteWriter {
  /** The new copy's files so far. */
  readonly files: Map<string, ManifestFile>;
  /** Files written this time (new or changed). */
  written(): number;
  /** The previous export's sha256 of a path. */
  readonly before: ReadonlyMap<string, string>;
  /** The previous export's file, kept as it is (a hard link); false when it is not there to keep. */
  keep(file: ManifestFile): boolean;
  put(path: string, content: Buffer | string): Promise<void>;
  /** A file copied whose sha256 is known (a blob: its name), so unchanged ones are not even read; `share` links it instead (a file never written again). */
  putFile(path: string, source: string, sha256: string, size: number, share?: boolean): Promise<void>;
  /** A rendered page, its links made relative to where it is stored (relativeLinks.ts). */
  putPage(path: string, page: VNode): Promise<void>;
}

export function openSiteWriter(live: string | null, outDir: string, previousFiles: readonly ManifestFile[]): SiteWriter {
  const before = new Map(previousFiles.map((f) => [f.path, f.sha256]));
  const files = new Map<string, ManifestFile>();
  const made = new Set<string>();
  let written = 0;
  const ensureDir = (path: string) => {
    const dir = dirname(join(outDir, path));
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  };
  const linked = (path: string, sha256: string): boolean => {
    if (!live || before.get(path) !== sha256) return false;
    ensureDir(path);
    try {
      linkSync(join(live, path), join(outDir, path));
      return true;
    } catch {
      return false;
    }
  };
  /**
   * Writes through a temporary name: a path of the staging copy may be a hard link to the live
   * one, and writing into it would change the live file too.
   */
  const replace = async (path: string, write: (tmp: string) => Promise<void> | void) => {
    ensureDir(path);
    const target = join(outDir, path);
    await write(`${target}.tmp`);
    await rename(`${target}.tmp`, target);
  };
  const put = async (path: string, content: Buffer | string) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const sha256 = sha256Of(bytes);
    files.set(path, { path, size: bytes.length, sha256 });
    if (linked(path, sha256)) return;
    await replace(path, (tmp) => writeFile(tmp, bytes));
    if (before.get(path) !== sha256) written++;
  };
  return {
    files,
    before,
    written: () => written,
    keep(file) {
      if (!linked(file.path, file.sha256)) return false;
      files.set(file.path, file);
      return true;
    },
    put,
    async putFile(path, source, sha256, size, share = false) {
      files.set(path, { path, size, sha256 });
      if (linked(path, sha256)) return;
      await replace(path, (tmp) => {
        if (!share) return copyFileSync(source, tmp);
        try {
          linkSync(source, tmp);
        } catch {
          copyFileSync(source, tmp);
        }
      });
      if (before.get(path) !== sha256) written++;
    },
    putPage: (path, page) => put(path, withRelativeLinks(renderPage(page), path)),
  };
}
