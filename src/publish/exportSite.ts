import { link, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { CollectionAbout } from '../config/dataDir.js';
import type { ArchiveReader } from '../store/archiveStore.js';
import type { BlobStore } from '../store/blobStore.js';
import { formatKeyFile } from '../verify/keyFile.js';
import { atomFeed, statusFeed } from '../web/atomFeed.js';
import { OPENAPI } from '../web/openapi.js';
import { ROBOTS_TXT } from '../web/robots.js';
import { MESSAGES } from '../web/i18n.js';
import type { PageContext } from '../web/views/layout.js';
import { openSiteWriter } from './siteWriter.js';
import { exportMessagePages } from './exportMessages.js';
import { readStamps, writeStamps } from './pageStamps.js';
import { EPISTOLA_VERSION } from '../version.js';
import {
  AboutPage,
  AccessibilityPage,
  AmendmentsPage,
  WithdrawnPage,
  HomePage,
  monthRange,
  KeysPage,
  ReleasePage,
  ReleasesPage,
  StaticSearchPage,
  StatusPage,
  type MirrorStatusView,
} from '../web/views/pages.js';
import { buildSegment, pruneSegments, segmentExists, segmentStamp, SEGMENT_MESSAGES, type SegmentRef } from './staticSearch/segments.js';
import { mergeIndex } from './staticSearch/mergeIndex.js';
import { pruneDownloads, releaseDownload, type ReleaseDownload } from './bulkDownloads.js';
import { PACKS_KEPT, packPath, writePack, type PackRef } from './deltaPack.js';
import { signBytes, type CollectionKey } from './collectionKey.js';
import { openSnapshots } from './siteSnapshots.js';
import { AttachmentIndexPage } from '../web/views/attachmentPages.js';
import { peopleIndex } from '../pages/peopleIndex.js';
import { homePageData } from '../pages/homeData.js';
import { keyRows } from '../pages/keysData.js';
import { releaseMessages, RELEASE_API_MESSAGES, RELEASE_FEED_MESSAGES, RELEASE_PAGE_MESSAGES } from '../pages/releaseData.js';
import { PeopleIndexPage } from '../web/views/peopleIndexPage.js';
import { DatesPage, DayPage, MonthPage } from '../web/views/datesPages.js';
import { archiveMonths, dayMessages, monthDays } from '../pages/datesIndex.js';

/** Bump when the pages of a message, thread, person or attachment render differently: every one is rendered again. */
const RENDER_FORMAT = 3; // 3: thread pages draw the thread as a tree

/** The static attachment index lists this many (the most shared first); every attachment has its own page. */
const STATIC_ATTACHMENT_INDEX = 1000;
/** The static people index lists this many (the busiest first); everyone has a page of their own. */
const STATIC_PEOPLE_INDEX = 1000;
import { MANIFEST_FILE, MIRRORS_FILE, SIGNATURE_FILE, serializeManifest, sha256Of, type Manifest, type MirrorSite } from './manifest.js';

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
  /** What readers are told of the collection (`epistola config`). */
  readonly about?: CollectionAbout;
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
  /**
   * Builds the search segments the export lacks, beside the page rendering (a thread of its own on
   * the second core: at 1M they are some 30 minutes of work). Without it they are built in line.
   */
  readonly buildSegments?: (dir: string, segments: readonly SegmentRef[]) => Promise<void>;
}

export interface ExportSummary {
  readonly sequence: number;
  readonly messages: number;
  readonly files: number;
  readonly bytes: number;
  /** Files written this time (new or changed). */
  readonly written: number;
  readonly removed: number;
  /** Message pages rendered (the others were kept: their inputs did not change). */
  readonly rendered: number;
  /** Parts of the previous copy's file list that were missing or altered (their pages were made again). */
  readonly damagedParts: readonly string[];
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
  const writer = openSiteWriter(live, outDir, previous.manifest);
  const { put, putFile, putPage } = writer;
  const ctx = (path: string): PageContext => ({
    lang: 'en',
    t: MESSAGES.en,
    collection: options.collection,
    path,
    staticCopy: true,
    ...(options.about ? { about: options.about } : {}),
  });
  // Caches kept beside the copy (not in it, not signed): page stamps, search segments, bulk downloads.
  const beside = (what: string) => join(dirname(resolve(options.outDir)), `.${basename(resolve(options.outDir))}.${what}`);

  const releases = await store.releases();
  const ids = releases.length > 0 ? await store.messageIds() : [];
  ids.sort((a, b) => a - b);
  // Search: an index the browser loads with script tags (works from file:// too), merged from
  // segments kept beside the export; a segment is built again only when its messages changed.
  const idsOf = new Map<number, number[]>();
  for (const release of releases) idsOf.set(release.number, await store.messageIds(release.number));
  const segmentDir = beside('search-segments');
  const segments: SegmentRef[] = [];
  const missing: SegmentRef[] = [];
  for (const release of releases) {
    const releaseIds = idsOf.get(release.number)!;
    for (let i = 0; i < releaseIds.length; i += options.segmentMessages ?? SEGMENT_MESSAGES) {
      const part = releaseIds.slice(i, i + (options.segmentMessages ?? SEGMENT_MESSAGES));
      const segment = { stamp: segmentStamp(await store.rawRefs({ ids: part })), ids: part };
      segments.push(segment);
      if (!(await segmentExists(segmentDir, segment.stamp))) missing.push(segment);
    }
  }
  const inLine = async (dir: string, list: readonly SegmentRef[]) => {
    for (const segment of list) {
      let next = 0;
      await buildSegment(dir, segment.stamp, async () => (next < segment.ids.length ? store.getMessage(segment.ids[next++]!) : undefined));
    }
  };
  const segmentsBuilt = missing.length === 0 ? Promise.resolve() : (options.buildSegments ?? inLine)(segmentDir, missing);
  // Waited for after the pages; a failure is not left unhandled meanwhile.
  segmentsBuilt.catch(() => undefined);
  const pages = await exportMessagePages({
    store,
    blobs: options.blobs,
    writer,
    live,
    ids,
    stamps: await readStamps(beside('render'), previous.manifest?.sequence ?? null),
    context: JSON.stringify([RENDER_FORMAT, EPISTOLA_VERSION, options.collection, options.baseUrl]),
    ctx,
    baseUrl: options.baseUrl,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const attachmentIndex = await store.attachmentIndex({ limit: STATIC_ATTACHMENT_INDEX, offset: 0 });
  await putPage(
    'attachments/index.html',
    AttachmentIndexPage({ ctx: ctx('/attachments'), index: attachmentIndex, type: null, page: 1, perPage: STATIC_ATTACHMENT_INDEX }),
  );
  await putPage('releases/index.html', ReleasesPage({ ctx: ctx('/releases'), releases }));
  const months = await archiveMonths(store);
  await putPage('dates/index.html', DatesPage({ ctx: ctx('/dates'), months: monthRange(months) }));
  // Each month with mail, then each day with mail (the live server's day links search; here they are pages).
  for (const { value: month, count } of months) {
    if (count === 0 || !/^\d{4}-\d{2}$/.test(month)) continue;
    const { days, total, latest } = await monthDays(store, month);
    await putPage(`dates/${month}/index.html`, MonthPage({ ctx: ctx(`/dates/${month}`), month, days, total, latest }));
    for (const { value: day, count: n } of days) {
      if (n > 0) await putPage(`dates/${day}/index.html`, DayPage({ ctx: ctx(`/dates/${day}`), day, ...(await dayMessages(store, day)) }));
    }
  }
  const people = await peopleIndex(store, { sort: 'messages', offset: 0, limit: STATIC_PEOPLE_INDEX });
  await putPage('people/index.html', PeopleIndexPage({ ctx: ctx('/people'), index: people, sort: 'messages', page: 1, perPage: STATIC_PEOPLE_INDEX }));
  const downloads: ReleaseDownload[] = [];
  const seeds = [options.baseUrl, ...options.mirrors.map((m) => m.url)];
  for (const release of releases) {
    // One search serves the page, the API file and the feed: the first of the same newest-first list.
    const messages = await releaseMessages(store, release.number, RELEASE_PAGE_MESSAGES, true);
    await put(
      `api/releases/${release.number}.json`,
      JSON.stringify({ ...release, latest: messages.hits.slice(0, RELEASE_API_MESSAGES).map((h) => h.message) }),
    );
    const download = await releaseDownload(store, options.blobs, beside('downloads'), release, idsOf.get(release.number)!, seeds);
    downloads.push(download);
    await putFile(`releases/${release.number}/${download.name}`, download.path, download.sha256, download.size, true);
    await put(`releases/${release.number}/${download.name}.torrent`, download.torrent);
    const links = { mbox: download.name, bytes: download.size, torrent: `${download.name}.torrent` };
    await putPage(`releases/${release.number}/index.html`, ReleasePage({ ctx: ctx(`/releases/${release.number}`), release, messages, downloads: links }));
    const latest = messages.hits.slice(0, RELEASE_FEED_MESSAGES).map((h) => h.message);
    await put(
      `releases/${release.number}/feed.atom`,
      atomFeed({ base: options.baseUrl, title: `${options.collection}: ${release.title}`, path: `/releases/${release.number}/feed.atom`, messages: latest }),
    );
  }
  // The search segments, built beside the pages (started before them).
  await segmentsBuilt;
  const index = await mergeIndex(segmentDir, segments, put);
  await pruneSegments(segmentDir, segments);
  await pruneDownloads(beside('downloads'), downloads);
  await putPage('search/index.html', StaticSearchPage({ ctx: ctx('/search'), bucketBits: index.bucketBits, messages: ids.length }));
  await put('static/search.js', await readFile(join(options.staticDir, 'search.js')));

  const home = await homePageData(store, { releases, months });
  await putPage('index.html', HomePage({ ctx: ctx('/'), ...home }));
  await putPage('accessibility/index.html', AccessibilityPage({ ctx: ctx('/accessibility') }));
  await putPage('about/index.html', AboutPage({ ctx: ctx('/about'), key: { publicPem: options.key.publicPem, fingerprint: options.key.fingerprint } }));
  const keys = await keyRows(store);
  await putPage('keys/index.html', KeysPage({ ctx: ctx('/keys'), keys }));
  await put('keys.txt', formatKeyFile(keys));
  await put('feed.atom', atomFeed({ base: options.baseUrl, title: options.collection, path: '/feed.atom', messages: await store.latest(50) }));
  await put('api/stats.json', JSON.stringify({ collection: options.collection, ...home.stats }));
  await put('api/releases.json', JSON.stringify(releases));
  // The live server's API, described (the footer links to it); a static copy serves the same data as api/….json files.
  await put('api/openapi.json', JSON.stringify(OPENAPI));
  await put('static/site.css', await readFile(join(options.staticDir, 'site.css')));
  await put('static/favicon.svg', await readFile(join(options.staticDir, 'favicon.svg')));
  await put('robots.txt', ROBOTS_TXT);
  await put('static/verify-dkim.py', await readFile(join(options.staticDir, 'verify-dkim.py')));
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
  await put('status/feed.atom', statusFeed({ base: options.baseUrl, title: `${options.collection}: mirrors`, events: options.status?.events ?? [] }));

  // Files the previous export had and this one does not (a page no longer produced) are not in the new copy.
  const site = writer.finish();
  const { written, removed } = site;
  const sameParts =
    (previous.manifest?.parts ?? [])
      .map((p) => `${p.name}:${p.sha256}`)
      .sort()
      .join() ===
    site.parts
      .map((p) => `${p.name}:${p.sha256}`)
      .sort()
      .join();
  const unchanged = previous.manifest !== null && written === 0 && removed === 0 && sameParts;
  const summary = (sequence: number): ExportSummary => ({
    sequence,
    messages: ids.length,
    files: site.files,
    bytes: site.bytes,
    written,
    removed,
    rendered: pages.rendered,
    damagedParts: site.damagedParts,
    elapsedMs: Date.now() - started,
  });
  if (unchanged) {
    // Nothing changed: the signed manifest there is still exact; mirrors have nothing to fetch.
    // The stamps describe the live pages (the same bytes): kept for it, so the next run renders nothing either.
    await snapshots.abandon();
    await writeStamps(beside('render'), previous.manifest!.sequence, pages.stamps, previous.manifest!.sequence);
    return summary(previous.manifest!.sequence);
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
    const path = packPath(sequence);
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    const previousParts = new Map((previous.manifest.parts ?? []).map((p) => [p.path, p.sha256]));
    const pack = await writePack(
      {
        collection: options.collection,
        sequence,
        previous: previous.hash,
        // The changed parts of the file list travel in the pack too, as patches of their old versions:
        // a part lists 5,000 messages' files and changes in a few lines when a release arrives.
        changed: [
          ...site.changed,
          ...site.parts.filter((p) => previousParts.get(p.path) !== p.sha256).map((p) => ({ path: p.path, size: p.size, sha256: p.sha256 })),
        ],
        before: (p) => previousParts.get(p) ?? writer.before(p),
        readNew: (p) => readFile(join(outDir, p)),
        readOld: (p) => readFile(join(live, p)).catch(() => null),
      },
      join(outDir, path),
    );
    packs.push({ sequence, path, ...pack });
  }
  const manifest: Manifest = {
    format: 2,
    collection: options.collection,
    sequence,
    previous: previous.hash,
    createdAt: new Date().toISOString(),
    publicKey: options.key.publicPem,
    fingerprint: options.key.fingerprint,
    parts: site.parts,
    ...(packs.length > 0 ? { packs } : {}),
  };
  const bytes = serializeManifest(manifest);
  await writeFile(join(outDir, SIGNATURE_FILE), `${signBytes(options.key, bytes)}\n`);
  await writeFile(join(outDir, MANIFEST_FILE), bytes);
  // The switch: the whole new copy, manifest and signature with it, in one rename.
  await writeStamps(beside('render'), manifest.sequence, pages.stamps, previous.manifest?.sequence ?? null);
  await snapshots.commit(manifest.sequence);
  return summary(manifest.sequence);
}
