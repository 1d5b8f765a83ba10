import { copyFile, link, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { VNode } from 'preact';
import { parseQuery } from '../query/parseQuery.js';
import type { ArchiveReader } from '../store/archiveStore.js';
import type { BlobStore } from '../store/blobStore.js';
import { searchAllIds } from '../store/searchAll.js';
import { keyFacts } from '../verify/keyRecord.js';
import { formatKeyFile } from '../verify/keyFile.js';
import { atomFeed } from '../web/atomFeed.js';
import { emailHtmlDocument } from '../web/emailHtmlDocument.js';
import { personData } from '../web/personData.js';
import { OPENAPI } from '../web/openapi.js';
import { MESSAGES } from '../web/i18n.js';
import { renderPage, type PageContext } from '../web/views/layout.js';
import { withRelativeLinks } from './relativeLinks.js';
import {
  AboutPage,
  AmendmentsPage,
  WithdrawnPage,
  EmailPage,
  PersonPage,
  HomePage,
  KeysPage,
  ReleasePage,
  ReleasesPage,
  StaticSearchPage,
  StatusPage,
  ThreadPage,
  type MirrorStatusView,
} from '../web/views/pages.js';
import { buildSegment, pruneSegments, segmentExists, segmentStamp, SEGMENT_MESSAGES, type SegmentRef } from './staticSearch/segments.js';
import { mergeIndex } from './staticSearch/mergeIndex.js';
import { pruneDownloads, releaseDownload, type ReleaseDownload } from './bulkDownloads.js';
import { PACKS_KEPT, packPath, writePack, type PackRef } from './deltaPack.js';
import { signBytes, type CollectionKey } from './collectionKey.js';
import { openSnapshots } from './siteSnapshots.js';
import { partsDocument } from '../redact/partsDocument.js';
import { AttachmentIndexPage, AttachmentPage } from '../web/views/attachmentPages.js';
import { attachmentJson, attachmentViewOf } from '../web/attachmentData.js';

/** The static attachment index lists this many (the most shared first); every attachment has its own page. */
const STATIC_ATTACHMENT_INDEX = 1000;
import { MANIFEST_FILE, MIRRORS_FILE, SIGNATURE_FILE, serializeManifest, sha256Of, type Manifest, type ManifestFile, type MirrorSite } from './manifest.js';

/**
 * The static export: the public site as files (the same views as the live server), raw messages
 * and attachments, JSON, feeds, and a signed manifest. Only published releases are exported (the
 * store is opened for the public). Incremental: a file whose bytes did not change is not
 * rewritten but hard-linked from the live copy, and the new copy replaces it in one step
 * (siteSnapshots.ts), so the served site always matches its signed manifest.
 */

export interface ExportOptions {
  readonly store: ArchiveReader;
  readonly blobs: BlobStore;
  readonly collection: string;
  readonly outDir: string;
  readonly key: CollectionKey;
  /** Absolute base URL for feeds and permalinks, e.g. https://archive.example.org */
  readonly baseUrl: string;
  readonly mirrors: readonly MirrorSite[];
  readonly staticDir: string;
  /** The last `mirror status --save`, shown at /status. */
  readonly status: MirrorStatusView | null;
  readonly onProgress?: (done: number, total: number) => void;
  /** Messages per search segment at most (default SEGMENT_MESSAGES). */
  readonly segmentMessages?: number;
}

export interface ExportSummary {
  readonly sequence: number;
  readonly messages: number;
  readonly files: number;
  readonly bytes: number;
  /** Files written this time (new or changed). */
  readonly written: number;
  readonly removed: number;
  readonly elapsedMs: number;
}

async function readPrevious(outDir: string): Promise<{ manifest: Manifest | null; hash: string | null }> {
  const bytes = await readFile(join(outDir, MANIFEST_FILE)).catch(() => null);
  if (!bytes) return { manifest: null, hash: null };
  return { manifest: JSON.parse(bytes.toString('utf8')) as Manifest, hash: sha256Of(bytes) };
}

export async function exportSite(options: ExportOptions): Promise<ExportSummary> {
  const started = Date.now();
  const { store } = options;
  const snapshots = await openSnapshots(options.outDir);
  const { live, staging: outDir } = snapshots;
  const previous = live ? await readPrevious(live) : { manifest: null, hash: null };
  const before = new Map((previous.manifest?.files ?? []).map((f) => [f.path, f.sha256]));
  const files = new Map<string, ManifestFile>();
  let written = 0;

  /** An unchanged file is shared with the live copy (a hard link); false when that cannot be done. */
  const kept = async (path: string, sha256: string): Promise<boolean> => {
    if (!live || before.get(path) !== sha256) return false;
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    return link(join(live, path), join(outDir, path)).then(
      () => true,
      () => false,
    );
  };
  /**
   * Writes a file of the new copy through a temporary name: a path of the staging copy may be a
   * hard link to the live one, and writing into it would change the live file too.
   */
  const replace = async (path: string, write: (tmp: string) => Promise<void>) => {
    const target = join(outDir, path);
    await mkdir(dirname(target), { recursive: true });
    await write(`${target}.tmp`);
    await rename(`${target}.tmp`, target);
  };
  /** Records a file; writes it only when its bytes differ from the previous export's. */
  const put = async (path: string, content: Buffer | string) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const sha256 = sha256Of(bytes);
    files.set(path, { path, size: bytes.length, sha256 });
    if (await kept(path, sha256)) return;
    await replace(path, (tmp) => writeFile(tmp, bytes));
    if (before.get(path) !== sha256) written++;
  };
  /** A file copied whose sha256 is known (a blob: its name), so unchanged ones are not even read. */
  const putFile = async (path: string, source: string, sha256: string, size: number, share = false) => {
    files.set(path, { path, size, sha256 });
    if (await kept(path, sha256)) return;
    // A cached download is never written again (a new one gets a new name): it can be shared, not copied.
    await replace(path, (tmp) => (share ? link(source, tmp).catch(() => copyFile(source, tmp)) : copyFile(source, tmp)));
    if (before.get(path) !== sha256) written++;
  };
  const putBlob = (path: string, sha256: string, size: number) => putFile(path, options.blobs.pathOf(sha256), sha256, size);
  const ctx = (path: string): PageContext => ({ lang: 'en', t: MESSAGES.en, collection: options.collection, path, staticCopy: true });
  /** A rendered page, its links made relative to where it is stored (relativeLinks.ts). */
  const putPage = (path: string, vnode: VNode) => put(path, withRelativeLinks(renderPage(vnode), path));

  const releases = await store.releases();
  const ids = releases.length > 0 ? await searchAllIds(store, parseQuery(releases.map((r) => `release:${r.number}`).join(' OR '))) : [];
  ids.sort((a, b) => a - b);
  const threads = new Set<number>();
  const people = new Set<string>();
  const attachmentShas = new Set<string>();
  let done = 0;
  for (const id of ids) {
    const message = (await store.getMessage(id))!;
    const thread = message.threadId !== null ? await store.thread(message.threadId) : [];
    if (message.threadId !== null) threads.add(message.threadId);
    for (const a of [message.from, ...message.to, ...message.cc]) if (a?.address) people.add(a.address.toLowerCase());
    const related = await store.related(id, 5);
    await putPage(`emails/${id}/index.html`, EmailPage({ ctx: ctx(`/emails/${id}`), message, thread, related, permalink: `${options.baseUrl}/emails/${id}` }));
    await putBlob(`emails/${id}/raw`, message.sha256, message.size);
    if (message.html) await put(`emails/${id}/html/index.html`, emailHtmlDocument(message, 'en', true));
    for (const a of message.attachments) await putBlob(`emails/${id}/attachments/${a.index}`, a.sha256, a.size);
    for (const a of message.attachments) if (!a.inline) attachmentShas.add(a.sha256);
    const { html: _html, locations: _locations, ...json } = message;
    await put(`api/emails/${id}.json`, JSON.stringify(json));
    // Signed through the manifest: what the publisher committed to for each part of a redacted message.
    if (message.redaction) await put(`emails/${id}/parts.json`, JSON.stringify(partsDocument(message.id, message.sha256, message.redaction), null, 1));
    options.onProgress?.(++done, ids.length);
  }
  for (const threadId of threads) {
    const messages = await store.thread(threadId);
    await putPage(`threads/${threadId}/index.html`, ThreadPage({ ctx: ctx(`/threads/${threadId}`), threadId, messages }));
    await put(`api/threads/${threadId}.json`, JSON.stringify({ threadId, messages }));
  }
  for (const address of people) {
    // The page lives where a web server looks for /people/<address> once decoded; a name that cannot be a file is left out.
    if (!/^[^/\\\0]+$/.test(address) || address === '.' || address === '..') continue;
    const { sent, received } = await personData(store, address);
    if (sent.total + received.total > 0)
      await putPage(`people/${address}/index.html`, PersonPage({ ctx: ctx(`/people/${encodeURIComponent(address)}`), address, sent, received }));
  }
  // One page per distinct attachment of the exported messages (its text, every email it is in), and the index.
  for (const sha256 of attachmentShas) {
    const view = await attachmentViewOf(store, sha256);
    if (!view) continue;
    await putPage(`attachments/${sha256}/index.html`, AttachmentPage({ ctx: ctx(`/attachments/${sha256}`), ...view }));
    await put(`api/attachments/${sha256}.json`, JSON.stringify(attachmentJson(view)));
  }
  const attachmentIndex = await store.attachmentIndex({ limit: STATIC_ATTACHMENT_INDEX, offset: 0 });
  await putPage(
    'attachments/index.html',
    AttachmentIndexPage({ ctx: ctx('/attachments'), index: attachmentIndex, type: null, page: 1, perPage: STATIC_ATTACHMENT_INDEX }),
  );
  await putPage('releases/index.html', ReleasesPage({ ctx: ctx('/releases'), releases }));
  // Caches kept beside the copy (not in it, not signed): search segments, bulk downloads.
  const beside = (what: string) => join(dirname(resolve(options.outDir)), `.${basename(resolve(options.outDir))}.${what}`);
  const idsOf = new Map<number, number[]>();
  for (const release of releases)
    idsOf.set(
      release.number,
      (await searchAllIds(store, parseQuery(`release:${release.number}`))).sort((a, b) => a - b),
    );
  const downloads: ReleaseDownload[] = [];
  const seeds = [options.baseUrl, ...options.mirrors.map((m) => m.url)];
  for (const release of releases) {
    const messages = await store.search(parseQuery(`release:${release.number}`), { sort: 'date', limit: 200 });
    await put(`api/releases/${release.number}.json`, JSON.stringify({ ...release, latest: messages.hits.slice(0, 100).map((h) => h.message) }));
    const download = await releaseDownload(store, options.blobs, beside('downloads'), release, idsOf.get(release.number)!, seeds);
    downloads.push(download);
    await putFile(`releases/${release.number}/${download.name}`, download.path, download.sha256, download.size, true);
    await put(`releases/${release.number}/${download.name}.torrent`, download.torrent);
    const links = { mbox: download.name, bytes: download.size, torrent: `${download.name}.torrent` };
    await putPage(`releases/${release.number}/index.html`, ReleasePage({ ctx: ctx(`/releases/${release.number}`), release, messages, downloads: links }));
    const latest = (await store.search(parseQuery(`release:${release.number}`), { sort: 'date', limit: 50 })).hits.map((h) => h.message);
    await put(
      `releases/${release.number}/feed.atom`,
      atomFeed({ base: options.baseUrl, title: `${options.collection}: ${release.title}`, path: `/releases/${release.number}/feed.atom`, messages: latest }),
    );
  }
  // Search: an index the browser loads with script tags (works from file:// too), merged from
  // segments kept beside the export; a segment is built again only when its messages changed.
  const segmentDir = beside('search-segments');
  const segments: SegmentRef[] = [];
  for (const release of releases) {
    const releaseIds = idsOf.get(release.number)!;
    for (let i = 0; i < releaseIds.length; i += options.segmentMessages ?? SEGMENT_MESSAGES) {
      const part = releaseIds.slice(i, i + (options.segmentMessages ?? SEGMENT_MESSAGES));
      const stamp = segmentStamp(await store.rawRefs({ ids: part }));
      if (!(await segmentExists(segmentDir, stamp))) {
        let next = 0;
        await buildSegment(segmentDir, stamp, async () => (next < part.length ? store.getMessage(part[next++]!) : undefined));
      }
      segments.push({ stamp, ids: part });
    }
  }
  const index = await mergeIndex(segmentDir, segments, put);
  await pruneSegments(segmentDir, segments);
  await pruneDownloads(beside('downloads'), downloads);
  await putPage('search/index.html', StaticSearchPage({ ctx: ctx('/search'), bucketBits: index.bucketBits, messages: ids.length }));
  await put('static/search.js', await readFile(join(options.staticDir, 'search.js')));

  const stats = await store.stats();
  await putPage('index.html', HomePage({ ctx: ctx('/'), stats, latest: await store.latest(10), releases }));
  await putPage('about/index.html', AboutPage({ ctx: ctx('/about'), key: { publicPem: options.key.publicPem, fingerprint: options.key.fingerprint } }));
  const uses = new Map((await store.keyUses()).map((u) => [u.name, u.messages]));
  const keys = await store.keyRecords();
  await putPage('keys/index.html', KeysPage({ ctx: ctx('/keys'), keys: keys.map((k) => ({ ...k, facts: keyFacts(k), messages: uses.get(k.name) ?? 0 })) }));
  await put('keys.txt', formatKeyFile(keys));
  await put('feed.atom', atomFeed({ base: options.baseUrl, title: options.collection, path: '/feed.atom', messages: await store.latest(50) }));
  await put('api/stats.json', JSON.stringify({ collection: options.collection, ...stats }));
  await put('api/releases.json', JSON.stringify(releases));
  // The live server's API, described (the footer links to it); a static copy serves the same data as api/….json files.
  await put('api/openapi.json', JSON.stringify(OPENAPI));
  await put('static/site.css', await readFile(join(options.staticDir, 'site.css')));
  await put('static/favicon.svg', await readFile(join(options.staticDir, 'favicon.svg')));
  // The 48×48 picture a ZIM file must carry (zimEdition.ts), and an icon for whoever wants one.
  await put('static/illustration-48.png', await readFile(join(options.staticDir, 'illustration-48.png')));
  await put('collection-key.pub.pem', options.key.publicPem);
  await put(MIRRORS_FILE, `${JSON.stringify(options.mirrors, null, 2)}\n`);
  const amendments = await store.amendments();
  await putPage('amendments/index.html', AmendmentsPage({ ctx: ctx('/amendments'), log: amendments }));
  await put('amendments.json', JSON.stringify(amendments, null, 1));
  // A withdrawn message's address says so (410 live); one restored since is exported as a message again.
  const withdrawnIds = new Set(amendments.filter((a) => a.entry.action === 'withdraw').flatMap((a) => a.entry.messages));
  for (const id of withdrawnIds) {
    const amendment = await store.withdrawal(id);
    if (amendment) await putPage(`emails/${id}/index.html`, WithdrawnPage({ ctx: ctx(`/emails/${id}`), id, amendment }));
  }
  await putPage('status/index.html', StatusPage({ ctx: ctx('/status'), status: options.status }));

  // Files the previous export had and this one does not (a page no longer produced) are not in the new copy.
  let removed = 0;
  for (const path of before.keys()) if (!files.has(path)) removed++;
  let total = 0;
  for (const f of files.values()) total += f.size;
  const unchanged = previous.manifest !== null && written === 0 && removed === 0;
  if (unchanged) {
    // Nothing changed: the signed manifest there is still exact; mirrors have nothing to fetch.
    await snapshots.abandon();
    return { sequence: previous.manifest!.sequence, messages: ids.length, files: files.size, bytes: total, written, removed, elapsedMs: Date.now() - started };
  }
  // The delta pack of this export (what changed since the previous one), and the recent ones kept.
  const sequence = (previous.manifest?.sequence ?? 0) + 1;
  const packs: PackRef[] = [];
  if (previous.manifest && previous.hash && live) {
    for (const p of (previous.manifest.packs ?? []).slice(-(PACKS_KEPT - 1))) {
      await mkdir(dirname(join(outDir, p.path)), { recursive: true });
      if (
        await link(join(live, p.path), join(outDir, p.path)).then(
          () => true,
          () => false,
        )
      )
        packs.push(p);
    }
    const changed = [...files.values()].filter((f) => before.get(f.path) !== f.sha256);
    const path = packPath(sequence);
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    const pack = await writePack(
      {
        collection: options.collection,
        sequence,
        previous: previous.hash,
        changed,
        before,
        readNew: (p) => readFile(join(outDir, p)),
        readOld: (p) => readFile(join(live, p)).catch(() => null),
      },
      join(outDir, path),
    );
    packs.push({ sequence, path, ...pack });
  }
  const manifest: Manifest = {
    format: 1,
    collection: options.collection,
    sequence,
    previous: previous.hash,
    createdAt: new Date().toISOString(),
    publicKey: options.key.publicPem,
    fingerprint: options.key.fingerprint,
    files: [...files.values()],
    ...(packs.length > 0 ? { packs } : {}),
  };
  const bytes = serializeManifest(manifest);
  await writeFile(join(outDir, SIGNATURE_FILE), `${signBytes(options.key, bytes)}\n`);
  await writeFile(join(outDir, MANIFEST_FILE), bytes);
  // The switch: the whole new copy, manifest and signature with it, in one rename.
  await snapshots.commit(manifest.sequence);
  return { sequence: manifest.sequence, messages: ids.length, files: files.size, bytes: total, written, removed, elapsedMs: Date.now() - started };
}
