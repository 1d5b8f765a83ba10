import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import type { KeyReader, MessageReader } from '../store/archiveStore.js';
import type { Release } from '../model/release.js';
import type { BlobStore } from '../store/blobStore.js';
import { mboxEntry } from '../mail/mboxWriter.js';
import { sha256Of } from './manifest.js';

/**
 * Bulk downloads of a release, so that a reader who wants the data does not crawl its pages: an
 * mbox (mboxrd, gzip) of its raw messages as the public sees them, in number order, and a .torrent
 * of that file whose web seeds are the origin and every mirror (BEP 19: any plain web server that
 * serves the copy is a seed; no tracker is named, clients find peers by DHT). Both are files of the
 * copy, listed in the signed manifest. Building one reads every raw message of the release, so it is
 * kept beside the copy under a stamp of its messages and built again only when they change.
 */

export const BULK_FORMAT = 1;

export interface ReleaseDownload {
  readonly name: string;
  /** The cached mbox.gz, its size and sha256. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly torrent: Buffer;
}

/** The file names of a release's downloads, in releases/<n>/. */
export const mboxName = (release: number) => `release-${release}.mbox.gz`;

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A release's mbox.gz (built, or found in `cacheDir` when its messages are the same). */
export async function releaseMbox(
  store: MessageReader & Pick<KeyReader, 'rawRefs'>,
  blobs: BlobStore,
  cacheDir: string,
  release: Release,
  ids: readonly number[],
): Promise<Omit<ReleaseDownload, 'torrent'>> {
  await mkdir(cacheDir, { recursive: true });
  const refs = await store.rawRefs({ ids });
  const stamp = sha256Of(JSON.stringify({ format: BULK_FORMAT, refs: refs.map((r) => `${r.id}:${r.sha256}`) })).slice(0, 32);
  const name = mboxName(release.number);
  const path = join(cacheDir, `${stamp}.mbox.gz`);
  const shaFile = `${path}.sha256`;
  let sha256 = await readFile(shaFile, 'utf8').catch(() => '');
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    // A name of this build's own: two builds of the same file (two server processes) never write into one.
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const gzip = createGzip({ level: 6 });
    const out = createWriteStream(tmp);
    const done = once(out, 'finish');
    gzip.pipe(out);
    const shaOf = new Map(refs.map((r) => [r.id, r.sha256]));
    for (let i = 0; i < ids.length; i += 1000) {
      for (const m of await store.summaries(ids.slice(i, i + 1000))) {
        const sha = shaOf.get(m.id);
        if (sha && !gzip.write(mboxEntry(await blobs.read(sha), m.from?.address ?? '', m.dateUtc ?? 0))) await once(gzip, 'drain');
      }
    }
    gzip.end();
    await done;
    await rename(tmp, path);
    sha256 = await sha256OfFile(path);
    await writeFile(shaFile, sha256);
  }
  return { name, path, size: (await stat(path)).size, sha256 };
}

/** A release's mbox.gz and torrent (built, or found in `cacheDir`). `seeds` are the base URLs of the sites that serve the copy (origin first). */
export async function releaseDownload(
  store: MessageReader & Pick<KeyReader, 'rawRefs'>,
  blobs: BlobStore,
  cacheDir: string,
  release: Release,
  ids: readonly number[],
  seeds: readonly string[],
): Promise<ReleaseDownload> {
  const { name, path, size, sha256 } = await releaseMbox(store, blobs, cacheDir, release, ids);
  const { default: createTorrent } = await import('create-torrent'); // only the export makes torrents
  const torrent = await new Promise<Buffer>((resolve, reject) =>
    createTorrent(
      path,
      {
        name,
        // The same inputs give the same bytes: the release's date, not the time of the export.
        creationDate: new Date(release.publishAt ?? release.createdAt),
        comment: `${release.title} (release ${release.number})`,
        createdBy: 'Epistola',
        announceList: [],
        urlList: seeds.map((base) => `${base.replace(/\/+$/, '')}/releases/${release.number}/`),
      },
      (error: Error | null, bytes: Buffer) => (error ? reject(error) : resolve(bytes)),
    ),
  );
  return { name, path, size, sha256, torrent };
}

/** Cached downloads no release uses any more go. */
export async function pruneDownloads(cacheDir: string, keep: readonly ReleaseDownload[]): Promise<void> {
  const paths = new Set(keep.flatMap((d) => [d.path, `${d.path}.sha256`]));
  for (const name of await readdir(cacheDir).catch(() => [] as string[])) if (!paths.has(join(cacheDir, name))) await rm(join(cacheDir, name), { force: true });
}
