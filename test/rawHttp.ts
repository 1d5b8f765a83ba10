import { connect } from 'node:net';

/**
 * A plain HTTP/1.1 exchange over a socket, bytes as given: fetch and http.request refuse or rewrite
 * the malformed requests a fuzz test must send (raw bytes in paths, `..`, huge headers).
 */
export interface RawResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** The connection was reset or closed before a whole response arrived. */
  readonly broken: string | null;
}

export function rawRequest(port: number, request: Buffer | string, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let broken: string | null = null;
    socket.setTimeout(timeoutMs, () => {
      broken = 'timeout';
      socket.destroy();
    });
    // Not half-closed after the request: Node's server drops a request whose client sent FIN before
    // an async handler answered, and real clients do not do that. Done when a whole answer is in.
    const bytes = typeof request === 'string' ? Buffer.from(request, 'latin1') : request;
    const head = bytes.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (complete(Buffer.concat(chunks), head)) socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (broken ??= error.code ?? error.message));
    socket.on('close', () => done(parse(Buffer.concat(chunks), broken, head)));
  });
}

function complete(bytes: Buffer, headRequest: boolean): boolean {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return false;
  if (headRequest) return true;
  const head = bytes.subarray(0, end).toString('latin1').toLowerCase();
  const length = /\r\ncontent-length: *(\d+)/.exec(head);
  if (length) return bytes.length - end - 4 >= Number(length[1]);
  if (head.includes('transfer-encoding: chunked')) return bytes.subarray(end).includes('\r\n0\r\n\r\n');
  return /^http\/1\.1 (304|204)/.test(head);
}

function parse(bytes: Buffer, broken: string | null, head: boolean): RawResponse {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: new Map(), body: Buffer.alloc(0), broken: broken ?? 'no response' };
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const));
  let body = bytes.subarray(end + 4);
  if (headers.get('transfer-encoding') === 'chunked') body = unchunk(body);
  const length = headers.get('content-length');
  const short = !head && length !== undefined && body.length < Number(length);
  return { status: Number(statusLine.split(' ')[1]), headers, body, broken: short ? (broken ?? 'short body') : null };
}

function unchunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
