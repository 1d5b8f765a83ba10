import { link, mkdir, readFile, readlink, rename, rm, symlink, writeFile, copyFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkManifest, MANIFEST_FILE, SIGNATURE_FILE, sha256Of, type Manifest } from '../publish/manifest.js';
import { openOrigin } from './origin.js';

/**
 * Mirror sync: fetch the origin's signed manifest, refuse a bad signature or a rollback, download
 * only files that are missing or changed (checking each sha256), then switch the served copy in one
 * step. Layout of a mirror directory:
 *   current -> snapshots/<sequence>   what the web server serves (a symlink, replaced atomically)
 *   snapshots/<sequence>/             complete, verified copies (the previous one is kept)
 *   staging-<sequence>/               a sync in progress; a killed sync resumes from it
 */

export interface SyncSummary {
  readonly status: 'updated' | 'up-to-date';
  readonly sequence: number;
  readonly previousSequence: number | null;
  readonly files: number;
  /** Files fetched from the origin this time. */
  readonly downloaded: number;
  readonly downloadedBytes: number;
  /** Files taken from the current copy or a resumed staging directory. */
  readonly reused: number;
  readonly elapsedMs: number;
}

export class SyncRefused extends Error {}

async function currentManifest(mirrorDir: string): Promise<{ manifest: Manifest; target: string } | null> {
  const current = join(mirrorDir, 'current');
  const target = await readlink(current).catch(() => null);
  if (!target) return null;
  const bytes = await readFile(join(current, MANIFEST_FILE)).catch(() => null);
  return bytes ? { manifest: JSON.parse(bytes.toString('utf8')) as Manifest, target: resolve(mirrorDir, target) } : null;
}

async function hasFile(path: string, sha256: string, size: number): Promise<boolean> {
  const bytes = await readFile(path).catch(() => null);
  return bytes !== null && bytes.length === size && sha256Of(bytes) === sha256;
}

export async function syncMirror(
  originLocation: string,
  mirrorDir: string,
  fingerprint: string,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<SyncSummary> {
  const started = Date.now();
  const origin = openOrigin(originLocation);
  const dir = resolve(mirrorDir);
  const [bytes, signature] = await Promise.all([origin.get(MANIFEST_FILE), origin.get(SIGNATURE_FILE)]);
  if (!bytes || !signature) throw new SyncRefused(`no signed manifest at ${origin.label}`);
  const check = checkManifest(bytes, signature.toString(), fingerprint);
  if (!check.ok) throw new SyncRefused(`refused: ${check.reason}`);
  const remote = check.manifest;
  const local = await currentManifest(dir);
  if (local && remote.sequence < local.manifest.sequence) {
    throw new SyncRefused(`refused: the origin offers manifest ${remote.sequence}, older than the ${local.manifest.sequence} this mirror has (a rollback)`);
  }
  if (local && remote.sequence === local.manifest.sequence) {
    return {
      status: 'up-to-date',
      sequence: remote.sequence,
      previousSequence: local.manifest.sequence,
      files: remote.files.length,
      downloaded: 0,
      downloadedBytes: 0,
      reused: 0,
      elapsedMs: Date.now() - started,
    };
  }
  const known = new Map((local?.manifest.files ?? []).map((f) => [f.path, f.sha256]));
  const staging = join(dir, `staging-${remote.sequence}`);
  await mkdir(staging, { recursive: true });
  let downloaded = 0;
  let downloadedBytes = 0;
  let reused = 0;
  let done = 0;
  const queue = [...remote.files];
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const target = join(staging, f.path);
        await mkdir(dirname(target), { recursive: true });
        if (await hasFile(target, f.sha256, f.size)) {
          reused++; // fetched by an interrupted run
        } else if (local && known.get(f.path) === f.sha256 && (await hasFile(join(local.target, f.path), f.sha256, f.size))) {
          await rm(target, { force: true });
          // A hard link shares the unchanged file with the current snapshot; a copy where links are not allowed.
          await link(join(local.target, f.path), target).catch(() => copyFile(join(local.target, f.path), target));
          reused++;
        } else {
          const content = await origin.get(f.path);
          if (!content) throw new SyncRefused(`${f.path} is listed in the manifest but missing at ${origin.label}`);
          if (content.length !== f.size || sha256Of(content) !== f.sha256)
            throw new SyncRefused(`${f.path} from ${origin.label} does not match its sha256 in the signed manifest`);
          await writeFile(`${target}.part`, content);
          await rename(`${target}.part`, target);
          downloaded++;
          downloadedBytes += content.length;
        }
        options.onProgress?.(++done, remote.files.length);
      }
    }),
  );
  await writeFile(join(staging, SIGNATURE_FILE), signature);
  await writeFile(join(staging, MANIFEST_FILE), bytes);
  downloadedBytes += bytes.length + signature.length;
  const snapshot = join(dir, 'snapshots', String(remote.sequence));
  await mkdir(dirname(snapshot), { recursive: true });
  await rm(snapshot, { recursive: true, force: true });
  await rename(staging, snapshot);
  // The switch: a new symlink renamed over the old one is atomic, so readers see the old tree or the new one.
  const tmpLink = join(dir, `current.${process.pid}.tmp`);
  await rm(tmpLink, { force: true });
  await symlink(join('snapshots', String(remote.sequence)), tmpLink);
  await rename(tmpLink, join(dir, 'current'));
  // Keep the snapshot just replaced (a reader may still be in it); older ones go.
  const keep = new Set([String(remote.sequence), String(local?.manifest.sequence ?? '')]);
  for (const name of await readdir(join(dir, 'snapshots'))) if (!keep.has(name)) await rm(join(dir, 'snapshots', name), { recursive: true, force: true });
  return {
    status: 'updated',
    sequence: remote.sequence,
    previousSequence: local?.manifest.sequence ?? null,
    files: remote.files.length,
    downloaded,
    downloadedBytes,
    reused,
    elapsedMs: Date.now() - started,
  };
}
