import { constants, copyFileSync, linkSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { VNode } from 'preact';
import { renderPage } from '../web/views/layout.js';
import { PART_MESSAGES, parsePart, partOf, partPath, serializePart, sha256Of, type Manifest, type ManifestFile, type ManifestPart } from './manifest.js';
import { withRelativeLinks } from './relativeLinks.js';

/**
 * Writes the files of a new copy beside the live one (siteSnapshots.ts) and lists each in its part
 * of the manifest to be (manifest.ts): a file whose bytes did not change is not written but
 * hard-linked from the live copy; a page whose inputs did not change is not even rendered (`keep`,
 * with pageStamps.ts). Memory holds the parts in use, not the copy's list: the message stage
 * closes each part of message files once it is past it (`closeBelow`), so a million messages
 * (some five million files) are never listed in memory at once. Links and directories are made
 * with synchronous calls: an export makes millions of them (31 µs a message for a directory and
 * two links, 83 µs through the thread pool, measured).
 */
export interface SiteWriter {
  /** The previous export's sha256 of a path. */
  before(path: string): string | undefined;
  /** The previous export's files of a part (read from the live copy when first asked). */
  previousFiles(part: string): readonly ManifestFile[];
  /** The previous export's part names. */
  previousParts(): readonly string[];
  /** The previous export's file, kept as it is (a hard link); false when it is not there to keep. */
  keep(file: ManifestFile): boolean;
  put(path: string, content: Buffer | string): Promise<void>;
  /** A file copied whose sha256 is known (a blob: its name), so unchanged ones are not even read; `share` links it instead (a file never written again). */
  putFile(path: string, source: string, sha256: string, size: number, share?: boolean): Promise<void>;
  /** A rendered page, its links made relative to where it is stored (relativeLinks.ts). */
  putPage(path: string, page: VNode): Promise<void>;
  /**
   * Closes the parts of message (or thread) files below this message (or thread) number: listed and
   * written, out of memory. At 1M the open thread parts alone grew the export by ~100 MB a minute.
   */
  closeBelow(id: number, kind?: 'emails' | 'threads'): void;
  /** Closes one part (all of its files are written): listed and written, out of memory. */
  closePart(name: string): void;
  /** Closes every part: the manifest's parts, and what changed since the previous export. */
  finish(): SiteSummary;
}

export interface SiteSummary {
  readonly parts: ManifestPart[];
  readonly files: number;
  readonly bytes: number;
  /** Files written this time (new or changed), and the previous export's files no longer there. */
  readonly written: number;
  readonly removed: number;
  /** Every file new or changed (for the delta pack). */
  readonly changed: readonly ManifestFile[];
  /** Manifest parts of the live copy that were missing or did not match its manifest: their files were made again. */
  readonly damagedParts: readonly string[];
}

function readFileIfThere(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Directories remembered as made (files of one message, and of the page stage, are written together). */
const MADE_KEPT = 4096;

export function openSiteWriter(live: string | null, outDir: string, previous: Manifest | null): SiteWriter {
  const previousPart = new Map((previous?.parts ?? []).map((p) => [p.name, p]));
  // A format 1 manifest lists every file: its files are cut into parts once, on opening.
  const legacy = new Map<string, ManifestFile[]>();
  for (const f of previous?.files ?? []) {
    const name = partOf(f.path);
    if (!legacy.has(name)) legacy.set(name, []);
    legacy.get(name)!.push(f);
  }
  const beforeParts = new Map<string, Map<string, ManifestFile>>();
  const open = new Map<string, Map<string, ManifestFile>>();
  const closed = new Map<string, ManifestPart>();
  // What changed, for the delta pack: only when there is a previous export to differ from.
  const changed = new Map<string, ManifestFile>();
  const made = new Set<string>();
  let written = 0;
  let removed = 0;
  const damaged = new Set<string>();

  const beforeOf = (name: string): Map<string, ManifestFile> => {
    let part = beforeParts.get(name);
    if (part) return part;
    let files: readonly ManifestFile[] = legacy.get(name) ?? [];
    const listed = previousPart.get(name);
    if (live && listed) {
      // A part the live copy lost or that was changed is not believed: its files are made again
      // (a copy damaged by hand or by a full disk is repaired by the next export, not a crash).
      const bytes = readFileIfThere(join(live, listed.path));
      if (bytes && sha256Of(bytes) === listed.sha256) files = parsePart(bytes, name);
      else damaged.add(name);
    }
    part = new Map(files.map((f) => [f.path, f]));
    beforeParts.set(name, part);
    return part;
  };
  const before = (path: string) => beforeOf(partOf(path)).get(path)?.sha256;
  const partFor = (name: string): Map<string, ManifestFile> => {
    let part = open.get(name);
    if (part) return part;
    part = new Map();
    const done = closed.get(name);
    if (done) {
      // Touched again after it was closed (a message rendered again for a copy of it): reopened.
      for (const f of parsePart(readFileSync(join(outDir, done.path)), name)) part.set(f.path, f);
      closed.delete(name);
      for (const f of beforeOf(name).values()) if (!part.has(f.path)) removed--;
    }
    open.set(name, part);
    return part;
  };
  const record = (file: ManifestFile) => {
    partFor(partOf(file.path)).set(file.path, file);
    if (previous && before(file.path) !== file.sha256) changed.set(file.path, file);
  };
  const close = (name: string) => {
    const files = open.get(name);
    if (!files) return;
    const bytes = serializePart(name, files.values());
    const path = partPath(name);
    ensureDir(path);
    writeFileSync(join(outDir, path), bytes);
    let sum = 0;
    for (const f of files.values()) sum += f.size;
    closed.set(name, { name, path, files: files.size, bytes: sum, size: bytes.length, sha256: sha256Of(bytes) });
    for (const f of beforeOf(name).values()) if (!files.has(f.path)) removed++;
    open.delete(name);
    beforeParts.delete(name);
  };
  const ensureDir = (path: string) => {
    const dir = dirname(join(outDir, path));
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    // The directories made lately, not all of them: a 1M export makes some 2.5 million.
    if (made.size >= MADE_KEPT) made.clear();
    made.add(dir);
  };
  const linked = (path: string, sha256: string): boolean => {
    if (!live || before(path) !== sha256) return false;
    ensureDir(path);
    try {
      linkSync(join(live, path), join(outDir, path));
      return true;
    } catch {
      return false;
    }
  };
  /**
   * Writes a file of the new copy. Most paths are not there yet: written in place, refusing to open
   * one that is (`wx`, COPYFILE_EXCL). A path already there may be a hard link to the live copy
   * (kept earlier in this run, then made again), and writing into it would change the live file:
   * such a path is written under a temporary name and renamed over it.
   */
  const replace = (path: string, write: (target: string, exclusive: boolean) => void) => {
    ensureDir(path);
    const target = join(outDir, path);
    try {
      write(target, true);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      write(`${target}.tmp`, false);
      renameSync(`${target}.tmp`, target);
    }
  };
  const put = async (path: string, content: Buffer | string) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const sha256 = sha256Of(bytes);
    record({ path, size: bytes.length, sha256 });
    if (linked(path, sha256)) return;
    replace(path, (target, exclusive) => writeFileSync(target, bytes, { flag: exclusive ? 'wx' : 'w' }));
    if (before(path) !== sha256) written++;
  };
  return {
    before,
    previousFiles: (name) => [...beforeOf(name).values()],
    previousParts: () => [...new Set([...previousPart.keys(), ...legacy.keys()])],
    keep(file) {
      if (!linked(file.path, file.sha256)) return false;
      record(file);
      return true;
    },
    put,
    async putFile(path, source, sha256, size, share = false) {
      record({ path, size, sha256 });
      if (linked(path, sha256)) return;
      replace(path, (target, exclusive) => {
        if (!share) return copyFileSync(source, target, exclusive ? constants.COPYFILE_EXCL : 0);
        try {
          linkSync(source, target);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
          copyFileSync(source, target, exclusive ? constants.COPYFILE_EXCL : 0);
        }
      });
      if (before(path) !== sha256) written++;
    },
    putPage: (path, page) => put(path, withRelativeLinks(renderPage(page), path)),
    closePart: (name) => close(name),
    closeBelow(id, kind = 'emails') {
      // A part spans PART_MESSAGES message numbers, or four times as many thread numbers (manifest.ts partOf).
      const span = kind === 'emails' ? PART_MESSAGES : 4 * PART_MESSAGES;
      // Deleting the entry being visited is safe in a Map's iteration.
      for (const name of open.keys()) {
        const m = /^(emails|threads)-(\d+)$/.exec(name);
        if (m && m[1] === kind && (Number(m[2]) + 1) * span <= id) close(name);
      }
    },
    finish() {
      for (const name of open.keys()) close(name);
      // Parts of the previous export that this one has nothing in: all their files are gone.
      for (const name of new Set([...previousPart.keys(), ...legacy.keys()]))
        if (!closed.has(name)) removed += previousPart.get(name)?.files ?? legacy.get(name)!.length;
      const parts = [...closed.values()];
      return {
        parts,
        files: parts.reduce((n, p) => n + p.files, 0),
        bytes: parts.reduce((n, p) => n + p.bytes, 0),
        written,
        removed,
        changed: [...changed.values()],
        damagedParts: [...damaged],
      };
    },
  };
}
