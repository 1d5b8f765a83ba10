import { cp, link, mkdir, readFile, readlink, rename, rm, stat, symlink, writeFile, copyFile, readdir } from 'node:fs/promises';
import { copyFileSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  checkManifest,
  manifestParts,
  MANIFEST_FILE,
  parsePart,
  partOf,
  PARTS_DIR,
  SIGNATURE_FILE,
  sha256Of,
  type Manifest,
  type ManifestFile,
  type ManifestPart,
} from '../publish/manifest.js';
import { openOrigin, type Origin } from './origin.js';
import { readPackHeader, unpack } from '../publish/deltaPack.js';
import { OBSERVATIONS_DIR } from './observations.js';

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
  /** Delta packs fetched and applied, the files they gave, and packs refused (then files were fetched instead). */
  readonly packs: number;
  readonly fromPacks: number;
  /** Bytes of packs fetched (in downloadedBytes too). */
  readonly packBytes: number;
  readonly packsRefused: readonly string[];
  readonly elapsedMs: number;
}

export class SyncRefused extends Error {}

async function currentManifest(mirrorDir: string): Promise<{ manifest: Manifest; target: string; hash: string } | null> {
  const current = join(mirrorDir, 'current');
  const target = await readlink(current).catch(() => null);
  if (!target) return null;
  const bytes = await readFile(join(current, MANIFEST_FILE)).catch(() => null);
  return bytes ? { manifest: JSON.parse(bytes.toString('utf8')) as Manifest, target: resolve(mirrorDir, target), hash: sha256Of(bytes) } : null;
}

/** Whether a staged file is there and whole: only files left by an interrupted sync are read (a stat first). */
async function hasFile(path: string, sha256: string, size: number): Promise<boolean> {
  const found = await stat(path).catch(() => null);
  if (!found || found.size !== size) return false;
  const bytes = await readFile(path).catch(() => null);
  return bytes !== null && sha256Of(bytes) === sha256;
}

const countFiles = (m: Manifest) => m.files?.length ?? (m.parts ?? []).reduce((n, p) => n + p.files, 0);

/** A part of this mirror's own copy (checked when it was synced). */
async function listPart(root: string, part: ManifestPart): Promise<ManifestFile[]> {
  return parsePart(await readFile(join(root, part.path)), part.name);
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
  const total = countFiles(remote);
  if (local && remote.sequence === local.manifest.sequence) {
    return {
      status: 'up-to-date',
      sequence: remote.sequence,
      previousSequence: local.manifest.sequence,
      files: total,
      downloaded: 0,
      downloadedBytes: 0,
      reused: 0,
      packs: 0,
      fromPacks: 0,
      packBytes: 0,
      packsRefused: [],
      elapsedMs: Date.now() - started,
    };
  }
  const staging = join(dir, `staging-${remote.sequence}`);
  // Files of an interrupted run are only looked for when there was one.
  const resumed = await stat(staging).then(
    () => true,
    () => false,
  );
  await mkdir(staging, { recursive: true });
  const made = new Set<string>();
  const ensureDir = (path: string) => {
    const d = dirname(path);
    if (made.has(d)) return;
    mkdirSync(d, { recursive: true });
    if (made.size >= 4096) made.clear(); // the directories made lately: a 1M copy has millions
    made.add(d);
  };
  let downloaded = 0;
  let downloadedBytes = 0;
  let reused = 0;
  let done = 0;
  /** Files the packs wrote into the new copy, with the sha256 each has there. */
  const fromPacks = new Map<string, string>();
  const packsRefused: string[] = [];
  let packs = 0;
  let packBytes = 0;
  if (local) {
    const applied = await applyPacks(origin, remote, local, staging, packsRefused);
    packs = applied.packs;
    packBytes = applied.bytes;
    downloadedBytes += applied.bytes;
    for (const [path, sha256] of applied.files) fromPacks.set(path, sha256);
  }
  // The file list, part by part: a part whose sha256 this mirror already has is read from its copy,
  // the others fetched (every part checked against the signed manifest either way), and kept in the
  // new copy, which serves them to the next mirror.
  const localParts = new Map((local?.manifest.parts ?? []).map((p) => [p.name, p]));
  const localLegacy = new Map((local?.manifest.files ?? []).map((f) => [f.path, f.sha256]));
  const getPart = async (path: string) => {
    const name = (remote.parts ?? []).find((p) => p.path === path)?.name;
    const mine = name ? localParts.get(name) : undefined;
    const remotePart = name ? (remote.parts ?? []).find((p) => p.name === name) : undefined;
    if (local && mine && remotePart && mine.sha256 === remotePart.sha256) {
      const bytes = await readFile(join(local.target, mine.path)).catch(() => null);
      if (bytes) return bytes;
    }
    const cached = fetched.get(path);
    if (cached) return cached;
    // A part a delta pack gave (manifestParts checks its sha256 like any other).
    if (fromPacks.get(path) === remotePart?.sha256) {
      const bytes = await readFile(join(staging, path)).catch(() => null);
      if (bytes) return bytes;
    }
    const bytes = await origin.get(path);
    if (bytes) {
      downloadedBytes += bytes.length;
      fetched.set(path, bytes);
    }
    return bytes;
  };
  const fetched = new Map<string, Buffer>();
  const used = new Set<string>();
  const packedByPart = new Map<string, string[]>();
  for (const path of fromPacks.keys()) {
    if (path.startsWith(`${PARTS_DIR}/`)) continue; // the list's own parts, not files it lists
    const name = partOf(path);
    if (!packedByPart.has(name)) packedByPart.set(name, []);
    packedByPart.get(name)!.push(path);
  }
  const partsIter = manifestParts(remote, getPart);
  for (;;) {
    let next: IteratorResult<{ part: ManifestPart | null; files: readonly ManifestFile[] }>;
    try {
      next = await partsIter.next();
    } catch (error) {
      throw new SyncRefused(`${(error as Error).message} (at ${origin.label})`);
    }
    if (next.done) break;
    const { part, files } = next.value;
    // A file a pack wrote that the final list no longer has (a later export removed it) is not part of the copy.
    const packed = part ? packedByPart.get(part.name) : undefined;
    if (packed) {
      const listed = new Set(files.map((f) => f.path));
      for (const path of packed) if (!listed.has(path)) await rm(join(staging, path), { force: true });
      packedByPart.delete(part!.name);
    }
    const mine = part ? localParts.get(part.name) : undefined;
    const unchangedPart = mine !== undefined && part !== null && mine.sha256 === part.sha256;
    // What this mirror has of the part's paths: nothing to compare for a part it has as it is.
    const known =
      unchangedPart || !local ? new Map<string, string>() : mine ? new Map((await listPart(local.target, mine)).map((f) => [f.path, f.sha256])) : localLegacy;
    if (part) {
      await mkdir(dirname(join(staging, part.path)), { recursive: true });
      await writeFile(join(staging, part.path), (await getPart(part.path)) ?? Buffer.alloc(0));
      fetched.delete(part.path);
    }
    const queue = [...files];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) {
          const target = join(staging, f.path);
          if (fromPacks.get(f.path) === f.sha256) {
            used.add(f.path);
            // written and checked when its pack was unpacked (a later pack refused may have left an older version: fetched below)
          } else if ((resumed || fromPacks.has(f.path)) && (await hasFile(target, f.sha256, f.size))) {
            reused++; // fetched by an interrupted run
          } else if (local && (unchangedPart || known.get(f.path) === f.sha256)) {
            // A hard link shares the unchanged file with the current snapshot (checked when it was synced;
            // `mirror verify` checks again); a copy where links are not allowed. Synchronous: a sync makes
            // millions of them, and through the thread pool each costs more than twice as much.
            ensureDir(target);
            if (resumed || fromPacks.has(f.path)) rmSync(target, { force: true });
            try {
              linkSync(join(local.target, f.path), target);
            } catch {
              copyFileSync(join(local.target, f.path), target);
            }
            reused++;
          } else {
            const content = await origin.get(f.path);
            if (!content) throw new SyncRefused(`${f.path} is listed in the manifest but missing at ${origin.label}`);
            if (content.length !== f.size || sha256Of(content) !== f.sha256)
              throw new SyncRefused(`${f.path} from ${origin.label} does not match its sha256 in the signed manifest`);
            await mkdir(dirname(target), { recursive: true });
            await writeFile(`${target}.part`, content);
            await rename(`${target}.part`, target);
            downloaded++;
            downloadedBytes += content.length;
          }
          options.onProgress?.(++done, total);
        }
      }),
    );
  }
  if (remote.parts) for (const paths of packedByPart.values()) for (const path of paths) await rm(join(staging, path), { force: true });
  await writeFile(join(staging, SIGNATURE_FILE), signature);
  await writeFile(join(staging, MANIFEST_FILE), bytes);
  downloadedBytes += bytes.length + signature.length;
  // The packs this mirror has stay with it (a mirror of this mirror can sync from them); older ones are linked from the copy replaced.
  for (const p of remote.packs ?? []) {
    const target = join(staging, p.path);
    if (await hasFile(target, p.sha256, p.size)) continue;
    if (local && (await hasFile(join(local.target, p.path), p.sha256, p.size))) {
      await mkdir(dirname(target), { recursive: true });
      await link(join(local.target, p.path), target).catch(() => copyFile(join(local.target, p.path), target));
    }
  }
  for (const name of await readdir(join(staging, 'packs')).catch(() => [] as string[]))
    if (name.endsWith('.part')) await rm(join(staging, 'packs', name), { force: true });
  // This mirror's own signed observations (mirror status --publish) are not the origin's files: they move to the new copy.
  if (local) await cp(join(local.target, OBSERVATIONS_DIR), join(staging, OBSERVATIONS_DIR), { recursive: true }).catch(() => undefined);
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
    files: total,
    downloaded,
    downloadedBytes,
    reused,
    packs,
    fromPacks: [...fromPacks].filter(([path]) => used.has(path)).length,
    packBytes,
    packsRefused,
    elapsedMs: Date.now() - started,
  };
}

/**
 * Brings the staging copy forward with the origin's delta packs, from the mirror's sequence to the
 * origin's, when the signed manifest lists every one of them: each is downloaded (resumed where a
 * killed sync left it), checked against its sha256 in the manifest and its header (sequence, and
 * the first applies to this mirror's very manifest), then unpacked over the copy. A pack refused
 * stops the packs there: what they did not give is fetched file by file, as without packs.
 */
async function applyPacks(
  origin: Origin,
  remote: Manifest,
  local: { manifest: Manifest; target: string; hash: string },
  staging: string,
  refused: string[],
): Promise<{ packs: number; bytes: number; files: Map<string, string> }> {
  const listed = new Map((remote.packs ?? []).map((p) => [p.sequence, p]));
  const needed: PackRefLike[] = [];
  for (let s = local.manifest.sequence + 1; s <= remote.sequence; s++) {
    const p = listed.get(s);
    if (!p) return { packs: 0, bytes: 0, files: new Map() };
    needed.push(p);
  }
  const files = new Map<string, string>();
  let bytes = 0;
  let applied = 0;
  let expectedPrevious: string | null = local.hash;
  for (const ref of needed) {
    const target = join(staging, ref.path);
    await mkdir(dirname(target), { recursive: true });
    if (!(await hasFile(target, ref.sha256, ref.size))) {
      const part = `${target}.part`;
      const have = await stat(part).then(
        (s) => s.size,
        () => 0,
      );
      if (!(await origin.download(ref.path, part, have))) {
        refused.push(`${ref.path}: not at ${origin.label}`);
        break;
      }
      const got = await stat(part).then(
        (s) => s.size,
        () => 0,
      );
      bytes += Math.max(0, got - have);
      const content = await readFile(part);
      if (content.length !== ref.size || sha256Of(content) !== ref.sha256) {
        await rm(part, { force: true });
        refused.push(`${ref.path}: does not match its sha256 in the signed manifest`);
        break;
      }
      await rename(part, target);
    }
    const { header } = await readPackHeader(target);
    if (header.sequence !== ref.sequence || (expectedPrevious !== null && header.previous !== expectedPrevious)) {
      refused.push(`${ref.path}: made for manifest ${header.sequence} over ${header.previous.slice(0, 12)}…, not the step this mirror needs`);
      break;
    }
    expectedPrevious = null; // later packs apply to manifests this mirror never saw: their hashes are in the signed list
    await unpack(
      target,
      async (path, sha256) => {
        // The version a delta applies to: as an earlier pack left it, or this mirror's copy (checked by its hash either way).
        for (const candidate of [join(staging, path), join(local.target, path)]) {
          const old = await readFile(candidate).catch(() => null);
          if (old && sha256Of(old) === sha256) return old;
        }
        return null;
      },
      async (entry, content) => {
        const file = join(staging, entry.path);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(`${file}.part`, content);
        await rename(`${file}.part`, file);
        files.set(entry.path, entry.sha256);
      },
    );
    applied++;
  }
  return { packs: applied, bytes, files };
}

type PackRefLike = NonNullable<Manifest['packs']>[number];
