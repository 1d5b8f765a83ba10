import { addressText, type Address } from '../mail/messageFields.js';
import { ATTACHMENT_LABEL_END, ATTACHMENT_LABEL_START } from '../text/attachmentLabels.js';
import type { ParseWarning } from '../mail/warnings.js';
import type { VerificationReport } from '../verify/report.js';
import type { RedactionNotice, RedactionRecord } from '../redact/redactionRecord.js';
import type { AttachmentText } from '../extract/attachmentText.js';
import type { AttachmentRecord, MessageRecord, MessageSummary, ParentEvidence, Provenance, StoredMessage } from './archiveStore.js';

/**
 * Rows of the `messages` table (the same columns in every store) to and from the boundary types.
 * Only row shapes live here; each store's SQL stays in its own folder.
 */
export type Row = Record<string, unknown>;

/** The text the full-text index holds for one message, by part. */
function searchTexts(r: MessageRecord) {
  return {
    searchFrom: addressText([r.from, r.sender]),
    searchTo: addressText(r.to),
    searchCc: addressText(r.cc),
    searchBcc: addressText(r.bcc),
    searchAttachments: r.attachments.map((a) => [a.filename, a.embeddedSubject].filter(Boolean).join(' ')).join(' '),
  };
}

/**
 * A new message's row in the `messages` table (the same columns in every store), number aside: the
 * record's fields, the folder it was found in, the message it is a copy of, its search texts.
 */
export function messageRowOf(r: MessageRecord, folder: string, copyOf: number | null): Row {
  const texts = searchTexts(r);
  return {
    sha256: r.sha256,
    size: r.size,
    message_id: r.messageId,
    subject: r.subject,
    date_utc: r.dateUtc,
    date_header: r.dateHeader,
    from_name: r.from?.name ?? null,
    from_addr: r.from?.address.toLowerCase() ?? null,
    sender_json: r.sender ? JSON.stringify(r.sender) : null,
    to_json: JSON.stringify(r.to),
    cc_json: JSON.stringify(r.cc),
    bcc_json: JSON.stringify(r.bcc),
    reply_to_json: JSON.stringify(r.replyTo),
    in_reply_to: r.inReplyTo,
    references_json: JSON.stringify(r.references),
    text_body: r.text,
    html_body: r.html,
    folder,
    attachment_count: r.attachments.length,
    headers_only: r.headersOnly ? 1 : 0,
    copy_of: copyOf,
    search_attachments: texts.searchAttachments,
    search_extra: r.embeddedText,
    search_attachment_text: r.attachmentText ?? '',
    dkim_verdict: r.verification?.verdict ?? null,
    search_from: texts.searchFrom,
    search_to: texts.searchTo,
    search_cc: texts.searchCc,
    search_bcc: texts.searchBcc,
    lang: r.language,
    forms_subject: r.forms.subject,
    forms_body: r.forms.body,
  };
}

/**
 * The columns of a message's row that come from its bytes (all but its number, folder, copy link,
 * thread, release and verdict): what a redaction rewrites from the redacted bytes.
 */
export function contentRowOf(r: MessageRecord): Row {
  const { folder: _folder, copy_of: _copyOf, dkim_verdict: _verdict, ...content } = messageRowOf(r, '', null);
  return content;
}

/** Each address of a message with its role and position, as the `addresses` table holds them. */
export function addressRows(r: MessageRecord): Array<[role: string, position: number, name: string, address: string]> {
  const roles: Array<[string, readonly (Address | null)[]]> = [
    ['from', [r.from]],
    ['sender', [r.sender]],
    ['to', r.to],
    ['cc', r.cc],
    ['bcc', r.bcc],
    ['reply-to', r.replyTo],
  ];
  return roles.flatMap(([role, list]) =>
    list.flatMap((a, position) => (a ? [[role, position, a.name, a.address.toLowerCase()] as [string, number, string, string]] : [])),
  );
}

/** The From mailbox of a messages row, or null when the message has none. */
export function fromOf(row: Row): Address | null {
  return row.from_addr !== null || row.from_name !== null ? { name: (row.from_name as string) ?? '', address: (row.from_addr as string) ?? '' } : null;
}

/** The columns `summaryOf` reads. */
export const SUMMARY_COLUMNS =
  'id, date_utc, from_name, from_addr, subject, message_id, thread_id, parent_id, parent_message_id, parent_evidence, attachment_count, folder';

export function summaryOf(r: Row): MessageSummary {
  return {
    id: r.id as number,
    dateUtc: r.date_utc as number | null,
    from: fromOf(r),
    subject: r.subject as string | null,
    messageId: r.message_id as string | null,
    threadId: r.thread_id as number | null,
    parentId: r.parent_id as number | null,
    parentMessageId: r.parent_message_id as string | null,
    parentEvidence: r.parent_evidence as ParentEvidence | null,
    attachmentCount: r.attachment_count as number,
    folder: r.folder as string,
  };
}

export function attachmentOf(a: Row): AttachmentRecord {
  return {
    index: a.idx as number,
    filename: a.filename as string | null,
    contentType: a.content_type as string,
    size: a.size as number,
    sha256: a.sha256 as string,
    inline: a.inline === 1,
    contentId: a.content_id as string | null,
    embeddedSubject: a.embedded_subject as string | null,
  };
}

export function provenanceOf(l: Row): Provenance {
  return {
    sourceKey: l.source as string,
    locator: l.locator as string,
    offset: l.byte_offset as number | null,
    folder: l.folder as string,
    envelope: l.envelope as string | null,
  };
}

/** A whole message from its row and the rows of the tables beside it. */
export function storedMessageOf(
  row: Row,
  parts: {
    attachments: Row[];
    warnings: Row[];
    locations: Row[];
    copies: number[];
    verification: VerificationReport | null;
    redaction: RedactionNotice | null;
  },
): StoredMessage {
  const parse = <T>(value: unknown, fallback: T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : fallback);
  return {
    id: row.id as number,
    sha256: row.sha256 as string,
    size: row.size as number,
    messageId: row.message_id as string | null,
    subject: row.subject as string | null,
    dateUtc: row.date_utc as number | null,
    dateHeader: row.date_header as string | null,
    from: fromOf(row),
    sender: parse<Address | null>(row.sender_json, null),
    to: parse<Address[]>(row.to_json, []),
    cc: parse<Address[]>(row.cc_json, []),
    bcc: parse<Address[]>(row.bcc_json, []),
    replyTo: parse<Address[]>(row.reply_to_json, []),
    inReplyTo: row.in_reply_to as string | null,
    references: parse<string[]>(row.references_json, []),
    text: row.text_body as string | null,
    html: row.html_body as string | null,
    attachments: parts.attachments.map(attachmentOf),
    headersOnly: row.headers_only === 1,
    folder: row.folder as string,
    copyOf: row.copy_of as number | null,
    copies: parts.copies,
    warnings: parts.warnings.map((w): ParseWarning => ({ kind: w.kind as ParseWarning['kind'], detail: w.detail as string })),
    locations: parts.locations.map(provenanceOf),
    threadId: row.thread_id as number | null,
    parentId: row.parent_id as number | null,
    parentMessageId: row.parent_message_id as string | null,
    parentEvidence: row.parent_evidence as ParentEvidence | null,
    verification: parts.verification,
    redaction: parts.redaction,
    language: (row.lang as string | null | undefined) ?? null,
  };
}

/** A redactions row (the same columns in every store) as the record it holds. */
export function redactionOf(row: Row): RedactionRecord {
  return {
    message: Number(row.message),
    originalSha256: row.original_sha256 as string,
    originalSize: Number(row.original_size),
    redactedAt: row.redacted_at as string,
    spans: JSON.parse(row.spans_json as string) as RedactionRecord['spans'],
    notice: JSON.parse(row.notice_json as string) as RedactionNotice,
  };
}

/** The row of a redaction record, in the column order of the redactions table. */
export function redactionRow(r: RedactionRecord): unknown[] {
  return [r.message, r.originalSha256, r.originalSize, r.redactedAt, JSON.stringify(r.spans), JSON.stringify(r.notice)];
}

/**
 * A message's search text from its attachments' extracted texts (by attachment order), each after a
 * label with its file name, so that a snippet can say which file (and page: pages are split by \f)
 * it quotes; '' when none was extracted.
 */
export function attachmentSearchText(attachments: readonly AttachmentRecord[], texts: ReadonlyMap<string, string>): string {
  return [...attachments]
    .sort((a, b) => a.index - b.index)
    .flatMap((a) => {
      const text = texts.get(a.sha256);
      return text ? [`${ATTACHMENT_LABEL_START}${a.filename ?? `attachment ${a.index}`}${ATTACHMENT_LABEL_END}\n${text}`] : [];
    })
    .join('\n');
}

/** An attachment_texts row as the record it holds. */
export function attachmentTextOf(row: Row): AttachmentText {
  return {
    sha256: row.sha256 as string,
    status: row.status as AttachmentText['status'],
    method: (row.method as string | null) ?? null,
    pages: row.pages === null || row.pages === undefined ? null : Number(row.pages),
    text: row.text as string,
    ocrPages: Number(row.ocr_pages),
    detail: (row.detail as string | null) ?? null,
    extractedAt: row.extracted_at as string,
  };
}

/** The row of an extracted text, in the column order of the attachment_texts table. */
export function attachmentTextRow(t: AttachmentText): unknown[] {
  return [t.sha256, t.status, t.method, t.pages, t.text, t.ocrPages, t.detail, t.extractedAt];
}
