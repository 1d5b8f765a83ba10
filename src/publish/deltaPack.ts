import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { zstdCompressSync, zstdDecompressSync, constants } from 'node:zlib';
import { sha256Of, type ManifestFile } from './manifest.js';

/**
 * Delta packs: what a mirror needs to go from one export to the next, in one file. Each export
 * writes the pack of its sequence: every file new or changed since the previous manifest,
 * compressed with zstd; a changed file is compressed with its previous version as the dictionary
 * (zstd's patch-from: an edit of a page costs its edit, as with rsync's delta), new files share
 * solid blocks (similar pages compress together). The signed manifest lists the recent packs with
 * their sha256, so a mirror fetches from any plain web server the packs it lacks, checks each
 * against the manifest, and falls back to single files for anything a pack does not give.
 *
 * A pack file: one JSON line (PackHeader), then the blocks its entries point into.
 */

export const PACK_FORMAT = 1;

/** The recent packs an export keeps and lists: a mirror further behind syncs by files. */
export const PACKS_KEPT = 10;

/** Uncompressed bytes of new files per solid block, at most: a block is decompressed whole, in memory. */
const SOLID_BLOCK = 32 * 1_048_576;

/** Changed files up to this size are sent as deltas (the dictionary is held in memory). */
const DELTA_MAX = 64 * 1_048_576;

export interface PackRef {
  readonly sequence: number;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface PackEntry {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  /** The sha256 of the previous version this entry is a delta of, or null for a whole file. */
  readonly base: string | null;
  /** Which block holds it, and where in the block's decompressed bytes (whole files) or the block is the delta. */
  readonly block: number;
  readonly offset: number;
}

export interface PackHeader {
  readonly format: typeof PACK_FORMAT;
  readonly collection: string;
  readonly sequence: number;
  /** sha256 of the manifest.json the pack applies to (the previous export's). */
  readonly previous: string;
  /** Each block's position after the header line and its compressed length. */
  readonly blocks: ReadonlyArray<{ readonly at: number; readonly length: number }>;
  readonly entries: readonly PackEntry[];
}

export const packPath = (sequence: number) => `packs/${sequence}.pack`;

const compress = (bytes: Buffer, dictionary?: Buffer) =>
  zstdCompressSync(bytes, { params: { [constants.ZSTD_c_compressionLevel]: 9 }, ...(dictionary ? { dictionary } : {}) });

export interface PackInput {
  readonly collection: string;
  readonly sequence: number;
  readonly previous: string;
  /** The new copy's files that differ from the previous manifest. */
  readonly changed: readonly ManifestFile[];
  /** The previous manifest's sha256 of a path, if it had one. */
  readonly before: (path: string) => string | undefined;
  /** A file's bytes in the new copy, and in the previous one. */
  readonly readNew: (path: string) => Promise<Buffer>;
  readonly readOld: (path: string) => Promise<Buffer | null>;
}

/**
 * Writes the pack to `out`: blocks go to a side file as they are made (one block in memory at a
 * time), then the header line and the blocks are joined. Returns its size and sha256.
 */
export async function writePack(input: PackInput, out: string): Promise<{ size: number; sha256: string }> {
  const blocksFile = `${out}.blocks`;
  const sink = await open(blocksFile, 'w');
  const positions: Array<{ at: number; length: number }> = [];
  let at = 0;
  const blocks = {
    get length() {
      return positions.length;
    },
    async push(bytes: Buffer) {
      await sink.write(bytes);
      positions.push({ at, length: bytes.length });
      at += bytes.length;
    },
  };
  const entries: PackEntry[] = [];
  let solid: Buffer[] = [];
  let solidEntries: Array<Omit<PackEntry, 'block'>> = [];
  let solidSize = 0;
  const flush = async () => {
    if (solid.length === 0) return;
    const block = blocks.length;
    await blocks.push(compress(Buffer.concat(solid)));
    for (const e of solidEntries) entries.push({ ...e, block });
    solid = [];
    solidEntries = [];
    solidSize = 0;
  };
  for (const f of input.changed) {
    const bytes = await input.readNew(f.path);
    const baseSha = input.before(f.path) ?? null;
    const old = baseSha && f.size <= DELTA_MAX ? await input.readOld(f.path) : null;
    if (old && sha256Of(old) === baseSha) {
      entries.push({ path: f.path, sha256: f.sha256, size: f.size, base: baseSha, block: blocks.length, offset: 0 });
      await blocks.push(compress(bytes, old));
      continue;
    }
    solidEntries.push({ path: f.path, sha256: f.sha256, size: f.size, base: null, offset: solidSize });
    solid.push(bytes);
    solidSize += bytes.length;
    if (solidSize >= SOLID_BLOCK) await flush();
  }
  await flush();
  await sink.close();
  const header: PackHeader = {
    format: PACK_FORMAT,
    collection: input.collection,
    sequence: input.sequence,
    previous: input.previous,
    blocks: positions,
    entries,
  };
  const hash = createHash('sha256');
  const head = Buffer.from(`${JSON.stringify(header)}\n`);
  hash.update(head);
  const target = createWriteStream(out);
  target.write(head);
  const source = createReadStream(blocksFile);
  source.on('data', (chunk) => hash.update(chunk as Buffer));
  await pipeline(source, target);
  await rm(blocksFile, { force: true });
  return { size: head.length + at, sha256: hash.digest('hex') };
}

/** A header longer than this is no pack of ours (a million changed files take ~150 MB). */
const HEADER_MAX = 512 * 1_048_576;

/** Reads a pack's header (its first line, read in chunks until the newline); throws on anything that is not one. */
export async function readPackHeader(path: string): Promise<{ header: PackHeader; dataStart: number }> {
  const handle = await open(path);
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(1 << 20);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) throw new Error('not a pack: no header line');
      const newline = chunk.subarray(0, bytesRead).indexOf(0x0a);
      chunks.push(chunk.subarray(0, newline < 0 ? bytesRead : newline));
      if (newline >= 0) {
        const header = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PackHeader;
        if (header.format !== PACK_FORMAT || !Array.isArray(header.entries) || !Array.isArray(header.blocks)) throw new Error('not an Epistola pack');
        return { header, dataStart: length + newline + 1 };
      }
      length += bytesRead;
      if (length > HEADER_MAX) throw new Error('not a pack: header too long');
    }
  } finally {
    await handle.close();
  }
}

/**
 * Every entry of a pack, decoded: `base` gives the previous version of a delta's file (null when the
 * mirror does not have it: that entry is skipped, and fetched whole later). Each entry's bytes are
 * checked against its sha256 before `write` sees them.
 */
export async function unpack(
  path: string,
  base: (path: string, sha256: string) => Promise<Buffer | null>,
  write: (entry: PackEntry, bytes: Buffer) => Promise<void>,
): Promise<{ applied: number; skipped: number }> {
  const { header, dataStart } = await readPackHeader(path);
  const handle = await open(path);
  const blockBytes = async (b: number) => {
    const p = header.blocks[b];
    if (!p) throw new Error(`pack block ${b} missing`);
    const bytes = Buffer.alloc(p.length);
    const { bytesRead } = await handle.read(bytes, 0, p.length, dataStart + p.at);
    if (bytesRead !== p.length) throw new Error(`pack block ${b} is cut short`);
    return bytes;
  };
  try {
    return await unpackEntries(header, blockBytes, base, write);
  } finally {
    await handle.close();
  }
}

async function unpackEntries(
  header: PackHeader,
  blockBytes: (block: number) => Promise<Buffer>,
  base: (path: string, sha256: string) => Promise<Buffer | null>,
  write: (entry: PackEntry, bytes: Buffer) => Promise<void>,
): Promise<{ applied: number; skipped: number }> {
  let applied = 0;
  let skipped = 0;
  const solid = new Map<number, Buffer>();
  for (const e of header.entries) {
    let bytes: Buffer;
    if (e.base) {
      const old = await base(e.path, e.base);
      if (!old) {
        skipped++;
        continue;
      }
      bytes = zstdDecompressSync(await blockBytes(e.block), { dictionary: old });
    } else {
      let block = solid.get(e.block);
      if (!block) {
        solid.clear(); // entries of a block are consecutive: one solid block in memory at a time
        solid.set(e.block, (block = zstdDecompressSync(await blockBytes(e.block))));
      }
      bytes = block.subarray(e.offset, e.offset + e.size);
    }
    if (bytes.length !== e.size || sha256Of(bytes) !== e.sha256) throw new Error(`${e.path} in the pack does not match its sha256`);
    await write(e, bytes);
    applied++;
  }
  return { applied, skipped };
}
