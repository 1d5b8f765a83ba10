import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveReader } from '../store/archiveStore.js';
import type { BlobStore } from '../store/blobStore.js';
import { emailHtmlDocument } from '../web/emailHtmlDocument.js';
import { isEvidenceName, personData, sendersNamed } from '../pages/personData.js';
import { attachmentJson, attachmentViewOf } from '../pages/attachmentData.js';
import type { PageContext } from '../web/views/layout.js';
import { EmailPage, PersonPage, ThreadPage } from '../web/views/pages.js';
import { AttachmentPage } from '../web/views/attachmentPages.js';
import { partsDocument } from '../redact/partsDocument.js';
import { partOf, sha256Of, type ManifestFile } from './manifest.js';
import type { Stamps } from './pageStamps.js';
import type { SiteWriter } from './siteWriter.js';

/**
 * The pages of the exported messages, their threads, people and attachments. Each page's inputs
 * are hashed first, without reading a message (raw-message hashes, DKIM verdicts and thread
 * membership, in batches), and a page whose stamp is the one it had in the live copy is kept as it
 * is. A page is rendered again when its message changed (redacted, corrected, verified again), when
 * its thread changed (a reply arrived in a later release), when it gained a copy, and the pages of
 * people and attachments when one of their messages came, changed or went. An e-mail page's "Read
 * also" list is the one computed when the page was last rendered.
 */

export interface MessagePagesInput {
  readonly store: ArchiveReader;
  readonly blobs: BlobStore;
  readonly writer: SiteWriter;
  readonly live: string | null;
  /** The exported messages, in number order. */
  readonly ids: readonly number[];
  /** The live copy's stamps (pageStamps.ts). */
  readonly stamps: Stamps;
  /** What every page also depends on: the collection, the base URL, Epistola's version. */
  readonly context: string;
  readonly ctx: (path: string) => PageContext;
  readonly baseUrl: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface MessagePagesResult {
  readonly stamps: Stamps;
  /** Message pages rendered this time (the others were kept). */
  readonly rendered: number;
}

/** Which page a file of the copy belongs to: `e:<id>`, `t:<thread>`, `p:<address>`, `a:<sha256>`. */
function pageKey(path: string): string | null {
  const m =
    /^(?:api\/)?emails\/(\d+)(?:\/|\.json$)/.exec(path) ??
    /^(?:api\/)?threads\/(\d+)(?:\/|\.json$)/.exec(path) ??
    /^people\/([^/]+)\/index\.html$/.exec(path) ??
    /^(?:api\/)?attachments\/([0-9a-f]{64})(?:\/|\.json$)/.exec(path);
  if (!m) return null;
  return `${path.includes('threads/') ? 't' : path.startsWith('people/') ? 'p' : path.includes('attachments/') && !path.includes('emails/') ? 'a' : 'e'}:${m[1]}`;
}

const BATCH = 5000;

export async function exportMessagePages(input: MessagePagesInput): Promise<MessagePagesResult> {
  const { store, writer, ids, ctx } = input;
  // The previous export's files by page, a part at a time (the parts of the pages in use are indexed).
  const indexes = new Map<string, Map<string, ManifestFile[]>>();
  const pagesOf = (part: string) => {
    let index = indexes.get(part);
    if (index) return index;
    index = new Map();
    for (const f of writer.previousFiles(part)) {
      const key = pageKey(f.path);
      if (!key) continue;
      if (!index.has(key)) index.set(key, []);
      index.get(key)!.push(f);
    }
    if (indexes.size >= 4) indexes.delete(indexes.keys().next().value!);
    indexes.set(part, index);
    return index;
  };
  const keyPart = (key: string) =>
    partOf(
      key.startsWith('e:')
        ? `emails/${key.slice(2)}/`
        : key.startsWith('t:')
          ? `threads/${key.slice(2)}/`
          : key.startsWith('p:')
            ? `people/${key.slice(2)}/`
            : `attachments/${key.slice(2)}/`,
    );
  const keepAll = (key: string) => {
    const files = pagesOf(keyPart(key)).get(key);
    return files !== undefined && files.every((f) => writer.keep(f));
  };
  const previousKeys = (kind: string) =>
    writer
      .previousParts()
      .filter((name) => name.startsWith(kind))
      .flatMap((name) => [...pagesOf(name).keys()]);

  // Every page's inputs, without reading a message.
  const inputs = await pageInputs(store, ids);
  const members = new Map<number, number[]>();
  for (let i = 0; i < ids.length; i++) {
    const t = inputs.thread[i]!;
    if (Number.isNaN(t)) continue;
    let list = members.get(t);
    if (!list) members.set(t, (list = []));
    list.push(i);
  }
  const threadStamps = new Map<number, string>();
  for (const [t, list] of members) {
    threadStamps.set(t, sha256Of(JSON.stringify(list.map((i) => [ids[i], inputs.sha256(i), inputs.verdict(i), inputs.parent(i)]))));
  }

  const next: Stamps = new Map();
  const rendered = new Set<number>();
  const people = new Set<string>();
  const attachments = new Set<string>();
  const threads = new Set<number>();
  const recheck = new Set<number>();
  const exported = new Set(ids);
  // Names the rendered messages were sent under: a person page lists the other addresses of its name.
  const senderNames = new Set<string>();

  // Messages the live copy has and this one does not (withdrawn): their people, attachments and threads change.
  // The live copy's messages are those its stamps list (or, without stamps, its parts of message files).
  const before = [...input.stamps.keys()].filter((k) => k.startsWith('e')).map((k) => Number(k.slice(1)));
  const previousIds = before.length > 0 ? before : previousKeys('emails-').map((k) => Number(k.slice(2)));
  for (const id of previousIds) {
    if (exported.has(id) || !input.live) continue;
    const json = await readFile(join(input.live, 'api', 'emails', `${id}.json`), 'utf8').catch(() => null);
    if (!json) continue;
    const gone = JSON.parse(json) as {
      from: { address?: string } | null;
      to: Array<{ address?: string }>;
      cc: Array<{ address?: string }>;
      attachments: Array<{ sha256: string }>;
      threadId: number | null;
    };
    for (const a of [gone.from, ...gone.to, ...gone.cc]) if (a?.address) people.add(a.address.toLowerCase());
    for (const a of gone.attachments) attachments.add(a.sha256);
    if (gone.threadId !== null) threads.add(gone.threadId);
  }

  const render = async (id: number) => {
    const message = (await store.getMessage(id))!;
    const thread = message.threadId !== null ? await store.thread(message.threadId) : [];
    for (const a of [message.from, ...message.to, ...message.cc]) if (a?.address) people.add(a.address.toLowerCase());
    if (message.from?.name && isEvidenceName(message.from.name)) senderNames.add(message.from.name.trim());
    const related = await store.related(id, 5);
    await writer.putPage(
      `emails/${id}/index.html`,
      EmailPage({ ctx: ctx(`/emails/${id}`), message, thread, related, permalink: `${input.baseUrl}/emails/${id}` }),
    );
    await writer.putFile(`emails/${id}/raw`, input.blobs.pathOf(message.sha256), message.sha256, message.size);
    if (message.html) await writer.put(`emails/${id}/html/index.html`, emailHtmlDocument(message, 'en', true));
    for (const a of message.attachments) await writer.putFile(`emails/${id}/attachments/${a.index}`, input.blobs.pathOf(a.sha256), a.sha256, a.size);
    for (const a of message.attachments) if (!a.inline) attachments.add(a.sha256);
    const { html: _html, locations: _locations, ...json } = message;
    await writer.put(`api/emails/${id}.json`, JSON.stringify(json));
    // Signed through the manifest: what the publisher committed to for each part of a redacted message.
    if (message.redaction) await writer.put(`emails/${id}/parts.json`, JSON.stringify(partsDocument(message.id, message.sha256, message.redaction), null, 1));
    // The message it copies lists it on its page.
    if (message.copyOf !== null) recheck.add(message.copyOf);
    rendered.add(id);
  };

  let done = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const t = inputs.thread[i]!;
    const stamp = sha256Of(`${input.context}|${id}|${inputs.sha256(i)}|${inputs.verdict(i)}|${Number.isNaN(t) ? '' : threadStamps.get(t)}`);
    next.set(`e${id}`, stamp);
    if (!(input.stamps.get(`e${id}`) === stamp && keepAll(`e:${id}`))) await render(id);
    writer.closeBelow(id);
    input.onProgress?.(++done, ids.length);
  }
  for (const id of recheck) if (exported.has(id) && !rendered.has(id)) await render(id);

  for (const [t, stamp] of threadStamps) {
    // Threads come in number order (a thread's number is its first message's): the parts behind are done
    // (a part touched again is read back: slower, still right).
    writer.closeBelow(t, 'threads');
    next.set(`t${t}`, stamp);
    if (!threads.has(t) && input.stamps.get(`t${t}`) === stamp && keepAll(`t:${t}`)) continue;
    const messages = await store.thread(t);
    await writer.putPage(`threads/${t}/index.html`, ThreadPage({ ctx: ctx(`/threads/${t}`), threadId: t, messages }));
    await writer.put(`api/threads/${t}.json`, JSON.stringify({ threadId: t, messages }));
  }

  // A new address under a name others send under changes their pages too (the addresses of that name).
  // Only for an export beside a live copy: an export from nothing makes every person page anyway.
  if (input.live) for (const name of senderNames) for (const address of await sendersNamed(store, name)) people.add(address);
  // People and attachments of messages that came, changed or went are made again; the others kept.
  for (const key of [...previousKeys('people-'), ...previousKeys('attachments-')]) {
    const set = key.startsWith('p:') ? people : key.startsWith('a:') ? attachments : null;
    if (set && !set.has(key.slice(2)) && !keepAll(key)) set.add(key.slice(2)); // a page that cannot be kept is made again
  }
  for (const address of people) {
    // The page lives where a web server looks for /people/<address> once decoded; a name that cannot be a file is left out.
    if (!/^[^/\\\0]+$/.test(address) || address === '.' || address === '..') continue;
    const { sent, received, aliases } = await personData(store, address);
    if (sent.total + received.total > 0)
      await writer.putPage(
        `people/${address}/index.html`,
        PersonPage({ ctx: ctx(`/people/${encodeURIComponent(address)}`), address, sent, received, aliases }),
      );
  }
  // One page per distinct attachment of the exported messages (its text, every email it is in).
  // In hash order, so that each part (by the hash's first digit) is closed once it is past: at 1M the
  // sixteen parts held open grew the export by ~140 MB a minute.
  let part: string | null = null;
  for (const sha256 of [...attachments].sort()) {
    if (part !== null && part !== sha256[0]) writer.closePart(`attachments-${part}`);
    part = sha256[0]!;
    const view = await attachmentViewOf(store, sha256);
    if (!view) continue;
    await writer.putPage(`attachments/${sha256}/index.html`, AttachmentPage({ ctx: ctx(`/attachments/${sha256}`), ...view }));
    await writer.put(`api/attachments/${sha256}.json`, JSON.stringify(attachmentJson(view)));
  }
  return { stamps: next, rendered: rendered.size };
}

/**
 * What the stamps are made of, a message by its place in the sorted ids: the public raw bytes'
 * sha256 and the DKIM verdict (undefined when the message has no raw reference), the thread and
 * the parent (NaN for none). In arrays rather than an object a message: at 1M messages the objects
 * and their strings held some 300 MB for the whole export.
 */
interface PageInputs {
  readonly thread: Float64Array;
  sha256(i: number): string | undefined;
  verdict(i: number): string | null | undefined;
  parent(i: number): number | null;
}

async function pageInputs(store: ArchiveReader, ids: readonly number[]): Promise<PageInputs> {
  const n = ids.length;
  const digests = Buffer.alloc(n * 32);
  const hasRef = new Uint8Array(n);
  const verdictCode = new Uint16Array(n); // an index into verdicts
  const verdicts: Array<string | null> = [null];
  const codes = new Map<string | null, number>([[null, 0]]);
  const thread = new Float64Array(n).fill(Number.NaN);
  const parent = new Float64Array(n).fill(Number.NaN);
  const indexOf = (id: number) => {
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  for (let start = 0; start < n; start += BATCH) {
    const batch = ids.slice(start, start + BATCH);
    for (const r of await store.rawRefs({ ids: batch })) {
      const i = indexOf(r.id);
      if (i < 0) continue;
      digests.write(r.sha256, i * 32, 'hex');
      hasRef[i] = 1;
      let code = codes.get(r.verdict);
      if (code === undefined) codes.set(r.verdict, (code = verdicts.push(r.verdict) - 1));
      verdictCode[i] = code;
    }
    for (const s of await store.summaries(batch)) {
      const i = indexOf(s.id);
      if (i < 0) continue;
      if (s.threadId !== null) thread[i] = s.threadId;
      parent[i] = s.parentId ?? Number.NaN;
    }
  }
  return {
    thread,
    sha256: (i) => (hasRef[i] ? digests.toString('hex', i * 32, i * 32 + 32) : undefined),
    verdict: (i) => (hasRef[i] ? verdicts[verdictCode[i]!]! : undefined),
    parent: (i) => (Number.isNaN(parent[i]!) ? null : parent[i]!),
  };
}
