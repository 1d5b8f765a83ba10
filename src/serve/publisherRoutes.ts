import { type FastifyInstance } from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import { timingSafeEqual } from 'node:crypto';
import { RedactResultPage } from '../web/views/redactionPanel.js';
import { HttpError } from './httpErrors.js';
import { contextOf, idParam, sendPage, type PublisherActions } from './routeKit.js';

/**
 * The preview server's write: a redaction posted from the email page. Refused unless the form carries
 * this process's secret and, when the browser names one, comes from this very origin; the preview
 * listens on 127.0.0.1 only (serveCommand).
 */
export function registerPublisherRoutes(app: FastifyInstance, publisher: PublisherActions, collection: string): void {
  void app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  app.post('/emails/:id/redact', async (request, reply) => {
    const ctx = contextOf(request, { collection });
    const id = idParam(request);
    const form = (request.body ?? {}) as Record<string, string | string[] | undefined>;
    const one = (name: string) => [form[name]].flat()[0] ?? '';
    const origin = request.headers.origin;
    const token = Buffer.from(one('token'));
    const secret = Buffer.from(publisher.csrf);
    if (token.length !== secret.length || !timingSafeEqual(token, secret) || (origin !== undefined && origin !== `${request.protocol}://${request.host}`))
      throw new HttpError(403, 'This form did not come from this preview server.');
    if (id === null) throw new HttpError(404, ctx.t.notFound);
    const list = (name: string, split: RegExp) =>
      one(name)
        .split(split)
        .map((v) => v.trim())
        .filter(Boolean);
    const attachments = list('attachments', /[\s,]+/).map(Number);
    if (attachments.some((n) => !Number.isInteger(n) || n < 0)) throw new HttpError(400, 'attachments: numbers, as on the message page');
    const result = await publisher.redact({
      id,
      texts: list('texts', /\r?\n/),
      headers: list('headers', /[\s,]+/),
      attachments,
      reason: one('reason').trim(),
      dryRun: one('dryRun') === '1',
    });
    return sendPage(reply, RedactResultPage({ ctx, id, ...result }), result.ok ? 200 : 422);
  });
}
