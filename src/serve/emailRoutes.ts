import { isConversion } from '../mail/warnings.js';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyArchive } from '../verify/keyArchive.js';
import { verifyMessage } from '../verify/verifyMessage.js';
import { writeProofBundle } from '../verify/proofBundle.js';
import { emailHtmlDocument } from '../web/emailHtmlDocument.js';
import { DOWNLOAD_HEADERS, EMAIL_HTML_HEADERS, INLINE_IMAGE_HEADERS, PAGE_HEADERS } from '../web/securityHeaders.js';
import { WithdrawnPage, EmailPage } from '../web/views/pages.js';
import { partsDocument } from '../redact/partsDocument.js';
import { AttachmentIndexPage, AttachmentPage } from '../web/views/attachmentPages.js';
import { attachmentJson, attachmentViewOf, ATTACHMENTS_PER_PAGE } from '../pages/attachmentData.js';
import { contextOf, sendPage, idParam, disposition, BLOB_SEND, pageAndApi, type RouteKit } from './routeKit.js';
import { registerPublisherRoutes } from './publisherRoutes.js';

/** A message: its page and API twin, raw bytes, HTML, attachments and their pages, the proof bundle. */
export function registerEmailRoutes(kit: RouteKit): void {
  const { app, store, blobs, options, site, collection, withinBudget, notFound, loadMessage } = kit;
  // Email
  app.get('/emails/:id', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message) {
      // A message taken down says so, with the signed entry: nothing disappears silently.
      const id = idParam(request);
      const amendment = id === null ? null : await store.withdrawal(id);
      if (id !== null && amendment) return sendPage(reply, WithdrawnPage({ ctx: contextOf(request, site), id, amendment }), 410);
      return notFound(request, reply);
    }
    const ctx = { ...contextOf(request, site), ...(options.publisher ? { csrf: options.publisher.csrf } : {}) };
    const thread = message.threadId !== null ? await store.thread(message.threadId) : [];
    const related = await store.related(message.id, 5);
    const permalink = `${request.protocol}://${request.host}/emails/${message.id}`;
    return sendPage(reply, EmailPage({ ctx, message, thread, related, permalink }));
  });
  if (options.publisher) registerPublisherRoutes(app, options.publisher, collection);
  app.get('/api/emails/:id', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message) return notFound(request, reply);
    // Where the publisher's files were (paths on their machine) is not for the public.
    const { html: _html, locations: _locations, ...rest } = message;
    return reply.headers(PAGE_HEADERS).send({ ...rest, hasHtml: message.html !== null, links: emailLinks(message.id) });
  });
  app.get('/emails/:id/parts.json', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message?.redaction) return notFound(request, reply);
    return reply.headers(PAGE_HEADERS).send(partsDocument(message.id, message.sha256, message.redaction));
  });
  app.get('/emails/:id/raw', async (request, reply) => {
    // What DKIM checkers fetch, so it asks the store for the blob's hash alone (not the whole message).
    const id = idParam(request);
    const blob = id === null ? undefined : await store.rawBlob(id);
    if (!blob) return notFound(request, reply);
    reply.headers(DOWNLOAD_HEADERS).header('content-disposition', disposition('attachment', `${id}.eml`));
    if (blob.size > SMALL_BLOB_BYTES || request.headers.range !== undefined) {
      return reply.sendFile(relativeBlob(blob.sha256), options.blobRoot, BLOB_SEND).type('message/rfc822');
    }
    // Small ones (nearly all mail) are read whole, and then served from the page cache like a page;
    // the content hash is the ETag (the same on every node; the etag plugin answers If-None-Match).
    reply.header('etag', `"${blob.sha256}"`).header('cache-control', BLOB_CACHE_CONTROL).header('accept-ranges', 'bytes');
    return reply.type('message/rfc822').send(await blobs.read(blob.sha256));
  });
  app.get('/emails/:id/html', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message?.html) return notFound(request, reply);
    const doc = emailHtmlDocument(message, contextOf(request, site).lang);
    return reply.headers(EMAIL_HTML_HEADERS).type('text/html; charset=utf-8').send(doc);
  });
  app.get('/emails/:id/attachments/:idx', async (request, reply) => {
    const message = await loadMessage(request);
    const idx = /^\d{1,6}$/.test((request.params as { idx: string }).idx) ? Number((request.params as { idx: string }).idx) : -1;
    const attachment = message?.attachments.find((a) => a.index === idx);
    if (!message || !attachment) return notFound(request, reply);
    // Only images referenced by cid: are shown inline (inside the sandboxed email HTML); all else downloads.
    const inline = (request.query as Record<string, string>).inline === '1' && /^image\/(png|gif|jpeg|webp)$/.test(attachment.contentType);
    return reply
      .headers(inline ? INLINE_IMAGE_HEADERS : DOWNLOAD_HEADERS)
      .header('content-disposition', disposition(inline ? 'inline' : 'attachment', attachment.filename ?? `attachment-${idx}`))
      .sendFile(relativeBlob(attachment.sha256), options.blobRoot, BLOB_SEND)
      .type(inline ? attachment.contentType : /^[\w.+-]+\/[\w.+-]+$/.test(attachment.contentType) ? attachment.contentType : 'application/octet-stream');
  });
  /** The page of a distinct attachment, if a visible message has it. */
  const attachmentPage = async (request: FastifyRequest, reply: FastifyReply, sha256: string) => {
    const view = await attachmentViewOf(store, sha256);
    if (!view) return notFound(request, reply);
    return sendPage(reply, AttachmentPage({ ctx: contextOf(request, site), ...view }));
  };
  pageAndApi(kit, {
    html: '/attachments/:sha256',
    api: '/api/attachments/:sha256',
    load: async (request) => {
      const { sha256 } = request.params as { sha256: string };
      return /^[0-9a-f]{64}$/.test(sha256) ? ((await attachmentViewOf(store, sha256)) ?? null) : null;
    },
    view: (ctx, view) => AttachmentPage({ ctx, ...view }),
    json: attachmentJson,
  });
  app.get('/emails/:id/attachments/:idx/text', async (request, reply) => {
    const message = await loadMessage(request);
    const idx = /^\d{1,6}$/.test((request.params as { idx: string }).idx) ? Number((request.params as { idx: string }).idx) : -1;
    const attachment = message?.attachments.find((a) => a.index === idx);
    return attachment ? attachmentPage(request, reply, attachment.sha256) : notFound(request, reply);
  });
  app.get('/attachments', { schema: { querystring: ATTACHMENTS_QUERY } }, async (request, reply) => {
    const query = request.query as { type?: string; page?: number };
    const type = query.type && /^[a-z0-9.+-]{1,40}$/i.test(query.type) ? query.type : null;
    const page = query.page ?? 1;
    const index = await store.attachmentIndex({ limit: ATTACHMENTS_PER_PAGE, offset: (page - 1) * ATTACHMENTS_PER_PAGE, type });
    return sendPage(reply, AttachmentIndexPage({ ctx: contextOf(request, site), index, type, page, perPage: ATTACHMENTS_PER_PAGE }));
  });
  app.get('/emails/:id/proof.tar.gz', async (request, reply) => {
    const message = await loadMessage(request);
    if (!message) return notFound(request, reply);
    const bytes = await withinBudget(request, async () => {
      const raw = await blobs.read(message.sha256);
      // A redacted message's stored report is the publisher's check of the original: the bundle's is of these bytes.
      const report =
        message.redaction || !message.verification
          ? await verifyMessage(raw, { keys: new KeyArchive(await store.keyRecords()), converted: isConversion(message.warnings) })
          : message.verification;
      const dir = await mkdtemp(join(tmpdir(), 'epistola-proof-'));
      try {
        const outFile = join(dir, 'proof.tar.gz');
        await writeProofBundle({ id: message.id, raw, report, outFile, redaction: message.redaction });
        return await readFile(outFile);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    return reply
      .headers(DOWNLOAD_HEADERS)
      .type('application/gzip')
      .header('content-disposition', disposition('attachment', `message-${message.id}-proof.tar.gz`))
      .send(bytes);
  });
}

const ATTACHMENTS_QUERY = {
  type: 'object',
  properties: { type: { type: 'string', maxLength: 40 }, page: { type: 'integer', minimum: 1, maximum: 100000 } },
} as const;

/**
 * Blobs up to this size are read into memory and sent as one buffer: the file sender's stat,
 * stream and weak ETag cost more than the read for a message of a few KB (bench/web.sh).
 */
const SMALL_BLOB_BYTES = 256 * 1024;

/** What BLOB_SEND sends as Cache-Control, for blobs sent from memory. */
const BLOB_CACHE_CONTROL = 'public, max-age=86400, immutable';

function relativeBlob(sha256: string): string {
  return join(sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

function emailLinks(id: number) {
  return { html: `/emails/${id}`, raw: `/emails/${id}/raw`, proof: `/emails/${id}/proof.tar.gz` };
}
