import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { basename, extname, join, posix } from 'node:path';
import * as yauzl from 'yauzl';
import * as tarStream from 'tar-stream';
import type { BytesReadCallback, SourceItem, SourceProblem } from './rawMessage.js';
import { readMboxStream } from './mboxReader.js';
import { appleMailbox, emlxMessage } from './emlx.js';
import { withoutEnvelope } from './envelope.js';
import { EML_EXTENSIONS, HEADER_LINE, looksLikeMbox, MBOX_EXTENSIONS } from './fileKind.js';
import { isOutlookMsg, outlookItem } from './outlookMsg.js';
import { isOutlookStore, readPst } from './outlookPst.js';

/**
 * zip, tar and tar.gz files of mail: every entry that is a message (.eml, an .emlx, a Maildir file,
 * an mbox) is read from the archive in memory — nothing is ever written out, so an entry whose path
 * climbs out of the archive (zip-slip) is harmless, and is still refused and listed — and archives
 * inside archives are opened too, to MAX_ARCHIVE_DEPTH.
 *
 * Resume: items are numbered in archive order (which never changes for one file), and the cursor of
 * a message is its number; a resumed read skips that many items.
 */

export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz' | '7z' | 'rar';

/** Archives inside archives are opened this deep (a zip of zips of mail); deeper ones are refused. */
export const MAX_ARCHIVE_DEPTH = 3;
/** An entry larger than this is refused (zip bombs; a message that big belongs in an mbox file outside). */
export const MAX_ENTRY_BYTES = 256 * 1024 * 1024;
/** Entries read from one archive at most, nested ones included. */
export const MAX_ENTRIES = 1_000_000;

const SEVEN_ZIP_MAGIC = Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);
/** Debian's 7-Zip (package 7zip), run per entry: there is no maintained 7z reader for Node. */
const SEVEN_ZIP = '7zz';
/** Time one 7-Zip listing or extraction may take (a hostile archive must not hang the ingest). */
const SEVEN_ZIP_TIMEOUT_MS = 120_000;

/** Unix file types in a zip entry's external attributes (high 16 bits), as zip tools write them. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** What an archive's name ends with, taken off to name its folder. */
export const ARCHIVE_EXTENSION = /\.(zip|tar|tgz|tar\.gz|7z|rar)$/i;

/** RAR 1.5–4 ("Rar!\x1a\x07\x00") and RAR 5 ("Rar!\x1a\x07\x01\x00"). */
const RAR_MAGIC = Buffer.from('Rar!\x1a\x07', 'latin1');

/** Entries that may be messages by name: those of files on disk, and names without an extension. */
const ENTRY_EML_EXTENSIONS = new Set([...EML_EXTENSIONS, '']);

/** The archive format of a file from its first bytes and name, or null when it is not one. */
export function archiveFormat(name: string, first: Buffer): ArchiveFormat | null {
  if (first.length >= 4 && first[0] === 0x50 && first[1] === 0x4b && (first[2] === 3 || first[2] === 5) && (first[3] === 4 || first[3] === 6)) return 'zip';
  if (first.length >= 262 && first.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  if (first.length >= 6 && first.subarray(0, 6).equals(SEVEN_ZIP_MAGIC)) return '7z';
  if (first.length >= 6 && first.subarray(0, 6).equals(RAR_MAGIC)) return 'rar';
  // A gzip'd file is an mbox unless its name says tar (the gzip header does not tell).
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b && /\.(tgz|tar\.gz)$/i.test(name)) return 'tar.gz';
  return null;
}

interface Entry {
  readonly name: string;
  readonly bytes: Buffer;
  /** Bytes of the archive file it took (compressed), for progress; 0 when the stream counts them. */
  readonly fileBytes: number;
}

type EntryOrProblem = { readonly entry: Entry } | { readonly problem: SourceProblem };

/** The entries of a zip, in the archive's order; unreadable ones (encrypted, unsafe names, too big) as problems. */
async function* zipEntries(zip: yauzl.ZipFile, prefix: string): AsyncGenerator<EntryOrProblem> {
  for await (const entry of zip.eachEntry()) {
    // Names are decoded here, not by yauzl, which stops the whole archive at the first unsafe name.
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
    const unsafe = yauzl.validateFileName(name);
    if (name.endsWith('/')) continue;
    if (unsafe !== null) {
      yield refused(prefix + name, 'archive-entry-refused', `the entry's path is unsafe (${unsafe}): not read`);
    } else if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
      yield refused(prefix + name, 'archive-entry-refused', 'a symbolic link: never followed');
    } else if (entry.isEncrypted()) {
      yield refused(prefix + name, 'archive-entry-encrypted', 'the entry is encrypted: not read');
    } else if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
      yield refused(prefix + name, 'archive-entry-too-large', `${entry.uncompressedSize} bytes, more than ${MAX_ENTRY_BYTES}: not read`);
    } else {
      try {
        // yauzl checks the declared size against the bytes it inflates (validateEntrySizes).
        yield { entry: { name, bytes: await collect(await zip.openReadStreamPromise(entry), MAX_ENTRY_BYTES), fileBytes: entry.compressedSize } };
      } catch (error) {
        yield refused(prefix + name, 'archive-entry-unreadable', (error as Error).message);
      }
    }
  }
}

/** The entries of a tar stream, in order. */
async function* tarEntries(stream: Readable, prefix: string): AsyncGenerator<EntryOrProblem> {
  const extract = tarStream.extract();
  stream.on('error', (error) => extract.destroy(error));
  stream.pipe(extract);
  for await (const entry of extract) {
    const { name, type, size = 0, linkname } = entry.header;
    if (type === 'symlink' || type === 'link') {
      entry.resume();
      yield refused(prefix + name, 'archive-entry-refused', `a link (to ${linkname ?? '?'}): never followed`);
      continue;
    }
    if (type !== 'file' && type !== 'contiguous-file') {
      entry.resume();
      continue;
    }
    const normal = posix.normalize(name);
    if (posix.isAbsolute(name) || normal === '..' || normal.startsWith('../')) {
      entry.resume();
      yield refused(prefix + name, 'archive-entry-refused', "the entry's path climbs out of the archive: not read");
    } else if (size > MAX_ENTRY_BYTES) {
      entry.resume();
      yield refused(prefix + name, 'archive-entry-too-large', `${size} bytes, more than ${MAX_ENTRY_BYTES}: not read`);
    } else {
      yield { entry: { name, bytes: await collect(entry as AsyncIterable<Buffer>, MAX_ENTRY_BYTES), fileBytes: 0 } };
    }
  }
}

/**
 * The entries of a 7z file: listed by 7-Zip (-slt: one block of "Key = value" lines an entry), each
 * then extracted alone to standard output (never to disk; -spd: names are names, not wildcards; a
 * dummy password so that an encrypted entry fails instead of asking).
 */
async function* sevenZipEntries(path: string, prefix: string): AsyncGenerator<EntryOrProblem> {
  const { stdout } = await run(SEVEN_ZIP, ['l', '-slt', '-ba', '-p_', path], 64 * 1024 * 1024);
  for (const block of stdout.toString('utf8').split(/\r?\n\r?\n/)) {
    const field = (key: string) => new RegExp(`^${key} = (.*)$`, 'm').exec(block)?.[1];
    const name = field('Path');
    if (name === undefined || field('Folder') === '+' || (field('Attributes') ?? '').startsWith('D')) continue;
    const size = Number(field('Size') ?? 0);
    const normal = posix.normalize(name);
    if (posix.isAbsolute(name) || normal === '..' || normal.startsWith('../')) {
      yield refused(prefix + name, 'archive-entry-refused', "the entry's path climbs out of the archive: not read");
    } else if (/ l/.test(field('Attributes') ?? '')) {
      yield refused(prefix + name, 'archive-entry-refused', 'a symbolic link: never followed');
    } else if (field('Encrypted') === '+') {
      yield refused(prefix + name, 'archive-entry-encrypted', 'the entry is encrypted: not read');
    } else if (size > MAX_ENTRY_BYTES) {
      yield refused(prefix + name, 'archive-entry-too-large', `${size} bytes, more than ${MAX_ENTRY_BYTES}: not read`);
    } else {
      try {
        const { stdout: bytes } = await run(SEVEN_ZIP, ['x', '-so', '-spd', '-p_', path, '--', name], MAX_ENTRY_BYTES);
        yield { entry: { name, bytes, fileBytes: Number(field('Packed Size') ?? 0) } };
      } catch (error) {
        yield refused(prefix + name, 'archive-entry-unreadable', (error as Error).message.split('\n')[0]!);
      }
    }
  }
}

interface LsarEntry {
  readonly XADFileName?: string;
  readonly XADIndex?: number;
  readonly XADFileSize?: number;
  readonly XADCompressedSize?: number;
  readonly XADIsDirectory?: number;
  readonly XADIsLink?: number;
  readonly XADIsEncrypted?: number;
}

/**
 * The entries of a RAR file, with Debian's unar (The Unarchiver; Debian's 7-Zip has no RAR codec):
 * listed by `lsar -j`, each extracted alone by its index to standard output, never to disk.
 */
async function* rarEntries(path: string, prefix: string): AsyncGenerator<EntryOrProblem> {
  const { stdout } = await run('lsar', ['-j', path], 64 * 1024 * 1024);
  const listing = JSON.parse(stdout.toString('utf8')) as { lsarContents?: LsarEntry[] };
  for (const e of listing.lsarContents ?? []) {
    const name = e.XADFileName ?? String(e.XADIndex);
    const normal = posix.normalize(name);
    if (e.XADIsDirectory) continue;
    if (posix.isAbsolute(name) || normal === '..' || normal.startsWith('../')) {
      yield refused(prefix + name, 'archive-entry-refused', "the entry's path climbs out of the archive: not read");
    } else if (e.XADIsLink) {
      yield refused(prefix + name, 'archive-entry-refused', 'a symbolic link: never followed');
    } else if (e.XADIsEncrypted) {
      yield refused(prefix + name, 'archive-entry-encrypted', 'the entry is encrypted: not read');
    } else if ((e.XADFileSize ?? 0) > MAX_ENTRY_BYTES) {
      yield refused(prefix + name, 'archive-entry-too-large', `${e.XADFileSize} bytes, more than ${MAX_ENTRY_BYTES}: not read`);
    } else {
      try {
        const { stdout: bytes } = await run('unar', ['-q', '-o', '-', '-p', '_', '-i', path, String(e.XADIndex)], MAX_ENTRY_BYTES);
        yield { entry: { name, bytes, fileBytes: e.XADCompressedSize ?? 0 } };
      } catch (error) {
        yield refused(prefix + name, 'archive-entry-unreadable', (error as Error).message.split('\n')[0]!);
      }
    }
  }
}

/** Reads bytes with a reader that needs a file: a private temporary file, removed when the reading ends. */
async function* fromTempFile<T>(bytes: Buffer, name: string, read: (path: string) => AsyncGenerator<T>): AsyncGenerator<T> {
  const dir = mkdtempSync(join(tmpdir(), 'epistola-'));
  try {
    writeFileSync(join(dir, name), bytes);
    yield* read(join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a program to completion, its output as bytes; a failure's message is its stderr. */
function run(program: string, args: string[], maxBuffer: number): Promise<{ stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { encoding: 'buffer', maxBuffer, timeout: SEVEN_ZIP_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program}: ${stderr.toString('utf8').trim() || error.message}`));
      else resolve({ stdout });
    });
  });
}

function refused(locator: string, kind: SourceProblem['kind'], detail: string): { problem: SourceProblem } {
  return { problem: { locator, kind, detail } };
}

async function collect(stream: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    if (total > limit) throw new Error(`more than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** The entries of an archive held in memory (an archive inside an archive). */
async function* entriesOfBuffer(format: ArchiveFormat, bytes: Buffer, prefix: string): AsyncGenerator<EntryOrProblem> {
  // 7-Zip reads files only.
  if (format === '7z') yield* fromTempFile(bytes, 'inner.7z', (path) => sevenZipEntries(path, prefix));
  else if (format === 'rar') yield* fromTempFile(bytes, 'inner.rar', (path) => rarEntries(path, prefix));
  else if (format === 'zip') yield* zipEntries(await yauzl.fromBufferPromise(bytes, { lazyEntries: true, decodeStrings: false }), prefix);
  else yield* tarEntries(format === 'tar' ? Readable.from([bytes]) : Readable.from([bytes]).pipe(createGunzip()), prefix);
}

/** The folder of an entry: the archive's name and the entry's directory (Maildir cur/new and Apple Mail's layout understood). */
function folderOf(archiveFolder: string, entryName: string): string {
  const dir = posix.dirname(entryName);
  if (dir === '.') return archiveFolder;
  const apple = appleMailbox(dir);
  const maildir = dir.replace(/(^|\/)(cur|new)$/, '');
  return `${archiveFolder}/${apple ?? (maildir || dir)}`;
}

/** The messages (and problems) one entry holds. */
async function* itemsOfEntry(entry: Entry, prefix: string, folder: string, depth: number): AsyncGenerator<SourceItem> {
  const locator = prefix + entry.name;
  const ext = extname(entry.name).toLowerCase();
  if (entry.bytes.length === 0) {
    yield refused(locator, 'empty-file', 'empty file: no message in it');
    return;
  }
  const nested = archiveFormat(entry.name, entry.bytes.subarray(0, 512));
  if (nested) {
    if (depth >= MAX_ARCHIVE_DEPTH) {
      yield refused(locator, 'archive-too-deep', `an archive inside ${depth} archives: not opened (at most ${MAX_ARCHIVE_DEPTH})`);
      return;
    }
    try {
      for await (const inner of entriesOfBuffer(nested, entry.bytes, `${locator}!/`)) {
        if ('problem' in inner) yield inner;
        else yield* itemsOfEntry(inner.entry, `${locator}!/`, `${folder}/${basename(entry.name).replace(ARCHIVE_EXTENSION, '')}`, depth + 1);
      }
    } catch (error) {
      yield refused(locator, 'archive-unreadable', (error as Error).message);
    }
    return;
  }
  const text = entry.bytes.subarray(0, 512).toString('latin1');
  const entryFolder = folderOf(folder, entry.name);
  if (MBOX_EXTENSIONS.has(ext) || looksLikeMbox(text)) {
    for await (const item of readMboxStream(Readable.from([entry.bytes]) as AsyncIterable<Buffer>, { folder: entryFolder, baseOffset: 0 })) {
      yield 'problem' in item
        ? { problem: { ...item.problem, locator: `${locator}@${item.problem.locator}` } }
        : { message: { ...item.message, locator: `${locator}@${item.message.locator}` } };
    }
    return;
  }
  if (isOutlookStore(entry.bytes)) {
    // pst-extractor reads files.
    for await (const item of fromTempFile(entry.bytes, 'store.pst', (path) => readPst(path, { resumeAfter: null }))) {
      yield 'problem' in item
        ? { problem: { ...item.problem, locator: `${locator}!/${item.problem.locator}` } }
        : { message: { ...item.message, locator: `${locator}!/${item.message.locator}`, folder: `${entryFolder}/${item.message.folder}` } };
    }
    return;
  }
  if (isOutlookMsg(entry.name, entry.bytes)) {
    const item = await outlookItem(entry.bytes, entry.name);
    yield { message: { bytes: item.bytes, locator, offset: null, folder: entryFolder, cursor: '', envelope: null, notes: item.notes } };
    return;
  }
  let bytes = entry.bytes;
  if (ext === '.emlx') {
    const emlx = emlxMessage(bytes);
    if (emlx) bytes = emlx.message;
    if (emlx?.lengthWrong) yield refused(locator, 'emlx-length-wrong', 'the .emlx length line is wrong: the message is taken up to its property list');
  } else if (!(ENTRY_EML_EXTENSIONS.has(ext) || /[:!;]2,/.test(entry.name)) || !HEADER_LINE.test(text)) {
    yield refused(locator, 'not-mail', 'an archive entry that is not mail: no header line at the start');
    return;
  }
  const { message, envelope } = withoutEnvelope(bytes);
  yield { message: { bytes: Buffer.from(message), locator, offset: null, folder: entryFolder, cursor: '', envelope } };
}

/** Reads the messages of an archive file, in archive order, after the first `resumeAfter` items. */
export async function* readArchive(
  path: string,
  format: ArchiveFormat,
  options: { readonly folder: string; readonly resumeAfter: string | null; readonly onBytes?: BytesReadCallback },
): AsyncGenerator<SourceItem> {
  const skip = options.resumeAfter === null ? 0 : Number(options.resumeAfter);
  let position = 0;
  let entries = 0;
  let top: AsyncGenerator<EntryOrProblem>;
  if (format === 'zip') {
    top = zipEntries(await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: false }), '');
  } else if (format === '7z') {
    top = sevenZipEntries(path, '');
  } else if (format === 'rar') {
    top = rarEntries(path, '');
  } else {
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    if (options.onBytes) file.on('data', (chunk) => options.onBytes!((chunk as Buffer).length));
    top = tarEntries(format === 'tar' ? file : file.pipe(createGunzip()), '');
  }
  try {
    for await (const got of top) {
      if (++entries > MAX_ENTRIES) {
        yield refused(String(entries), 'archive-too-many-entries', `more than ${MAX_ENTRIES} entries: the rest is not read`);
        return;
      }
      const items = 'problem' in got ? [got] : itemsOfEntry(got.entry, '', options.folder, 1);
      for await (const item of items) {
        position++;
        if (position <= skip) continue;
        yield 'message' in item ? { message: { ...item.message, cursor: String(position) } } : item;
      }
      if ('entry' in got && got.entry.fileBytes > 0) options.onBytes?.(got.entry.fileBytes);
    }
  } catch (error) {
    yield refused(basename(path), 'archive-unreadable', `the archive cannot be read further: ${(error as Error).message}`);
  }
}
