import { simpleParser, type AddressObject, type Attachment, type EmailAddress, type ParsedMail } from 'mailparser';
import iconv from 'iconv-lite';
import { normaliseMessageId, parseIdList } from '../mail/messageId.js';
import {
  MAX_ATTACHMENTS,
  MAX_EMBEDDED_DEPTH,
  MAX_HTML_TO_TEXT_CHARS,
  MAX_INDEXED_TEXT_CHARS,
  MAX_MIME_PARTS,
  MAX_PARSE_BYTES,
  MAX_SCAN_BYTES,
} from './limits.js';
import type { ParseWarning } from '../mail/warnings.js';
import { reducedHeaders } from './reducedHeaders.js';
import type { Address, AttachmentFields, MessageFields } from '../mail/messageFields.js';

/** An attachment with its decoded content; the caller stores the content as a blob. */
export interface ParsedAttachment extends AttachmentFields {
  readonly content: Buffer;
}

/** Everything the archive keeps about a message besides its raw bytes, attachment contents included. */
export interface ParsedMessage extends MessageFields {
  readonly attachments: readonly ParsedAttachment[];
}

const PARSER_OPTIONS = {
  skipImageLinks: true, // keep cid: links; never inline images as data: URLs into the stored HTML
  keepCidLinks: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  maxHtmlLengthToParse: MAX_HTML_TO_TEXT_CHARS,
  maxChildNodes: MAX_MIME_PARTS,
  checksumAlgo: 'sha256',
} as const;

const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;
/** Charsets decoded by mailparser's own Japanese path rather than iconv-lite. */
const EXTRA_CHARSETS = new Set(['iso-2022-jp', 'iso-2022-jp-1', 'iso-2022-jp-2', 'iso-2022-jp-ext', 'us-ascii', 'ascii', 'utf-8', 'utf8']);

function clean(text: string | undefined | null): string | null {
  if (text === undefined || text === null) return null;
  // NUL cannot be shown or searched usefully; the raw message keeps it.
  return text.includes('\0') ? text.replace(/\0/g, '\uFFFD') : text;
}

function flattenAddresses(value: AddressObject | AddressObject[] | undefined): Address[] {
  if (!value) return [];
  const out: Address[] = [];
  const stack: EmailAddress[] = [];
  for (const object of Array.isArray(value) ? value : [value]) stack.push(...object.value);
  // Groups hold members; walk them without recursion.
  while (stack.length > 0) {
    const entry = stack.shift()!;
    if (entry.group) stack.unshift(...entry.group);
    else if (entry.address || entry.name) out.push({ name: clean(entry.name) ?? '', address: clean(entry.address) ?? '' });
  }
  return out;
}

/** Where the header block ends (index of the first byte of the body), or the length if no blank line. */
function headerEnd(raw: Buffer): number {
  const lf = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\r\n\r\n');
  const candidates = [lf >= 0 ? lf + 2 : -1, crlf >= 0 ? crlf + 4 : -1].filter((n) => n >= 0);
  return candidates.length > 0 ? Math.min(...candidates) : raw.length;
}

function headerValue(mail: ParsedMail, name: string): string | null {
  const wanted = name.toLowerCase();
  const line = mail.headerLines.find((h) => h.key === wanted);
  if (!line) return null;
  const colon = line.line.indexOf(':');
  return line.line
    .slice(colon + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

/** RFC 5322 §3.3 date, with comments such as "(PDT)" removed; null if it cannot be read. */
export function parseDateHeader(value: string): number | null {
  const cleaned = value
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return null;
  const ms = Date.parse(cleaned);
  return Number.isNaN(ms) ? null : ms;
}

/** Checks of the raw bytes that the MIME library does not report. Regex scans over a bounded prefix. */
function scanRaw(raw: Buffer, warnings: ParseWarning[]): void {
  const headEnd = headerEnd(raw);
  const firstLine = raw.subarray(0, Math.min(raw.length, 1000)).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  if (!HEADER_LINE.test(firstLine)) warnings.push({ kind: 'no-headers', detail: 'first line is not a header' });
  if (raw.subarray(0, headEnd).includes(0)) warnings.push({ kind: 'nul-in-header', detail: 'NUL byte in the header block' });

  const text = raw.subarray(0, Math.min(raw.length, MAX_SCAN_BYTES)).toString('latin1');
  // Parameters are read from Content-Type header fields only (with their folded lines), never
  // from bodies, where an HTML <meta charset=3D...> in quoted-printable would look alike.
  const contentTypes = [...text.matchAll(/^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim)].map((m) => m[0]);
  const unknown = new Set<string>();
  for (const field of contentTypes) {
    const charset = /charset\s*=\s*"?([^"\s;]+)/i.exec(field)?.[1]?.toLowerCase();
    if (charset && !EXTRA_CHARSETS.has(charset) && !iconv.encodingExists(charset)) unknown.add(charset);
  }
  if (unknown.size > 0) warnings.push({ kind: 'charset-unknown', detail: [...unknown].slice(0, 5).join(', ') });

  for (const field of contentTypes) {
    const match = /boundary\s*=\s*(?:"([^"\r\n]+)"|([^;\s]+))/i.exec(field);
    if (!match) continue;
    const boundary = match[1] ?? match[2]!;
    if (!text.includes(`--${boundary}--`) && raw.length <= MAX_SCAN_BYTES) {
      warnings.push({ kind: 'multipart-truncated', detail: `no closing boundary for "${boundary.slice(0, 70)}"` });
      break;
    }
  }

  // A base64 body runs from the blank line after its part headers to the next boundary line.
  for (const match of text.matchAll(/content-transfer-encoding:[ \t]*base64[^]*?\r?\n\r?\n([^]*?)(?=\r?\n--|$)/gi)) {
    const bad = /[^A-Za-z0-9+/=\s]/.exec(match[1]!);
    if (bad) {
      warnings.push({ kind: 'base64-invalid', detail: `character ${JSON.stringify(bad[0])} in a base64 part` });
      break;
    }
  }
}

async function parseHeadersOnly(raw: Buffer, warnings: ParseWarning[]): Promise<ParsedMail> {
  try {
    return await simpleParser(Buffer.concat([raw.subarray(0, headerEnd(raw)), Buffer.from('\r\n')]), PARSER_OPTIONS);
  } catch (error) {
    return parseReducedHeaders(raw, warnings, (error as Error).message);
  }
}

/** A header block over the library's limit: the whole message again with its header fields cut to their bounds. */
async function parseReducedMessage(raw: Buffer, warnings: ParseWarning[], why: string): Promise<ParsedMail | null> {
  const reduced = reducedHeaders(raw, { body: true });
  try {
    const mail = await simpleParser(reduced.block, PARSER_OPTIONS);
    warnings.push({ kind: 'headers-reduced', detail: `${why.slice(0, 100)}: ${reduced.cut} fields cut, ${reduced.dropped} left out` });
    return mail;
  } catch {
    return null;
  }
}

/** The tolerant header pass (reducedHeaders.ts): the fields that matter, cut to their bounds. */
async function parseReducedHeaders(raw: Buffer, warnings: ParseWarning[], why: string): Promise<ParsedMail> {
  const reduced = reducedHeaders(raw);
  warnings.push({ kind: 'headers-reduced', detail: `${why.slice(0, 100)}: ${reduced.cut} fields cut, ${reduced.dropped} left out` });
  return simpleParser(reduced.block, PARSER_OPTIONS);
}

/**
 * The header fields of a message that could not be parsed at all (the worker crashed or ran out of
 * time), from the tolerant pass, so that it is still found by sender, subject and date.
 */
export async function recoverHeaderFields(
  raw: Buffer,
): Promise<Pick<
  ParsedMessage,
  'messageId' | 'subject' | 'dateUtc' | 'dateHeader' | 'from' | 'sender' | 'to' | 'cc' | 'bcc' | 'replyTo' | 'inReplyTo' | 'references'
> | null> {
  try {
    const mail = await parseReducedHeaders(raw, [], 'recovery');
    return headerFields(mail);
  } catch {
    return null;
  }
}

function headerFields(mail: ParsedMail) {
  const dateHeader = headerValue(mail, 'date');
  return {
    messageId: normaliseMessageId(mail.messageId ?? headerValue(mail, 'message-id')),
    subject: clean(mail.subject),
    dateUtc: dateHeader === null ? null : parseDateHeader(dateHeader),
    dateHeader: clean(dateHeader),
    from: flattenAddresses(mail.from)[0] ?? null,
    sender: flattenAddresses(mail.headers.get('sender') as AddressObject | undefined)[0] ?? null,
    to: flattenAddresses(mail.to),
    cc: flattenAddresses(mail.cc),
    bcc: flattenAddresses(mail.bcc),
    replyTo: flattenAddresses(mail.replyTo),
    inReplyTo: parseIdList(mail.inReplyTo)[0] ?? null,
    references: parseIdList(mail.references),
  };
}

/** Parses attached messages (message/rfc822) breadth-first to a bounded depth, for the index. */
async function embeddedText(first: readonly Attachment[]): Promise<{ text: string; subjects: Map<Attachment, string | null> }> {
  const subjects = new Map<Attachment, string | null>();
  const pieces: string[] = [];
  let level: Attachment[] = first.filter((a) => a.contentType === 'message/rfc822');
  for (let depth = 1; depth <= MAX_EMBEDDED_DEPTH && level.length > 0; depth++) {
    const next: Attachment[] = [];
    for (const attachment of level) {
      try {
        const inner = await simpleParser(attachment.content, PARSER_OPTIONS);
        subjects.set(attachment, clean(inner.subject));
        pieces.push([inner.subject, inner.from?.text, clean(inner.text)].filter(Boolean).join('\n'));
        next.push(...inner.attachments.filter((a) => a.contentType === 'message/rfc822'));
      } catch {
        subjects.set(attachment, null); // an unreadable attached message stays a plain attachment
      }
    }
    level = next;
  }
  return { text: pieces.join('\n\n'), subjects };
}

/**
 * Parses one raw message with mailparser. Never throws on bad input: what cannot be parsed becomes
 * a warning, falling back to the header block alone, and in the worst case to nothing but the raw bytes.
 */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  const warnings: ParseWarning[] = [];
  scanRaw(raw, warnings);
  let mail: ParsedMail;
  let headersOnly = false;
  if (raw.length > MAX_PARSE_BYTES) {
    warnings.push({ kind: 'too-large', detail: `${raw.length} bytes > ${MAX_PARSE_BYTES}` });
    mail = await parseHeadersOnly(raw, warnings);
    headersOnly = true;
  } else {
    try {
      mail = await simpleParser(raw, PARSER_OPTIONS);
    } catch (error) {
      const message = (error as Error).message;
      const tooDeep = /child nodes|depth|call stack/i.test(message);
      const reduced = /header size/i.test(message) ? await parseReducedMessage(raw, warnings, message) : null;
      if (reduced) mail = reduced;
      else {
        warnings.push({ kind: tooDeep ? 'mime-too-deep' : 'parse-failed', detail: message.slice(0, 200) });
        mail = await parseHeadersOnly(raw, warnings);
        headersOnly = true;
      }
    }
  }

  const dateHeader = headerValue(mail, 'date');
  let dateUtc: number | null = null;
  if (dateHeader === null) warnings.push({ kind: 'date-missing', detail: 'no Date header' });
  else {
    dateUtc = parseDateHeader(dateHeader);
    if (dateUtc === null) warnings.push({ kind: 'date-invalid', detail: dateHeader.slice(0, 100) });
  }
  const messageId = normaliseMessageId(mail.messageId ?? headerValue(mail, 'message-id'));
  if (messageId === null) warnings.push({ kind: 'message-id-missing', detail: 'no Message-ID header' });

  const all = mail.attachments ?? [];
  if (all.length > MAX_ATTACHMENTS) warnings.push({ kind: 'attachments-truncated', detail: `${all.length} attachments` });
  const kept = all.slice(0, MAX_ATTACHMENTS);
  const embedded = await embeddedText(kept);
  let text = clean(mail.text);
  if (text !== null && text.length > MAX_INDEXED_TEXT_CHARS) text = text.slice(0, MAX_INDEXED_TEXT_CHARS);

  return {
    ...headerFields(mail),
    messageId,
    dateUtc,
    text,
    html: typeof mail.html === 'string' ? clean(mail.html) : null,
    attachments: kept.map((a, index) => ({
      index,
      filename: clean(a.filename),
      contentType: a.contentType,
      inline: a.contentDisposition === 'inline' || a.related === true,
      contentId: a.cid ?? null,
      content: a.content,
      sha256: a.checksum,
      embeddedSubject: embedded.subjects.get(a) ?? null,
    })),
    embeddedText: embedded.text.slice(0, MAX_INDEXED_TEXT_CHARS),
    headersOnly,
    warnings,
  };
}
