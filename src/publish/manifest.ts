import { createPublicKey } from 'node:crypto';
import { sha256Hex } from '../mail/contentHash.js';
import { fingerprintOf, verifyBytes } from './collectionKey.js';

/**
 * The manifest of an export: every file with its size and sha256, a sequence number that only
 * grows, the previous manifest's hash (a chain), and the collection's public key; signed with the
 * collection key in manifest.json.sig (Ed25519 over the exact bytes of manifest.json).
 *
 * Format 2 lists the files in parts (manifest/<part>.json, each named in manifest.json with its
 * sha256, so the signature covers them): at 100k messages one list was 67 MB (458k files), at 1M
 * it would pass the longest string a JavaScript engine holds, and a mirror fetched it whole at
 * every sync. A file's part follows from its path (a message's files by number, 5,000 messages a
 * part), so a new release changes a few parts, and a mirror fetches only parts whose hash changed.
 * Format 1 (every file in manifest.json) is still read.
 */

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.json.sig';
export const MIRRORS_FILE = 'mirrors.json';

export interface ManifestFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export const PARTS_DIR = 'manifest';

/** A part of the file list, as manifest.json names it. */
export interface ManifestPart {
  readonly name: string;
  readonly path: string;
  /** Files listed, and the sum of their sizes. */
  readonly files: number;
  readonly bytes: number;
  /** The part file's own size and sha256. */
  readonly size: number;
  readonly sha256: string;
}

export interface Manifest {
  readonly format: 1 | 2;
  readonly collection: string;
  readonly sequence: number;
  /** sha256 of the previous manifest.json, null for the first export. */
  readonly previous: string | null;
  readonly createdAt: string;
  readonly publicKey: string;
  readonly fingerprint: string;
  /** Format 1: every file. */
  readonly files?: readonly ManifestFile[];
  /** Format 2: the parts that list them. */
  readonly parts?: readonly ManifestPart[];
  /** The recent delta packs (deltaPack.ts), oldest first; a mirror may serve them or not. */
  readonly packs?: ReadonlyArray<{ readonly sequence: number; readonly path: string; readonly size: number; readonly sha256: string }>;
}

/** A mirror site as listed in mirrors.json. */
export interface MirrorSite {
  readonly name: string;
  readonly country: string;
  readonly url: string;
}

export function sha256Of(bytes: Buffer | string): string {
  return sha256Hex(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
}

export function serializeManifest(manifest: Manifest): Buffer {
  const parts = [...(manifest.parts ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Buffer.from(`${JSON.stringify({ ...manifest, parts }, null, 1)}\n`);
}

/** Messages whose files share a part. */
export const PART_MESSAGES = 5000;

const bucket16 = (text: string) => (text.charCodeAt(0) + text.charCodeAt(text.length - 1) * 7 + text.length) % 16;

/** The part a path of the copy is listed in. */
export function partOf(path: string): string {
  const email = /^(?:api\/)?emails\/(\d+)(?:\/|\.json$)/.exec(path);
  if (email) return `emails-${Math.floor(Number(email[1]) / PART_MESSAGES)}`;
  const thread = /^(?:api\/)?threads\/(\d+)(?:\/|\.json$)/.exec(path);
  if (thread) return `threads-${Math.floor(Number(thread[1]) / (4 * PART_MESSAGES))}`;
  const attachment = /^(?:api\/)?attachments\/([0-9a-f])[0-9a-f]{63}(?:\/|\.json$)/.exec(path);
  if (attachment) return `attachments-${attachment[1]}`;
  const person = /^people\/([^/]+)\//.exec(path);
  if (person) return `people-${bucket16(person[1]!)}`;
  const search = /^search\/([bpd])\//.exec(path);
  if (search) return `search-${search[1]}`;
  return 'site';
}

export const partPath = (name: string) => `${PARTS_DIR}/${name}.json`;

/** A part's file: its files in path order, as [path, size, sha256]. */
export function serializePart(name: string, files: Iterable<ManifestFile>): Buffer {
  const list = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => [f.path, f.size, f.sha256]);
  return Buffer.from(`${JSON.stringify({ part: name, files: list })}\n`);
}

/** A part's files, each checked to be a safe relative path with a sha256; throws on anything else. */
export function parsePart(bytes: Buffer, name: string): ManifestFile[] {
  const part = JSON.parse(bytes.toString('utf8')) as { part: string; files: Array<[string, number, string]> };
  if (part.part !== name || !Array.isArray(part.files)) throw new Error(`${partPath(name)} is not the manifest part it should be`);
  return part.files.map(([path, size, sha256]) => {
    const file = { path, size, sha256 };
    if (!safeEntry(file)) throw new Error(`unsafe or malformed entry in ${partPath(name)}: ${JSON.stringify(file).slice(0, 120)}`);
    return file;
  });
}

function safeEntry(f: { path: unknown; sha256: unknown; size?: unknown }): boolean {
  return (
    typeof f.path === 'string' &&
    !f.path.startsWith('/') &&
    !f.path.split('/').includes('..') &&
    typeof f.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(f.sha256)
  );
}

/**
 * Every file of a manifest, part by part (`get` reads a path of the copy): each part's bytes are
 * checked against the sha256 the signed manifest gives it. Format 1 gives its one list.
 */
export async function* manifestParts(
  manifest: Manifest,
  get: (path: string) => Promise<Buffer | null>,
): AsyncGenerator<{ readonly part: ManifestPart | null; readonly files: readonly ManifestFile[] }> {
  if (manifest.files) yield { part: null, files: manifest.files };
  for (const part of manifest.parts ?? []) {
    const bytes = await get(part.path);
    if (!bytes) throw new Error(`${part.path} is listed in the manifest but missing`);
    if (bytes.length !== part.size || sha256Of(bytes) !== part.sha256) throw new Error(`${part.path} does not match its sha256 in the signed manifest`);
    yield { part, files: parsePart(bytes, part.name) };
  }
}

/** One file's entry (the manifest's or a part's): for the few lookups that need one. */
export async function findFile(manifest: Manifest, path: string, get: (path: string) => Promise<Buffer | null>): Promise<ManifestFile | undefined> {
  if (manifest.files) return manifest.files.find((f) => f.path === path);
  const part = manifest.parts?.find((p) => p.name === partOf(path));
  if (!part) return undefined;
  for await (const { files } of manifestParts({ ...manifest, parts: [part] }, get)) return files.find((f) => f.path === path);
  return undefined;
}

export type ManifestCheck = { readonly ok: true; readonly manifest: Manifest } | { readonly ok: false; readonly reason: string };

/**
 * Parses and checks a manifest against its signature and the pinned key fingerprint. A manifest
 * signed by any other key, or not signed, is refused whatever it says.
 */
export function checkManifest(bytes: Buffer, signature: string, pinnedFingerprint: string): ManifestCheck {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  } catch {
    return { ok: false, reason: 'manifest.json is not valid JSON' };
  }
  const listOk = manifest.format === 1 ? Array.isArray(manifest.files) : manifest.format === 2 && Array.isArray(manifest.parts);
  if (!listOk || !Number.isInteger(manifest.sequence)) return { ok: false, reason: 'manifest.json is not an Epistola manifest' };
  let fingerprint: string;
  try {
    fingerprint = fingerprintOf(createPublicKey(manifest.publicKey));
  } catch {
    return { ok: false, reason: 'the manifest carries no readable public key' };
  }
  if (fingerprint !== pinnedFingerprint.toLowerCase()) return { ok: false, reason: `signed for key ${fingerprint}, not the pinned ${pinnedFingerprint}` };
  if (!verifyBytes(manifest.publicKey, bytes, signature.trim()))
    return { ok: false, reason: 'the signature does not match manifest.json (altered, or not signed by this key)' };
  for (const f of [...(manifest.files ?? []), ...(manifest.parts ?? []), ...(manifest.packs ?? [])]) {
    if (!safeEntry(f)) return { ok: false, reason: `unsafe or malformed entry: ${JSON.stringify(f).slice(0, 120)}` };
  }
  return { ok: true, manifest };
}
