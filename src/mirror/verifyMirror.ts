import { readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { checkManifest, manifestParts, MANIFEST_FILE, SIGNATURE_FILE, sha256Of, type Manifest } from '../publish/manifest.js';
import { openOrigin } from './origin.js';
import { OBSERVATIONS_DIR } from './observations.js';

/**
 * Checks a whole copy against its signed manifest: the signature against the pinned key, then
 * every file's size and sha256. Lists every missing, altered and (for a directory) extra file.
 */

export interface MirrorReport {
  readonly location: string;
  readonly ok: boolean;
  /** Why the manifest itself was refused, if it was. */
  readonly refused: string | null;
  readonly sequence: number | null;
  readonly files: number;
  readonly missing: readonly string[];
  readonly altered: readonly string[];
  /** Files present that the manifest does not list (directories only: a web server cannot be listed). */
  readonly extra: readonly string[];
}

export async function verifyMirror(location: string, fingerprint: string): Promise<MirrorReport> {
  const origin = openOrigin(location);
  const base = { location: origin.label, sequence: null, files: 0, missing: [], altered: [], extra: [] };
  const [bytes, signature] = await Promise.all([origin.get(MANIFEST_FILE), origin.get(SIGNATURE_FILE)]);
  if (!bytes || !signature) return { ...base, ok: false, refused: `no ${!bytes ? MANIFEST_FILE : SIGNATURE_FILE} at ${origin.label}` };
  const check = checkManifest(bytes, signature.toString(), fingerprint);
  if (!check.ok) return { ...base, ok: false, refused: check.reason };
  const manifest: Manifest = check.manifest;
  const missing: string[] = [];
  const altered: string[] = [];
  const listed = new Set([MANIFEST_FILE, SIGNATURE_FILE]);
  let files = 0;
  // Part by part (each checked against the manifest), a few files at a time: enough to hide latency, not a flood on the mirror.
  try {
    for await (const { part, files: list } of manifestParts(manifest, (path) => origin.get(path))) {
      if (part) listed.add(part.path);
      files += list.length;
      const queue = [...list];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let f = queue.shift(); f; f = queue.shift()) {
            listed.add(f.path);
            const content = await origin.get(f.path);
            if (!content) missing.push(f.path);
            else if (content.length !== f.size || sha256Of(content) !== f.sha256) altered.push(f.path);
          }
        }),
      );
    }
  } catch (error) {
    return { ...base, ok: false, refused: (error as Error).message, sequence: manifest.sequence };
  }
  // Delta packs are optional on a mirror (one synced file by file has none), but one it serves must be whole.
  for (const p of manifest.packs ?? []) {
    const content = await origin.get(p.path);
    if (content && (content.length !== p.size || sha256Of(content) !== p.sha256)) altered.push(p.path);
  }
  const extra: string[] = [];
  if (!/^https?:\/\//i.test(location)) {
    for (const p of manifest.packs ?? []) listed.add(p.path);
    const root = resolve(location);
    for (const path of await walk(root)) {
      const rel = relative(root, path).split('\\').join('/');
      // A mirror's own signed observations are its, not the origin's (observations.ts).
      if (!listed.has(rel) && !rel.startsWith(`${OBSERVATIONS_DIR}/`)) extra.push(rel);
    }
  }
  missing.sort();
  altered.sort();
  extra.sort();
  return {
    location: origin.label,
    ok: missing.length + altered.length + extra.length === 0,
    refused: null,
    sequence: manifest.sequence,
    files,
    missing,
    altered,
    extra,
  };
}

/** Every file under a directory (a copy holds millions: no recursion into spread arguments). */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name));
}
