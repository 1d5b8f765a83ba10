import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { BytesReadCallback, RawMessage, SourceItem } from './rawMessage.js';

/**
 * Streaming mbox reader (mboxo and mboxrd). A 5 GB mbox is read in chunks; only one message is
 * held in memory at a time.
 *
 * Separator: a line starting `From ` that also looks like an envelope (`From sender date` with a
 * time of day and a year, as in mutt's is_from()), so a body line such as "From here on we…" never
 * splits a message. The blank line a writer puts before each separator belongs to the mbox, not
 * to the message, and is removed. Quoting: mboxrd writes `>From `, `>>From `… and we remove one
 * `>`; for mboxo this is the usual best guess (RFC 4155 §2 notes the format is lossy).
 */
const ENVELOPE_TIME = /\s\d{1,2}:\d{2}(?::\d{2})?\b/;
const ENVELOPE_YEAR = /\b(?:19|20)\d{2}\b/;
const NL = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const FROM_ = Buffer.from('From ');
/** A larger Content-Length is not believed: what it spans is held in memory until it is checked. */
const MAX_DECLARED_LENGTH = 64 * 1024 * 1024;
/** mboxcl/mboxcl2's body length (C or c: checked before the regular expression runs). */
const CONTENT_LENGTH = /^content-length:[ \t]*(\d{1,12})[ \t]*\r?\n$/i;

function isEnvelope(line: Buffer): boolean {
  if (line.length < 6 || !line.subarray(0, 5).equals(FROM_)) return false;
  const text = line.toString('latin1');
  // `From sender date`: a sender token, then a date with a time of day and a year, in either order.
  return /^From \S+\s/.test(text) && ENVELOPE_TIME.test(text) && ENVELOPE_YEAR.test(text);
}

/** True for `>From `, `>>From `, … (mboxrd quoting). */
function isQuotedFrom(line: Buffer): boolean {
  let i = 0;
  while (i < line.length && line[i] === GT) i++;
  return i > 0 && line.length >= i + 5 && line.subarray(i, i + 5).equals(FROM_);
}

export interface MboxReadOptions {
  /** Decompressed byte offset of a `From ` line to start at (a resume cursor). */
  readonly startOffset?: number;
  readonly folder: string;
  readonly onBytes?: BytesReadCallback;
}

/** Opens a file as a byte stream, transparently gunzipping when it starts with the gzip magic. */
async function openMaybeGzip(path: string, isGzip: boolean, startOffset: number, onBytes?: BytesReadCallback): Promise<Readable> {
  const file = createReadStream(path, { start: isGzip ? 0 : startOffset, highWaterMark: 1 << 20 });
  if (onBytes) file.on('data', (chunk) => onBytes((chunk as Buffer).length));
  if (!isGzip) return file;
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  return file.pipe(gunzip);
}

/** Splits a byte stream in mbox format into messages. `baseOffset` is where the stream starts. */
export async function* readMboxStream(
  stream: AsyncIterable<Buffer>,
  options: { folder: string; baseOffset: number; skipUntil?: number },
): AsyncGenerator<SourceItem> {
  let position = options.baseOffset; // offset of the first byte of `carry`
  let carry: Buffer = Buffer.alloc(0);
  let parts: Buffer[] = [];
  let partsBytes = 0;
  let envelope: string | null = null;
  let messageOffset = -1; // offset of the current message's envelope line; -1 before the first
  let lastLineBlank = false; // was the previous line of this message empty?
  let blankLength = 0; // its length (1 for LF, 2 for CRLF), removed if a separator follows
  const skipUntil = options.skipUntil ?? -1;
  // mboxcl/mboxcl2: a Content-Length header says where the body ends, so an unquoted `From ` line
  // inside it is body. It is believed only when the body does end there (an envelope or the end of
  // the file comes right after it); an envelope inside the declared body is kept as a checkpoint,
  // and if the length proves wrong the message is split at its checkpoints as if it had none.
  let inHeaders = true;
  let declared: number | null = null;
  let rawBody = 0; // bytes of body lines so far, as in the file
  let checkpoints: Array<{ at: number; blank: number; envelope: string; offset: number; length: number }> = [];

  const finish = (endOffset: number): RawMessage | null => {
    if (messageOffset < 0 && partsBytes === 0) return null;
    let total = partsBytes;
    if (lastLineBlank) total -= blankLength;
    const bytes = Buffer.allocUnsafeSlow(Math.max(0, total));
    let at = 0;
    for (const part of parts) {
      const take = Math.min(part.length, total - at);
      if (take <= 0) break;
      part.copy(bytes, at, 0, take);
      at += take;
    }
    const offset = Math.max(messageOffset, 0);
    const message: RawMessage = {
      bytes,
      locator: String(offset),
      offset,
      folder: options.folder,
      cursor: String(endOffset),
      envelope,
    };
    parts = [];
    partsBytes = 0;
    inHeaders = true;
    declared = null;
    rawBody = 0;
    checkpoints = [];
    return offset < skipUntil ? null : message;
  };

  /** The body ends where Content-Length says, give or take the blank line before the next envelope. */
  const lengthHolds = () => declared !== null && (rawBody === declared || rawBody - (lastLineBlank ? blankLength : 0) === declared);
  /** The declared length was wrong: the messages the checkpoints separate come out as the plain splitter would have made them. */
  const splitAtCheckpoints = (): RawMessage[] => {
    const whole = Buffer.concat(parts, partsBytes);
    const out: RawMessage[] = [];
    let start = 0;
    for (const point of checkpoints) {
      const offset = Math.max(messageOffset, 0);
      const bytes = Buffer.from(whole.subarray(start, point.at - point.blank));
      if (offset >= skipUntil) out.push({ bytes, locator: String(offset), offset, folder: options.folder, cursor: String(point.offset), envelope });
      start = point.at + point.length;
      envelope = point.envelope;
      messageOffset = point.offset;
    }
    parts = [Buffer.from(whole.subarray(start))];
    partsBytes = parts[0]!.length;
    checkpoints = [];
    declared = null;
    return out;
  };

  // Bytes of ordinary lines are copied in runs, not line by line: a run ends at a separator or
  // a quoted line (which loses its first '>') or at the end of the chunk.
  const take = (buffer: Buffer, from: number, to: number) => {
    if (to <= from) return;
    parts.push(Buffer.from(buffer.subarray(from, to))); // copy: the stream reuses its chunk
    partsBytes += to - from;
  };
  const classifyLine = (buffer: Buffer, start: number, end: number): 'envelope' | 'quoted' | 'plain' => {
    const line = buffer.subarray(start, end);
    if (line[0] === 0x46 /* F */ && isEnvelope(line)) return 'envelope';
    const length = end - start;
    blankLength = length === 1 && line[0] === NL ? 1 : length === 2 && line[0] === CR && line[1] === NL ? 2 : 0;
    lastLineBlank = blankLength > 0;
    return line[0] === GT && isQuotedFrom(line) ? 'quoted' : 'plain';
  };
  const pending: RawMessage[] = [];
  const processBuffer = (buffer: Buffer, final: boolean): number => {
    let lineStart = 0;
    let runStart = 0;
    while (lineStart < buffer.length) {
      let newline = buffer.indexOf(NL, lineStart);
      if (newline < 0) {
        if (!final) break;
        newline = buffer.length - 1;
      }
      const lineEnd = newline + 1;
      const lineOffset = position + lineStart;
      const kind = classifyLine(buffer, lineStart, lineEnd);
      if (kind === 'envelope' && messageOffset >= 0 && !inHeaders && declared !== null && rawBody < declared) {
        // Inside the declared body: body, unless the length proves wrong later.
        take(buffer, runStart, lineStart);
        runStart = lineStart;
        const text = buffer.subarray(lineStart, lineEnd).toString('latin1');
        checkpoints.push({
          at: partsBytes,
          blank: lastLineBlank ? blankLength : 0,
          envelope: text.replace(/\r?\n$/, ''),
          offset: lineOffset,
          length: lineEnd - lineStart,
        });
        lastLineBlank = false;
        rawBody += lineEnd - lineStart;
      } else if (kind === 'envelope') {
        take(buffer, runStart, lineStart);
        if (checkpoints.length > 0 && !lengthHolds()) pending.push(...splitAtCheckpoints());
        const done = finish(lineOffset);
        if (done) pending.push(done);
        messageOffset = lineOffset;
        envelope = buffer
          .subarray(lineStart, lineEnd)
          .toString('latin1')
          .replace(/\r?\n$/, '');
        lastLineBlank = false;
        runStart = lineEnd;
      } else {
        if (kind === 'quoted') {
          take(buffer, runStart, lineStart);
          runStart = lineStart + 1;
        }
        if (!inHeaders) rawBody += lineEnd - lineStart;
        else if (lastLineBlank) inHeaders = false;
        else if (declared === null && (buffer[lineStart] === 0x43 || buffer[lineStart] === 0x63)) {
          const length = CONTENT_LENGTH.exec(buffer.subarray(lineStart, lineEnd).toString('latin1'));
          if (length && Number(length[1]) <= MAX_DECLARED_LENGTH) declared = Number(length[1]);
        }
      }
      lineStart = lineEnd;
    }
    take(buffer, runStart, lineStart);
    return lineStart;
  };

  for await (const chunk of stream) {
    const buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const consumed = processBuffer(buffer, false);
    carry = Buffer.from(buffer.subarray(consumed));
    position += consumed;
    for (const message of pending.splice(0)) yield { message };
  }
  if (carry.length > 0) {
    // A last line without a newline.
    position += processBuffer(carry, true);
    for (const message of pending.splice(0)) yield { message };
  }
  if (checkpoints.length > 0 && !lengthHolds()) for (const message of splitAtCheckpoints()) yield { message };
  // Writers end every message, the last one too, with a blank line: it belongs to the mbox.
  const last = finish(position);
  if (last && (last.bytes.length > 0 || last.envelope !== null)) yield { message: last };
}

/** Reads an mbox file (plain or gzip'd), from `startOffset` when resuming. */
export async function* readMboxFile(path: string, isGzip: boolean, options: MboxReadOptions): AsyncGenerator<SourceItem> {
  const start = options.startOffset ?? 0;
  const stream = await openMaybeGzip(path, isGzip, start, options.onBytes);
  let count = 0;
  for await (const item of readMboxStream(stream as AsyncIterable<Buffer>, {
    folder: options.folder,
    baseOffset: isGzip ? 0 : start,
    skipUntil: isGzip ? start : 0,
  })) {
    count++;
    yield item;
  }
  if (count === 0 && start === 0) {
    yield { problem: { locator: '0', kind: 'empty-source', detail: `${path}: no message found (empty or not an mbox)` } };
  }
}
