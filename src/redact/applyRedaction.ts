import { isConversion } from '../mail/warnings.js';
import { parseMessage, type ParsedMessage } from '../parse/parseMessage.js';
import { toRecord } from '../pipeline/toRecord.js';
import type { AttachmentReader, MessageReader, RedactionWriter, SearchReader } from '../store/archiveStore.js';
import type { MessageRecord, StoredMessage } from '../model/message.js';
import type { BlobStore } from '../store/blobStore.js';
import { sha256Hex } from '../mail/contentHash.js';
import type { ParseWarning } from '../mail/warnings.js';
import type { KeyArchive } from '../verify/keyArchive.js';
import { verifyMessage } from '../verify/verifyMessage.js';
import type { QueryNode } from '../query/ast.js';
import { treeRoot } from './commitment.js';
import { describeParts, matchersOf, rangesIn, redactMessage, remainingTraces, type RedactionTarget, type SpanDraft } from './redactMime.js';
import type { PartLeaf, PrivateSpan, RedactionNotice } from './redactionRecord.js';

/**
 * One redaction, start to end: the message's current public bytes redacted (a second redaction
 * adds to the first), checked for any trace of what should be gone, parsed like an ingest, and
 * stored as the message's public rows while the original and the private record stay beside it.
 */

/** What the publisher asks for; attachments by their number on the message page. */
export type RedactRequestTarget = RedactionTarget | { readonly kind: 'attachment'; readonly index: number };

export interface RedactRequest {
  readonly id: number;
  readonly targets: readonly RedactRequestTarget[];
  readonly reason: string;
  readonly dryRun?: boolean;
}

export interface RedactOutcome {
  readonly id: number;
  readonly spans: readonly SpanDraft[];
  readonly notice: RedactionNotice;
  /** The redacted bytes' sha256 (what /emails/<id>/raw serves from now on). */
  readonly sha256: string;
  /** Other messages where the same text occurs (quoted in replies, copies): not redacted by this. */
  readonly alsoIn: readonly number[];
  readonly written: boolean;
}

/** A redaction that would leave the text findable: nothing is written. */
export class RedactionIncomplete extends Error {
  constructor(readonly places: readonly string[]) {
    super(
      `the text would still be readable in ${places.join(', ')} after redaction (split by markup, or inside a document): ` +
        'withhold that part with --part, or the attachment with --attachment',
    );
  }
}

/** A request that cannot be carried out (no such part, nothing matched). */
export class RedactionRefused extends Error {}

interface Context {
  readonly store: RedactionWriter & MessageReader & AttachmentReader & Pick<SearchReader, 'matchingIds'>;
  readonly blobs: BlobStore;
  readonly keys: KeyArchive;
  readonly now?: () => Date;
}

async function partTargets(message: StoredMessage, raw: Buffer, targets: readonly RedactRequestTarget[]): Promise<RedactionTarget[]> {
  const parts = await describeParts(raw);
  return targets.map((t): RedactionTarget => {
    if (t.kind !== 'attachment') {
      if (t.kind === 'part' && (t.number < 1 || t.number > parts.length))
        throw new RedactionRefused(`message ${message.id} has no part ${t.number} (it has ${parts.length})`);
      return t;
    }
    const attachment = message.attachments.find((a) => a.index === t.index);
    if (!attachment) throw new RedactionRefused(`message ${message.id} has no attachment ${t.index}`);
    // The k-th attachment with these bytes is the k-th part with them.
    const nth = message.attachments.filter((a) => a.sha256 === attachment.sha256 && a.index < t.index).length;
    const part = parts.filter((p) => p.sha256 === attachment.sha256)[nth];
    if (!part) throw new RedactionRefused(`attachment ${t.index} of message ${message.id} was not found among its MIME parts`);
    return { kind: 'part', number: part.number, label: `attachment ${t.index}${attachment.filename ? ` (${attachment.filename})` : ''}` };
  });
}

/** The leaves of a message's part tree: its top header block, each part's decoded content, each commitment. */
export async function partLeaves(raw: Buffer, commitments: ReadonlyArray<{ span: number; commitment: string }>): Promise<PartLeaf[]> {
  const end = [raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].filter((i) => i >= 0);
  const head = raw.subarray(0, end.length > 0 ? Math.min(...end) : raw.length);
  return [
    { label: 'headers', sha256: sha256Hex(head) },
    ...(await describeParts(raw)).map((p) => ({ label: `part ${p.number} ${p.contentType}${p.filename ? ` ${p.filename}` : ''}`, sha256: p.sha256 })),
    ...commitments.map((c) => ({ label: `span ${c.span}`, sha256: c.commitment })),
  ];
}

/** Parse warnings with the redacted text taken out of their details too. */
function scrubbedWarnings(warnings: readonly ParseWarning[], targets: readonly RedactionTarget[]): ParseWarning[] {
  const matchers = matchersOf(targets);
  return warnings.map((w) => {
    const ranges = rangesIn(w.detail, matchers);
    let detail = w.detail;
    for (const [start, end] of [...ranges].reverse()) detail = `${detail.slice(0, start)}[redacted]${detail.slice(end)}`;
    return { ...w, detail };
  });
}

async function recordOf(raw: Buffer, keep: readonly ParseWarning[], blobs: BlobStore | null, parsedAlready?: ParsedMessage): Promise<MessageRecord> {
  const parsed = parsedAlready ?? (await parseMessage(raw));
  const sha256 = sha256Hex(raw);
  if (blobs) {
    blobs.put(raw, sha256);
    for (const a of parsed.attachments) blobs.put(a.content, a.sha256);
    await blobs.makeDurable([sha256, ...parsed.attachments.map((a) => a.sha256)]);
  }
  const record = toRecord(sha256, raw.length, parsed);
  const kinds = new Set(record.warnings.map((w) => w.kind));
  return { ...record, warnings: [...record.warnings, ...keep.filter((w) => !kinds.has(w.kind))] };
}

function textQuery(target: RedactionTarget): QueryNode | null {
  if (target.kind !== 'text') return null;
  const value = target.text.trim();
  return value ? { kind: 'text', field: null, value, phrase: true, prefix: false, position: 0 } : null;
}

/** What readers are told about the redacted message's proof: checked now, on the redacted bytes. */
async function noticeOf(
  message: StoredMessage,
  raw: Buffer,
  spans: readonly PrivateSpan[],
  headersTouched: readonly string[],
  keys: KeyArchive,
): Promise<RedactionNotice> {
  const report = await verifyMessage(raw, { keys, converted: isConversion(message.warnings) });
  const proving = report.signatures.find((s) => s.headersOk === true);
  const signed = new Set((message.verification?.signatures ?? []).flatMap((s) => s.signedHeaders));
  const leaves = await partLeaves(raw, spans);
  return {
    spans: spans.map(({ span, where, commitment, reason, at }) => ({ span, where, commitment, reason, at })),
    headersTouched,
    signedHeadersTouched: headersTouched.filter((h) => signed.has(h) || h === 'dkim-signature'),
    publisherVerdict: message.verification?.verdict ?? null,
    publisherCheckedAt: message.verification?.at ?? null,
    headersProven: proving !== undefined,
    provenHeaders: proving ? [...new Set(proving.signedHeaders)] : [],
    bodyHash: proving?.bodyHash ?? null,
    leaves,
    root: treeRoot(leaves.map((l) => l.sha256)),
  };
}

export async function redact(context: Context, request: RedactRequest): Promise<RedactOutcome> {
  const { store, blobs } = context;
  const at = (context.now?.() ?? new Date()).toISOString();
  const message = await store.getMessage(request.id);
  if (!message) throw new RedactionRefused(`no message ${request.id}`);
  const previous = await store.redaction(request.id);
  const current = await blobs.read(message.sha256);
  const targets = await partTargets(message, current, request.targets);
  const notice = 'redacted by the publisher: each [REDACTED n sha256:...] marks a span taken out (the message page says what stays provable)';
  const result = await redactMessage(current, targets, { notice, firstSpan: (previous?.spans.length ?? 0) + 1 });
  if (result.spans.length === 0) throw new RedactionRefused(`nothing in message ${request.id} matches what was asked: nothing redacted`);
  const places = await remainingTraces(result.raw, targets);
  // The text read from a document (PDF, Office, a scan by OCR) is searchable and shown: it must not hold it either.
  const matchers = matchersOf(targets);
  const parsedAfter = await parseMessage(result.raw);
  for (const a of parsedAfter.attachments) {
    const extracted = await store.attachmentText(a.sha256);
    if (extracted && matchers.length > 0 && rangesIn(extracted.text, matchers).length > 0)
      places.push(`attachment ${a.index}${a.filename ? ` (${a.filename})` : ''}: its extracted text`);
  }
  if (places.length > 0) throw new RedactionIncomplete(places);

  const spans: PrivateSpan[] = [
    ...(previous?.spans ?? []),
    ...result.spans.map((s) => ({
      span: s.span,
      where: s.where,
      by: s.by,
      commitment: s.commitment,
      salt: s.salt.toString('hex'),
      removed: s.removed.toString('base64'),
      reason: request.reason,
      at,
    })),
  ];
  const touched = [...new Set([...(previous?.notice.headersTouched ?? []), ...result.headersTouched])];
  const original = previous ? await blobs.read(previous.originalSha256) : current;
  const redactionNotice = await noticeOf(message, result.raw, spans, touched, context.keys);
  const sha256 = sha256Hex(result.raw);
  const alsoIn = new Set<number>();
  for (const query of targets.map(textQuery)) {
    if (query) for (const id of await store.matchingIds(query)) if (id !== request.id) alsoIn.add(id);
  }
  const outcome = { id: request.id, spans: result.spans, notice: redactionNotice, sha256, alsoIn: [...alsoIn].sort((a, b) => a - b) };
  if (request.dryRun) return { ...outcome, written: false };

  const record = await recordOf(result.raw, scrubbedWarnings(message.warnings, targets), blobs, parsedAfter);
  await store.replaceContent(request.id, record, {
    message: request.id,
    originalSha256: previous?.originalSha256 ?? message.sha256,
    originalSize: previous?.originalSize ?? original.length,
    redactedAt: at,
    spans,
    notice: redactionNotice,
  });
  return { ...outcome, written: true };
}

/**
 * A correction: the publisher's corrected rendering (an Outlook item converted again, a wrong
 * attribution fixed) becomes what the public sees; the bytes as received stay private, and the page
 * says what was replaced, when and why. A redacted message is corrected only after an undo.
 */
export async function correct(context: Context, request: { id: number; raw: Buffer; reason: string }): Promise<{ sha256: string; notice: RedactionNotice }> {
  const { store, blobs } = context;
  const at = (context.now?.() ?? new Date()).toISOString();
  const message = await store.getMessage(request.id);
  if (!message) throw new RedactionRefused(`no message ${request.id}`);
  const previous = await store.redaction(request.id);
  if (previous && previous.spans.length > 0)
    throw new RedactionRefused(`message ${request.id} is redacted: undo that first (redact --undo), then correct and redact again`);
  const originalSha256 = previous?.originalSha256 ?? message.sha256;
  const sha256 = sha256Hex(request.raw);
  if (sha256 === message.sha256) throw new RedactionRefused(`that file is the message as published now: nothing to correct`);
  const base = await noticeOf(message, request.raw, [], [], context.keys);
  const notice: RedactionNotice = { ...base, correction: { reason: request.reason, at, originalSha256 } };
  const record = await recordOf(request.raw, message.warnings, blobs);
  await store.replaceContent(request.id, record, {
    message: request.id,
    originalSha256,
    originalSize: previous?.originalSize ?? message.size,
    redactedAt: at,
    spans: [],
    notice,
  });
  return { sha256, notice };
}

/** Undoes every redaction of a message: its public rows are made from the original bytes again. */
export async function unredact(context: Context, id: number): Promise<{ sha256: string }> {
  const previous = await context.store.redaction(id);
  if (!previous) throw new RedactionRefused(`message ${id} is neither redacted nor corrected`);
  const original = await context.blobs.read(previous.originalSha256);
  const message = await context.store.getMessage(id);
  await context.store.replaceContent(id, await recordOf(original, message?.warnings.filter((w) => w.kind !== 'parse-crashed') ?? [], null), null);
  return { sha256: previous.originalSha256 };
}
