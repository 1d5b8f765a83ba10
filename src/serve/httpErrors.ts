import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { QueryError } from '../query/parseQuery.js';
import { chooseLang, MESSAGES, type Lang, type Messages } from '../web/i18n.js';
import { PAGE_HEADERS } from '../web/securityHeaders.js';
import { renderPage } from '../web/views/layout.js';
import { ErrorPage } from '../web/views/pages.js';

/**
 * One error path for the web reader: every failure a client can cause becomes an HttpError (or a
 * query error), answered as the site's own page in the reader's language, or as JSON problem
 * details (RFC 9457) on /api. Only a fault of ours is a 500, and its details stay in the log.
 */

/** What a client did wrong, with the status it gets; `message` is shown to the reader as it is. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** Words for the errors a client can cause, in the reader's language. */
export type ErrorWords = Pick<
  Messages,
  'notFound' | 'badRequest' | 'badParameter' | 'badCursor' | 'uriTooLong' | 'headersTooLarge' | 'busy' | 'tooManyRequests'
>;

const isApi = (url: string) => url.startsWith('/api/') || /\.json(\?|$)/.test(url);

/** The language of an error answer: from ?lang= when it can be read, else Accept-Language. */
function langOf(request: FastifyRequest): Lang {
  const query = request.query as Record<string, unknown> | undefined;
  const header = request.headers['accept-language'];
  return chooseLang(query?.lang, typeof header === 'string' ? header : undefined);
}

/** An error's body and type: problem details under /api, else the site's page (`path` for its language switcher). */
export function errorBody(
  api: boolean,
  status: number,
  message: string,
  page: { lang: Lang; collection: string; path: string },
): { type: string; body: string } {
  // `error` as well as `detail`: API clients written against the first wave read `error`.
  if (api)
    return {
      type: 'application/problem+json; charset=utf-8',
      body: JSON.stringify({ type: 'about:blank', title: statusTitle(status), status, detail: message, error: message }),
    };
  return { type: 'text/html; charset=utf-8', body: renderPage(ErrorPage({ ctx: { ...page, t: MESSAGES[page.lang] }, status, message })) };
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
  collection = '',
): FastifyReply {
  // The path is echoed into the language switcher: a damaged or huge one is not repeated back.
  const path = status === 400 || status === 414 || request.url.length > 2048 ? '/' : request.url.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '');
  const { type, body } = errorBody(isApi(request.url), status, message, { lang: langOf(request), collection, path });
  return reply.code(status).headers(PAGE_HEADERS).headers(headers).header('vary', 'accept-language').type(type).send(body);
}

function statusTitle(status: number): string {
  return STATUS_TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  410: 'Gone',
  413: 'Content Too Large',
  414: 'URI Too Long',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/** The status and reader's words for any error thrown while answering a request. */
export function classify(error: FastifyError | Error, t: ErrorWords): { status: number; message: string; headers: Record<string, string> } {
  if (error instanceof HttpError) return { status: error.status, message: error.message, headers: { ...error.headers } };
  if (error instanceof QueryError) return { status: 400, message: error.message, headers: {} };
  const fastify = error as FastifyError & { validation?: unknown };
  // A parameter that fails its route's schema (a repeated ?q=, a sort that does not exist, a limit of "abc").
  if (fastify.validation) return { status: 400, message: `${t.badParameter}: ${fastify.message}`, headers: {} };
  const status = fastify.statusCode ?? 500;
  if (status === 429) return { status, message: error.message, headers: {} };
  if (status === 414 || fastify.code === 'FST_ERR_MAX_PARAM_LENGTH') return { status: 414, message: t.uriTooLong, headers: {} };
  if (status === 413) return { status, message: t.badRequest, headers: {} };
  if (status >= 400 && status < 500) return { status, message: t.badRequest, headers: {} };
  return { status: 500, message: 'Internal error', headers: {} };
}

/**
 * Errors Node's HTTP parser finds before there is a request (headers over the limit, a request line
 * that is not HTTP): answered as a small page, then the connection is closed gently. Closing a socket
 * while the client is still sending makes the kernel reset it, so the rest of what it sends is read
 * and dropped first, for a bounded time.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket, collection = ''): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const t = MESSAGES.en;
  let status = 400;
  let message = t.badRequest;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT') [status, message] = [408, 'Request timeout'];
  else if (error.code === 'HPE_HEADER_OVERFLOW') {
    // A request line that alone fills most of the limit is a URI too long; otherwise the header fields are.
    const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : Buffer.alloc(0);
    const lineEnd = packet.indexOf('\n');
    [status, message] = (lineEnd < 0 ? packet.length : lineEnd) > LONG_REQUEST_LINE ? [414, t.uriTooLong] : [431, t.headersTooLarge];
  }
  if (socket.writable) {
    const { body } = errorBody(false, status, message, { lang: 'en', collection, path: '/' });
    const headers = Object.entries(PAGE_HEADERS)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(
      `HTTP/1.1 ${status} ${statusTitle(status)}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${headers}\r\n${body}`,
    );
  }
  socket.end();
  socket.on('data', () => undefined);
  socket.resume();
  socket.setTimeout(DRAIN_MS, () => socket.destroy());
  socket.once('end', () => socket.destroy());
}

/** Node's header limit is 16 KB for the request line and the fields together. */
const LONG_REQUEST_LINE = 8 * 1024;

/** How long a connection in error is read and dropped before it is closed anyway. */
const DRAIN_MS = 2000;
