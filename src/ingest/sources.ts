import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { appleMailbox } from './emlx.js';
import { EML_EXTENSIONS, HEADER_LINE, looksLikeMbox, MBOX_EXTENSIONS } from './fileKind.js';
import { isOutlookMsg } from './outlookMsg.js';
import { isOutlookStore } from './outlookPst.js';
import { ARCHIVE_EXTENSION, archiveFormat, type ArchiveFormat } from './archiveReader.js';

/** One file holding one message, found in a Maildir or a directory tree of .eml files. */
export interface MessageFile {
  /** Path relative to the source root, with '/' separators; also the sort key and resume cursor. */
  readonly relPath: string;
  /** Stable name of the message inside the source (Maildir: without the cur/new part and flags). */
  readonly locator: string;
  readonly folder: string;
  readonly size: number;
  /** Apple Mail's .emlx (length line, message, property list) or an Outlook .msg item; otherwise the file is the message. */
  readonly format?: 'emlx' | 'msg';
}

/** A stream of messages in one mbox file (optionally gzip'd). */
export interface MboxSource {
  readonly kind: 'mbox';
  readonly key: string;
  readonly path: string;
  readonly gzip: boolean;
  readonly folder: string;
  readonly size: number;
  readonly fingerprint: string;
}

/** One-message-per-file sources: Maildir(++) folders, .eml trees, a single .eml. */
export interface FilesSource {
  readonly kind: 'files';
  readonly key: string;
  readonly root: string;
  readonly files: readonly MessageFile[];
  readonly size: number;
  readonly fingerprint: string;
}

/** A zip, tar or tar.gz file of mail (any of the above inside, archives inside archives too). */
export interface ArchiveSource {
  readonly kind: 'archive';
  readonly key: string;
  readonly path: string;
  readonly format: ArchiveFormat;
  readonly folder: string;
  readonly size: number;
  readonly fingerprint: string;
}

/** An Outlook .pst / .ost store: every folder and item in it. */
export interface OutlookStoreSource {
  readonly kind: 'pst';
  readonly key: string;
  readonly path: string;
  readonly size: number;
  readonly fingerprint: string;
}

export type Source = MboxSource | FilesSource | ArchiveSource | OutlookStoreSource;

/** A file in a tree that is not mail (or not one we can read) and was left aside, with why. */
export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

/** Maildir bookkeeping files written by mail servers; never messages. */
/** Apple Mail's files beside the messages of a `.mbox` directory. */
const APPLE_MAIL_METADATA = /\.plist$|^\.mboxCache/i;
const MAILDIR_METADATA = /^(dovecot|courier|maildirfolder|maildirsize|subscriptions|\.uidvalidity|\.mh_sequences)/i;

async function head(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function isGzipMagic(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function mboxFolderName(path: string): string {
  return (
    basename(path)
      .replace(/\.gz$/i, '')
      .replace(/\.(mbox|mbx|mbs|mboxrd)$/i, '') || basename(path)
  );
}

/** Maildir++ names a sub-folder `.Lists.linux`; show it as `Lists/linux`. The root is INBOX. */
function maildirFolderName(relDir: string): string {
  if (relDir === '') return 'INBOX';
  return relDir
    .split('/')
    .map((segment) => segment.replace(/^\./, '').split('.').join('/'))
    .filter((segment) => segment.length > 0)
    .join('/');
}

type FileClass = 'mbox' | 'mbox-gzip' | 'eml' | 'emlx' | 'msg' | 'pst' | 'archive' | 'not-mail';

async function classifyFile(path: string): Promise<FileClass> {
  const ext = extname(path).toLowerCase();
  const first = await head(path, 512);
  if (archiveFormat(path, first)) return 'archive';
  if (isGzipMagic(first)) return 'mbox-gzip';
  if (ext === '.emlx') return 'emlx';
  if (isOutlookMsg(path, first)) return 'msg';
  if (isOutlookStore(first)) return 'pst';
  if (MBOX_EXTENSIONS.has(ext)) return 'mbox';
  if (EML_EXTENSIONS.has(ext)) return 'eml';
  const text = first.toString('latin1');
  if (looksLikeMbox(text)) return 'mbox';
  if (HEADER_LINE.test(text)) return 'eml';
  return 'not-mail';
}

function fingerprintOf(entries: ReadonlyArray<{ size: number; mtimeMs: number }>): string {
  let size = 0;
  let mtime = 0;
  for (const entry of entries) {
    size += entry.size;
    mtime = Math.max(mtime, entry.mtimeMs);
  }
  return `${entries.length}:${size}:${Math.round(mtime)}`;
}

interface Walked {
  files: Array<MessageFile & { mtimeMs: number }>;
  mboxes: string[];
  archives: string[];
  stores: string[];
  skipped: SkippedFile[];
}

/** Walks a directory tree in sorted order: Maildir folders, .eml files and mbox files inside it. */
async function walk(root: string): Promise<Walked> {
  const out: Walked = { files: [], mboxes: [], archives: [], stores: [], skipped: [] };
  const stack: string[] = [root];
  while (stack.length > 0) {
    // Iterative, not recursive: a hostile tree thousands of levels deep must not overflow the stack.
    const dir = stack.pop()!;
    const entries = await listDir(dir, out);
    if (!entries) continue;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const names = new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name));
    const isMaildir = names.has('cur') && names.has('new');
    const relDir = relative(root, dir).split(sep).join('/');
    const subdirs: string[] = [];
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (isMaildir && (entry.name === 'cur' || entry.name === 'new')) {
          await collectMaildirMessages(root, full, relDir, out);
        } else if (!(isMaildir && entry.name === 'tmp')) {
          subdirs.push(full);
        }
        continue;
      }
      if (!entry.isFile()) continue;
      if (isMaildir && MAILDIR_METADATA.test(entry.name)) continue;
      if (isMaildir || entry.name.startsWith('.')) continue; // files beside cur/new are bookkeeping
      await collectLooseFile(root, full, relDir, out);
    }
    // Reverse so the stack pops sub-directories in sorted order.
    for (const sub of subdirs.reverse()) stack.push(sub);
  }
  out.files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return out;
}

/** A directory's entries, or null (and the directory listed as skipped) when it cannot be read. */
async function listDir(dir: string, out: Walked) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    out.skipped.push({ path: dir, reason: `cannot read directory: ${(error as Error).message}` });
    return null;
  }
}

async function collectMaildirMessages(root: string, dir: string, relDir: string, out: Walked): Promise<void> {
  const entries = await listDir(dir, out);
  if (!entries) return;
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    const info = await stat(full);
    const relPath = relative(root, full).split(sep).join('/');
    // The unique part of a Maildir name stays when the file moves from new/ to cur/ or its flags change.
    const unique = entry.name.replace(/[:!;]2,[^/]*$/, '');
    out.files.push({
      relPath,
      locator: relDir ? `${relDir}/${unique}` : unique,
      folder: maildirFolderName(relDir),
      size: info.size,
      mtimeMs: info.mtimeMs,
    });
  }
}

async function collectLooseFile(root: string, full: string, relDir: string, out: Walked): Promise<void> {
  let kind: FileClass;
  let info;
  try {
    info = await stat(full);
    kind = info.size === 0 ? 'eml' : await classifyFile(full);
  } catch (error) {
    out.skipped.push({ path: full, reason: `cannot read: ${(error as Error).message}` });
    return;
  }
  if (kind === 'mbox' || kind === 'mbox-gzip') {
    out.mboxes.push(full);
  } else if (kind === 'archive') {
    out.archives.push(full);
  } else if (kind === 'pst') {
    out.stores.push(full);
  } else if (kind === 'eml' || kind === 'emlx' || kind === 'msg') {
    const relPath = relative(root, full).split(sep).join('/');
    out.files.push({
      relPath,
      locator: relPath,
      folder: (kind === 'emlx' ? appleMailbox(relDir) : null) ?? (relDir === '' ? basename(root) : relDir),
      size: info.size,
      mtimeMs: info.mtimeMs,
      ...(kind === 'emlx' || kind === 'msg' ? { format: kind } : {}),
    });
  } else if (APPLE_MAIL_METADATA.test(basename(full)) && appleMailbox(relDir) !== null) {
    // Apple Mail's own bookkeeping inside a mailbox: never mail, not worth a line in the summary.
  } else {
    out.skipped.push({ path: full, reason: 'not mail: no mbox envelope and no header line at the start' });
  }
}

async function archiveSource(path: string): Promise<ArchiveSource> {
  const info = await stat(path);
  return {
    kind: 'archive',
    key: path,
    path,
    format: archiveFormat(path, await head(path, 512))!,
    folder: basename(path).replace(ARCHIVE_EXTENSION, '') || basename(path),
    size: info.size,
    fingerprint: fingerprintOf([info]),
  };
}

async function storeSource(path: string): Promise<OutlookStoreSource> {
  const info = await stat(path);
  return { kind: 'pst', key: path, path, size: info.size, fingerprint: fingerprintOf([info]) };
}

async function mboxSource(path: string): Promise<MboxSource> {
  const info = await stat(path);
  const first = await head(path, 2);
  return {
    kind: 'mbox',
    key: path,
    path,
    gzip: isGzipMagic(first),
    folder: mboxFolderName(path),
    size: info.size,
    fingerprint: fingerprintOf([info]),
  };
}

/**
 * Turns the paths given on the command line into sources, in a deterministic order (the order
 * given; sorted inside directories) so that ids are assigned the same way on every run.
 * A path that does not exist or cannot be read is a UsageError, raised before anything is written.
 */
export async function expandSources(paths: readonly string[]): Promise<{ sources: Source[]; skipped: SkippedFile[] }> {
  const sources: Source[] = [];
  const skipped: SkippedFile[] = [];
  const resolved: string[] = [];
  for (const given of paths) {
    try {
      resolved.push(await realpath(given));
      await stat(given);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      throw new UsageError(`cannot read ${given}: ${why}`);
    }
  }
  for (const path of resolved) {
    const info = await stat(path);
    if (info.isDirectory()) {
      const walked = await walk(path);
      skipped.push(...walked.skipped);
      if (walked.files.length > 0) {
        sources.push({
          kind: 'files',
          key: path,
          root: path,
          files: walked.files,
          size: walked.files.reduce((sum, f) => sum + f.size, 0),
          fingerprint: fingerprintOf(walked.files),
        });
      }
      for (const mbox of walked.mboxes) sources.push(await mboxSource(mbox));
      for (const archive of walked.archives) sources.push(await archiveSource(archive));
      for (const store of walked.stores) sources.push(await storeSource(store));
    } else {
      let kind: FileClass;
      try {
        kind = info.size === 0 ? 'eml' : await classifyFile(path);
      } catch (error) {
        throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
      }
      if (kind === 'mbox' || kind === 'mbox-gzip') {
        sources.push(await mboxSource(path));
      } else if (kind === 'archive') {
        sources.push(await archiveSource(path));
      } else if (kind === 'pst') {
        sources.push(await storeSource(path));
      } else {
        // A single file that is not an mbox is one message, whatever it holds: nothing is dropped.
        const name = basename(path);
        sources.push({
          kind: 'files',
          key: path,
          root: join(path, '..'),
          files: [
            {
              relPath: name,
              locator: name,
              folder: basename(join(path, '..')),
              size: info.size,
              ...(kind === 'emlx' || kind === 'msg' ? { format: kind } : {}),
            },
          ],
          size: info.size,
          fingerprint: fingerprintOf([info]),
        });
      }
    }
  }
  return { sources, skipped };
}
