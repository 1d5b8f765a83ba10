import { createPublicKey } from 'node:crypto';
import { sha256Hex } from '../mail/contentHash.js';
import { fingerprintOf, verifyBytes } from './collectionKey.js';

/**
 * The manifest of an export: every file with its size and sha256, a sequence number that only
 * grows, the previous manifest's hash (a chain), and the collection's public key; signed with the
 * collection key in manifest.json.sig (Ed25519 over the exact bytes of manifest.json).
 */

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.json.sig';
export const MIRRORS_FILE = 'mirrors.json';

export interface ManifestFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface Manifest {
  readonly format: 1;
  readonly collection: string;
  readonly sequence: number;
  /** sha256 of the previous manifest.json, null for the first export. */
  readonly previous: string | null;
  readonly createdAt: string;
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly files: readonly ManifestFile[];
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
  const files = [...manifest.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return Buffer.from(`${JSON.stringify({ ...manifest, files }, null, 1)}\n`);
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
  if (manifest.format !== 1 || !Array.isArray(manifest.files) || !Number.isInteger(manifest.sequence))
    return { ok: false, reason: 'manifest.json is not an Epistola manifest' };
  let fingerprint: string;
  try {
    fingerprint = fingerprintOf(createPublicKey(manifest.publicKey));
  } catch {
    return { ok: false, reason: 'the manifest carries no readable public key' };
  }
  if (fingerprint !== pinnedFingerprint.toLowerCase()) return { ok: false, reason: `signed for key ${fingerprint}, not the pinned ${pinnedFingerprint}` };
  if (!verifyBytes(manifest.publicKey, bytes, signature.trim()))
    return { ok: false, reason: 'the signature does not match manifest.json (altered, or not signed by this key)' };
  for (const f of [...manifest.files, ...(manifest.packs ?? [])]) {
    if (typeof f.path !== 'string' || f.path.startsWith('/') || f.path.split('/').includes('..') || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      return { ok: false, reason: `unsafe or malformed entry: ${JSON.stringify(f).slice(0, 120)}` };
    }
  }
  return { ok: true, manifest };
}
