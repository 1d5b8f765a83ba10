import { Readable, type Transform } from 'node:stream';
import { Joiner, Splitter } from '@zone-eu/mailsplit';
import type { MimeNode } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import iconv from 'iconv-lite';
import { convert } from 'html-to-text';
import { sha256Hex } from '../mail/contentHash.js';
import { commitmentOf, markerText, newSalt } from './commitment.js';

/**
 * Redaction of one raw message, on the MIME structure as written (mailsplit): every part and header
 * line not touched keeps its bytes, so a DKIM signature over untouched headers still verifies with
 * the archived key. A touched text part is decoded (transfer encoding, charset), its spans replaced
 * by markers, and encoded again the same way; a withheld part becomes a short text/plain note.
 */

/** What to take out. Text and patterns apply to every text part and every header line. */
export type RedactionTarget =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'header'; readonly name: string }
  /** A leaf part by its number in `describeParts` (attachments are resolved to parts by the caller). */
  | { readonly kind: 'part'; readonly number: number; readonly label: string };

export interface SpanDraft {
  readonly span: number;
  /** Where it was, for people: "header Subject", "part 1 (text/plain)", "attachment report.pdf". */
  readonly where: string;
  /** What asked for it: "text", "regex", "header", "part". */
  readonly by: RedactionTarget['kind'];
  readonly removed: Buffer;
  readonly salt: Buffer;
  readonly commitment: string;
}

export interface PartInfo {
  /** 1-based, in the order the parts are written. */
  readonly number: number;
  readonly contentType: string;
  readonly filename: string | null;
  readonly disposition: string | null;
  readonly size: number;
  /** Of the decoded content: equal to the attachment blob's name when the part is an attachment. */
  readonly sha256: string;
}

export interface RedactedMessage {
  readonly raw: Buffer;
  readonly spans: readonly SpanDraft[];
  /** Lower-case names of the top-level header fields that were changed (DKIM signs some of them). */
  readonly headersTouched: readonly string[];
}

type Chunk = MimeNode | { type: 'body' | 'data'; value: Buffer };

/** The mailsplit objects of a message, in order: nodes (headers), their bodies, and the multipart glue between them. */
async function split(raw: Buffer): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const chunk of Readable.from([raw]).pipe(new Splitter())) chunks.push(chunk as Chunk);
  return chunks;
}

async function join(chunks: readonly Chunk[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const piece of Readable.from(chunks).pipe(new Joiner())) out.push(piece as Buffer);
  return Buffer.concat(out);
}

async function through(stream: Transform, bytes: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  const done = (async () => {
    for await (const piece of stream) out.push(Buffer.isBuffer(piece) ? piece : Buffer.from(piece as string));
  })();
  stream.end(bytes);
  await done;
  return Buffer.concat(out);
}

interface Leaf {
  readonly node: MimeNode;
  /** Positions of its body chunks in the chunk list. */
  readonly bodies: number[];
}

/** Leaf parts (not multipart containers, not message/rfc822 wrappers whose message mailsplit opens). */
function leavesOf(chunks: readonly Chunk[]): Leaf[] {
  const leaves: Leaf[] = [];
  let current: Leaf | null = null;
  chunks.forEach((chunk, i) => {
    if (chunk.type === 'node') {
      const node = chunk as MimeNode;
      current = !node.multipart && !node.rfc822 ? { node, bodies: [] } : null;
      if (current) leaves.push(current);
    } else if (chunk.type === 'body' && current) current.bodies.push(i);
    else if (chunk.type === 'data') current = null;
  });
  return leaves;
}

function bodyOf(chunks: readonly Chunk[], leaf: Leaf): Buffer {
  return Buffer.concat(leaf.bodies.map((i) => (chunks[i] as { value: Buffer }).value));
}

async function decodedOf(chunks: readonly Chunk[], leaf: Leaf): Promise<Buffer> {
  return through(leaf.node.getDecoder() as Transform, bodyOf(chunks, leaf));
}

/** The parts of a message, numbered as `--part` takes them. */
export async function describeParts(raw: Buffer): Promise<PartInfo[]> {
  const chunks = await split(raw);
  const parts: PartInfo[] = [];
  for (const [i, leaf] of leavesOf(chunks).entries()) {
    const content = await decodedOf(chunks, leaf);
    parts.push({
      number: i + 1,
      contentType: leaf.node.contentType || 'text/plain',
      filename: leaf.node.filename || null,
      disposition: leaf.node.disposition || null,
      size: content.length,
      sha256: sha256Hex(content),
    });
  }
  return parts;
}

/** A charset iconv-lite can decode and encode again; undeclared text is UTF-8 when it is valid UTF-8. */
function charsetOf(node: MimeNode, bytes: Buffer): string {
  const declared = (node.charset || '').toLowerCase();
  if (declared && declared !== 'us-ascii' && iconv.encodingExists(declared)) return declared;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).includes('\uFFFD') ? 'windows-1252' : 'utf-8';
}

/** A header line's value as text: 8-bit bytes as UTF-8 when they are, encoded words decoded. */
function headerText(line: string): string {
  const bytes = Buffer.from(line, 'binary');
  const utf8 = bytes.toString('utf8');
  return libmime.decodeWords(utf8.includes('\uFFFD') ? line : utf8);
}

/** Every precomposed letter of the Latin blocks by its base letter ("e" → "eéèêë…"), for accent-blind literals. */
const VARIANTS: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [from, to] of [
    [0xc0, 0x24f],
    [0x1e00, 0x1eff],
  ] as const) {
    for (let code = from; code <= to; code++) {
      const c = String.fromCodePoint(code);
      const base = c.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
      if (base.length === 1 && /[a-z]/.test(base)) map.set(base, (map.get(base) ?? base) + c);
    }
  }
  return map;
})();

/** A literal as a pattern: each letter matches its accented forms (precomposed or with combining marks), white space any run of it. */
function literalPattern(text: string): string {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) =>
      [...word.normalize('NFD').replace(/\p{M}/gu, '')]
        .map((c) => {
          const variants = VARIANTS.get(c.toLowerCase());
          // Case is the i flag's: with u it folds every script's letters.
          return variants ? `[${variants}]\\p{M}*` : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join(''),
    )
    .join('\\s+');
}

/** Matchers: global regular expressions over decoded text. A literal matches whatever its case and accents, any run of white space for a space. */
export function matchersOf(targets: readonly RedactionTarget[]): RegExp[] {
  return targets.flatMap((t) => {
    if (t.kind === 'text') {
      const pattern = literalPattern(t.text);
      return pattern ? [new RegExp(pattern, 'giu')] : [];
    }
    if (t.kind === 'regex') {
      const re = new RegExp(t.pattern, 'gu');
      if (re.test('')) throw new Error(`the pattern /${t.pattern}/ matches empty text: it would redact nothing and everything`);
      return [re];
    }
    return [];
  });
}

/** Every match of every matcher in a text, as [start, end) ranges, overlaps merged. */
export function rangesIn(text: string, matchers: readonly RegExp[]): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (const re of matchers) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) if (m[0].length > 0) found.push([m.index, m.index + m[0].length]);
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const r of found) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

class SpanBook {
  readonly spans: SpanDraft[] = [];
  constructor(
    private readonly salt: () => Buffer,
    private readonly first: number,
  ) {}
  add(where: string, by: RedactionTarget['kind'], removed: Buffer): string {
    const salt = this.salt();
    const commitment = commitmentOf(salt, removed);
    const span = this.first + this.spans.length;
    this.spans.push({ span, where, by, removed, salt, commitment });
    return markerText(span, commitment);
  }
  /** Replaces each range of `text` by a marker committing to its UTF-8 bytes. */
  replace(text: string, ranges: ReadonlyArray<[number, number]>, where: string, by: RedactionTarget['kind']): string {
    let out = '';
    let at = 0;
    for (const [start, end] of ranges) {
      out += text.slice(at, start) + this.add(where, by, Buffer.from(text.slice(start, end), 'utf8'));
      at = end;
    }
    return out + text.slice(at);
  }
}

/** A header field rebuilt from a new value: ASCII as it is, anything else as encoded words (RFC 2047). */
function headerLine(name: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  const encoded = /^[\x00-\x7f]*$/.test(value) ? value : libmime.encodeWords(value, 'Q', 52);
  return libmime.foldLines(`${name}: ${encoded}`, 76);
}

function redactHeaders(node: MimeNode, matchers: readonly RegExp[], wholeHeaders: ReadonlySet<string>, book: SpanBook, touched: Set<string>): void {
  const headers = node.headers;
  if (!headers) return;
  for (const entry of headers.getList()) {
    const colon = entry.line.indexOf(':');
    const name = entry.line.slice(0, colon).trim();
    if (node.root && wholeHeaders.has(entry.key)) {
      entry.line = headerLine(name, book.add(`header ${name}`, 'header', Buffer.from(entry.line, 'binary')));
    } else {
      const value = headerText(entry.line.slice(colon + 1)).replace(/\r?\n([ \t])/g, '$1');
      const structured = entry.key === 'content-type' || entry.key === 'content-disposition';
      const next = structured ? redactStructured(value, matchers, name, book) : redactText(value, matchers, `header ${name}`, book);
      if (next === null) continue;
      entry.line = structured ? libmime.foldLines(`${name}: ${next}`, 76) : headerLine(name, next.trim());
    }
    headers.changed = true;
    if (node.root) touched.add(entry.key);
  }
}

function redactText(text: string, matchers: readonly RegExp[], where: string, book: SpanBook): string | null {
  const ranges = rangesIn(text, matchers);
  return ranges.length === 0 ? null : book.replace(text, ranges, where, 'text');
}

/** Content-Type and Content-Disposition: a file name is matched decoded (RFC 2231 and 2047) and written back as a parameter. */
function redactStructured(value: string, matchers: readonly RegExp[], name: string, book: SpanBook): string | null {
  const parsed = libmime.parseHeaderValue(value);
  let changed = false;
  for (const [key, param] of Object.entries(parsed.params)) {
    const decoded = libmime.decodeWords(String(param));
    const next = redactText(decoded, matchers, `header ${name} ${key}`, book);
    if (next !== null) {
      parsed.params[key] = next;
      changed = true;
    }
  }
  return changed ? libmime.buildHeaderValue(parsed) : null;
}

/** Puts a leaf's new decoded content in place of its body, encoded as the part declares; the line break before the next boundary is kept. */
async function replaceBody(chunks: Chunk[], leaf: Leaf, content: Buffer): Promise<void> {
  const old = bodyOf(chunks, leaf);
  let encoded = await through(leaf.node.getEncoder() as Transform, content);
  const ending = /\r?\n$/.exec(old.toString('latin1'))?.[0] ?? '';
  if (ending && !encoded.toString('latin1').endsWith('\n')) encoded = Buffer.concat([encoded, Buffer.from(ending)]);
  const [first, ...rest] = leaf.bodies;
  if (first === undefined) {
    // An empty part has no body chunk: nothing to redact in it.
    return;
  }
  chunks[first] = { type: 'body', value: encoded };
  for (const i of rest) chunks[i] = { type: 'body', value: Buffer.alloc(0) };
}

/** A withheld part: its content becomes a note naming the commitment; a file name gets ".withheld.txt". */
async function withhold(chunks: Chunk[], leaf: Leaf, label: string, book: SpanBook): Promise<void> {
  const content = await decodedOf(chunks, leaf);
  const marker = book.add(label, 'part', content);
  const node = leaf.node;
  const headers = node.headers;
  if (!headers) return;
  const filename = node.filename ? `${node.filename}.withheld.txt` : null;
  const type = libmime.buildHeaderValue({ value: 'text/plain', params: { charset: 'utf-8', ...(filename ? { name: filename } : {}) } });
  headers.update('Content-Type', type);
  if (filename || node.disposition)
    headers.update('Content-Disposition', libmime.buildHeaderValue({ value: node.disposition || 'attachment', params: filename ? { filename } : {} }));
  headers.remove('Content-ID');
  node.contentType = 'text/plain';
  node.charset = 'utf-8';
  await replaceBody(chunks, leaf, Buffer.from(`${marker}\r\nThis part was withheld by the publisher (${label}).\r\n`));
}

const TEXT_TYPES = /^(text\/|message\/(delivery-status|disposition-notification|rfc822-headers|global-headers))/;

/**
 * Redacts one message. `salt` is injectable for tests only; spans are numbered in the order they
 * occur (headers of each part before its body). The caller checks the result (checkNoTrace).
 */
export async function redactMessage(
  raw: Buffer,
  targets: readonly RedactionTarget[],
  options: { readonly notice: string; readonly salt?: () => Buffer; readonly firstSpan?: number },
): Promise<RedactedMessage> {
  const chunks = await split(raw);
  const book = new SpanBook(options.salt ?? newSalt, options.firstSpan ?? 1);
  const matchers = matchersOf(targets);
  const wholeHeaders = new Set(targets.flatMap((t) => (t.kind === 'header' ? [t.name.toLowerCase()] : [])));
  const withheld = new Map(targets.flatMap((t) => (t.kind === 'part' ? [[t.number, t.label] as const] : [])));
  const leaves = leavesOf(chunks);
  for (const number of withheld.keys())
    if (number < 1 || number > leaves.length) throw new Error(`the message has no part ${number} (it has ${leaves.length})`);
  const touched = new Set<string>();
  const leafOf = new Map(leaves.map((leaf, i) => [leaf.node, i + 1]));
  for (const chunk of chunks) {
    if (chunk.type !== 'node') continue;
    const node = chunk as MimeNode;
    const number = leafOf.get(node);
    if (number !== undefined && withheld.has(number)) {
      await withhold(chunks, leaves[number - 1]!, withheld.get(number)!, book);
      if (node.root) touched.add('content-type');
      continue;
    }
    redactHeaders(node, matchers, wholeHeaders, book, touched);
    if (number === undefined || matchers.length === 0 || !TEXT_TYPES.test(node.contentType || 'text/plain')) continue;
    const leaf = leaves[number - 1]!;
    const bytes = await decodedOf(chunks, leaf);
    const charset = charsetOf(node, bytes);
    const text = iconv.decode(bytes, charset);
    const next = redactText(text, matchers, `part ${number} (${node.contentType || 'text/plain'})`, book);
    if (next !== null) await replaceBody(chunks, leaf, iconv.encode(next, charset));
  }
  const root = chunks.find((c): c is MimeNode => c.type === 'node');
  if (book.spans.length > 0 && root?.headers) {
    // Not among the signed fields, so adding it leaves every signature over the headers checkable.
    root.headers.remove('X-Epistola-Redacted');
    root.headers.add('X-Epistola-Redacted', options.notice, 0);
  }
  return { raw: book.spans.length > 0 ? await join(chunks) : raw, spans: book.spans, headersTouched: [...touched] };
}

/** Text a reader could get from HTML: tags dropped, entities decoded (what a browser shows and copies). */
function visibleText(html: string): string {
  return convert(html, { wordwrap: false, selectors: [{ selector: 'a', options: { ignoreHref: true } }] });
}

/**
 * Where the targets' text still occurs in a message after redaction: in any header (decoded, file
 * names too), in any part decoded (as UTF-8, Latin-1 and UTF-16, so a text inside an uncompressed
 * document is found), and in the visible text of HTML (a name split by markup or written with
 * entities). Empty when the redaction is complete; text inside compressed documents (PDF streams,
 * Office files) cannot be seen here: such attachments are withheld whole.
 */
export async function remainingTraces(raw: Buffer, targets: readonly RedactionTarget[]): Promise<string[]> {
  const matchers = matchersOf(targets);
  if (matchers.length === 0) return [];
  const chunks = await split(raw);
  const leaves = leavesOf(chunks);
  const found: string[] = [];
  const check = (text: string, where: string) => {
    if (rangesIn(text, matchers).length > 0) found.push(where);
  };
  for (const chunk of chunks) {
    if (chunk.type !== 'node') continue;
    const node = chunk as MimeNode;
    for (const entry of node.headers ? node.headers.getList() : []) {
      const value = headerText(entry.line.slice(entry.line.indexOf(':') + 1)).replace(/\r?\n([ \t])/g, '$1');
      check(value, `header ${entry.key}`);
      if (entry.key === 'content-type' || entry.key === 'content-disposition')
        for (const [key, param] of Object.entries(libmime.parseHeaderValue(value).params))
          check(libmime.decodeWords(String(param)), `header ${entry.key} ${key}`);
    }
  }
  for (const [i, leaf] of leaves.entries()) {
    const bytes = await decodedOf(chunks, leaf);
    const where = `part ${i + 1} (${leaf.node.contentType || 'text/plain'})`;
    const texts = [bytes.toString('utf8'), bytes.toString('latin1'), bytes.toString('utf16le')];
    if (TEXT_TYPES.test(leaf.node.contentType || 'text/plain')) texts.push(iconv.decode(bytes, charsetOf(leaf.node, bytes)));
    if (/html/.test(leaf.node.contentType || '')) texts.push(visibleText(iconv.decode(bytes, charsetOf(leaf.node, bytes))));
    if (texts.some((t) => rangesIn(t, matchers).length > 0)) found.push(where);
  }
  return [...new Set(found)];
}

/** Every header value and text part of a message, decoded: where a reader looks for markers. */
export async function decodedText(raw: Buffer): Promise<string> {
  const chunks = await split(raw);
  const texts: string[] = [];
  for (const chunk of chunks) {
    if (chunk.type !== 'node') continue;
    const headers = (chunk as MimeNode).headers;
    for (const entry of headers ? headers.getList() : []) texts.push(headerText(entry.line));
  }
  for (const leaf of leavesOf(chunks)) {
    if (!TEXT_TYPES.test(leaf.node.contentType || 'text/plain')) continue;
    const bytes = await decodedOf(chunks, leaf);
    texts.push(iconv.decode(bytes, charsetOf(leaf.node, bytes)));
  }
  return texts.join('\n');
}
