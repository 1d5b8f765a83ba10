import type pg from 'pg';
import type { CommitOutcome, IngestBatch, MessageRecord, VerificationItem } from '../archiveStore.js';
import type { RedactionRecord } from '../../redact/redactionRecord.js';
import { keyName } from '../../verify/keyRecord.js';
import { addressRows, attachmentOf, attachmentSearchText, attachmentTextRow, contentRowOf, messageRowOf, redactionRow, type Row } from '../messageRows.js';
import type { AttachmentText } from '../../extract/attachmentText.js';
import { MESSAGE_COLUMNS } from '../transfer.js';
import { pgText, tsvectorWords } from './textSearch.js';

/**
 * Writing messages into PostgreSQL: whole batches as `unnest` arrays (one statement per table per
 * batch), search vectors computed in the same statement as the rows.
 */

type Db = pg.Pool | pg.PoolClient;

async function rows<T = Row>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}

/** The columns INSERT_MESSAGES_SQL writes: every messages column, then the search vectors. */
const VECTOR_COLUMNS = ['fts', 'fts_to', 'fts_cc', 'fts_bcc', 'fts_attachments', 'fts_attachment_text'] as const;

/**
 * Messages rows from parameter arrays, with their search vectors made from the words of each part:
 * one row per element of the arrays, in the column order MESSAGE_COLUMNS + VECTOR_COLUMNS.
 */
const MESSAGE_ROWS_SQL = `
  SELECT u.id, u.sha256, u.size, u.message_id, u.subject, u.date_utc, u.date_header, u.from_name, u.from_addr, u.sender_json, u.to_json,
    u.cc_json, u.bcc_json, u.reply_to_json, u.in_reply_to, u.references_json, u.text_body, u.html_body, u.folder, u.attachment_count,
    u.headers_only, u.copy_of, u.thread_id, u.release_number, u.search_attachments, u.search_extra, u.parent_id, u.parent_evidence,
    u.parent_message_id, u.dkim_verdict, u.search_from, u.search_to, u.search_cc, u.search_bcc, u.lang, u.forms_subject, u.forms_body,
    u.search_attachment_text,
    setweight(to_tsvector(c.ts, u.w_subject), 'A') || setweight(to_tsvector(c.ts, u.w_from), 'B')
      || setweight(to_tsvector(c.ts, u.w_recipients), 'C') || setweight(to_tsvector(c.ts, u.w_body), 'D')
      || setweight(to_tsvector(c.ts, u.w_forms_subject), 'A') || setweight(to_tsvector(c.ts, u.w_forms_body), 'D'),
    to_tsvector(c.ts, u.w_to), to_tsvector(c.ts, u.w_cc), to_tsvector(c.ts, u.w_bcc), to_tsvector(c.ts, u.w_attachments),
    to_tsvector(c.ts, u.w_doc)
  FROM (SELECT text_search AS ts FROM archive_state) c, unnest(
    $1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
    $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::int[], $21::int[],
    $22::bigint[], $23::bigint[], $24::int[], $25::text[], $26::text[], $27::bigint[], $28::text[], $29::text[], $30::text[],
    $31::text[], $32::text[], $33::text[], $34::text[], $35::text[], $36::text[], $37::text[], $38::text[],
    $39::text[], $40::text[], $41::text[], $42::text[], $43::text[], $44::text[], $45::text[], $46::text[], $47::text[], $48::text[], $49::text[])
  AS u(id, sha256, size, message_id, subject, date_utc, date_header, from_name, from_addr, sender_json, to_json,
    cc_json, bcc_json, reply_to_json, in_reply_to, references_json, text_body, html_body, folder, attachment_count, headers_only,
    copy_of, thread_id, release_number, search_attachments, search_extra, parent_id, parent_evidence, parent_message_id, dkim_verdict,
    search_from, search_to, search_cc, search_bcc, lang, forms_subject, forms_body, search_attachment_text,
    w_subject, w_from, w_recipients, w_body, w_to, w_cc, w_bcc, w_attachments, w_forms_subject, w_forms_body, w_doc)`;

/** The parameters of MESSAGE_ROWS_SQL for rows keyed by MESSAGE_COLUMNS. */
function messageParams(list: readonly Row[]): unknown[] {
  const columns = MESSAGE_COLUMNS.map((c) => list.map((r) => pgText(r[c] ?? null)));
  const words = (f: (r: Row) => string) => list.map((r) => tsvectorWords(f(r)));
  const text = (r: Row, ...names: string[]) => names.map((n) => (r[n] as string | null) ?? '').join(' ');
  return [
    ...columns,
    words((r) => text(r, 'subject')),
    words((r) => text(r, 'search_from')),
    words((r) => text(r, 'search_to', 'search_cc', 'search_bcc', 'search_attachments')),
    words((r) => text(r, 'text_body', 'search_extra', 'search_attachment_text')),
    words((r) => text(r, 'search_to')),
    words((r) => text(r, 'search_cc')),
    words((r) => text(r, 'search_bcc')),
    words((r) => text(r, 'search_attachments')),
    words((r) => text(r, 'forms_subject')),
    words((r) => text(r, 'forms_body')),
    words((r) => text(r, 'search_attachment_text')),
  ];
}

/** Inserts messages rows (objects keyed by MESSAGE_COLUMNS), computing their search vectors. */
export async function insertMessageRows(db: Db, list: readonly Row[]): Promise<void> {
  if (list.length === 0) return;
  await db.query(`INSERT INTO messages (${[...MESSAGE_COLUMNS, ...VECTOR_COLUMNS].join(', ')}) ${MESSAGE_ROWS_SQL}`, messageParams(list));
}

/** Rewrites the given columns of existing messages rows (and their search vectors) from rows keyed by MESSAGE_COLUMNS. */
export async function updateMessageRows(db: Db, list: readonly Row[], columns: readonly string[]): Promise<void> {
  if (list.length === 0) return;
  const set = [...columns, ...VECTOR_COLUMNS];
  await db.query(
    `UPDATE messages m SET (${set.join(', ')}) = (${set.map((c) => `x.${c}`).join(', ')})
     FROM (${MESSAGE_ROWS_SQL}) AS x(${[...MESSAGE_COLUMNS, ...VECTOR_COLUMNS].join(', ')}) WHERE m.id = x.id`,
    messageParams(list),
  );
}

/** Inserts rows into one table from column arrays (unnest: one statement for the whole batch). */
export async function insertRows(db: Db, table: string, columns: Columns, values: ReadonlyArray<readonly unknown[]>, conflict = ''): Promise<pg.QueryResult> {
  const list = columns.map((_, i) => values.map((row) => pgText(row[i] ?? null)));
  return db.query(
    `INSERT INTO ${table} (${columns.map(([n]) => n).join(', ')}) SELECT * FROM unnest(${columns.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')}) ${conflict}`,
    list,
  );
}

export async function writeVerifications(db: Db, items: readonly VerificationItem[]): Promise<void> {
  await insertRows(
    db,
    'verifications',
    [
      ['message', 'bigint'],
      ['verdict', 'text'],
      ['domain', 'text'],
      ['as_of', 'text'],
      ['verifier', 'text'],
      ['report_json', 'text'],
    ],
    items.map(({ id, report }) => [id, report.verdict, report.domain, report.at, report.verifier, JSON.stringify(report)]),
    'ON CONFLICT (message) DO UPDATE SET verdict = excluded.verdict, domain = excluded.domain, as_of = excluded.as_of, verifier = excluded.verifier, report_json = excluded.report_json',
  );
  await insertRows(
    db,
    'signatures',
    [
      ['message', 'bigint'],
      ['idx', 'int'],
      ['key_name', 'text'],
      ['outcome', 'text'],
    ],
    items.flatMap(({ id, report }) => report.signatures.map((s) => [id, s.index, s.domain && s.selector ? keyName(s.selector, s.domain) : null, s.outcome])),
  );
}

/**
 * One ingest batch in the caller's transaction, with the same outcomes as the SQLite store:
 * numbers assigned in order from the largest so far (the writer lock makes that safe), a message
 * seen before (same bytes) only gains a location, a Message-ID seen before makes a copy.
 */
type Columns = ReadonlyArray<readonly [name: string, type: string]>;
const ADDRESS_COLUMNS: Columns = [
  ['message', 'bigint'],
  ['role', 'text'],
  ['position', 'int'],
  ['name', 'text'],
  ['address', 'text'],
];
const ATTACHMENT_COLUMNS: Columns = [
  ['message', 'bigint'],
  ['idx', 'int'],
  ['filename', 'text'],
  ['content_type', 'text'],
  ['size', 'bigint'],
  ['sha256', 'text'],
  ['inline', 'int'],
  ['content_id', 'text'],
  ['embedded_subject', 'text'],
];
const WARNING_COLUMNS: Columns = [
  ['message', 'bigint'],
  ['kind', 'text'],
  ['detail', 'text'],
];

/** The rows of a message that come from its bytes: addresses, attachments, warnings (as insertRows takes them). */
function contentValues(id: number, r: MessageRecord) {
  return {
    addresses: addressRows(r).map(([role, position, name, address]) => [id, role, position, name, address]),
    attachments: r.attachments.map((a) => [id, a.index, a.filename, a.contentType, a.size, a.sha256, a.inline ? 1 : 0, a.contentId, a.embeddedSubject]),
    warnings: r.warnings.map((w) => [id, w.kind, w.detail]),
  };
}

/** A message's public rows made those of `record`, and its redaction kept (or dropped); see ArchiveWriter.replaceContent. */
export async function replaceContent(db: pg.PoolClient, id: number, given: MessageRecord, redaction: RedactionRecord | null): Promise<void> {
  const [existing] = await rows(db, 'SELECT id FROM messages WHERE id = $1 FOR UPDATE', [id]);
  if (!existing) throw new Error(`no message ${id}`);
  const texts = await extractedTexts(
    db,
    given.attachments.map((a) => a.sha256),
  );
  const record = texts.size > 0 ? { ...given, attachmentText: attachmentSearchText(given.attachments, texts) } : given;
  const content = contentRowOf(record);
  await updateMessageRows(db, [{ id, ...content }], Object.keys(content));
  for (const table of ['addresses', 'attachments', 'warnings']) await db.query(`DELETE FROM ${table} WHERE message = $1`, [id]);
  const values = contentValues(id, record);
  await insertRows(db, 'addresses', ADDRESS_COLUMNS, values.addresses);
  await insertRows(db, 'attachments', ATTACHMENT_COLUMNS, values.attachments);
  await insertRows(db, 'warnings', WARNING_COLUMNS, values.warnings, 'ON CONFLICT DO NOTHING');
  await db.query('DELETE FROM redactions WHERE message = $1', [id]);
  if (redaction)
    await db.query(
      'INSERT INTO redactions (message, original_sha256, original_size, redacted_at, spans_json, notice_json) VALUES ($1, $2, $3, $4, $5, $6)',
      redactionRow(redaction),
    );
}

/** Extracted texts (status ok) of these attachment contents. */
async function extractedTexts(db: Db, shas: readonly string[]): Promise<Map<string, string>> {
  if (shas.length === 0) return new Map();
  const found = await rows(db, "SELECT sha256, text FROM attachment_texts WHERE sha256 = ANY($1::text[]) AND status = 'ok'", [shas]);
  return new Map(found.map((r) => [r.sha256 as string, r.text as string]));
}

/** Saves extracted texts, and makes the search text (and vectors) of every message carrying them anew. */
export async function saveAttachmentTexts(db: pg.PoolClient, items: readonly AttachmentText[]): Promise<void> {
  if (items.length === 0) return;
  await insertRows(
    db,
    'attachment_texts',
    [
      ['sha256', 'text'],
      ['status', 'text'],
      ['method', 'text'],
      ['pages', 'int'],
      ['text', 'text'],
      ['ocr_pages', 'int'],
      ['detail', 'text'],
      ['extracted_at', 'text'],
    ],
    items.map(attachmentTextRow),
    `ON CONFLICT (sha256) DO UPDATE SET status = excluded.status, method = excluded.method, pages = excluded.pages, text = excluded.text,
       ocr_pages = excluded.ocr_pages, detail = excluded.detail, extracted_at = excluded.extracted_at`,
  );
  const messages = await rows(db, 'SELECT * FROM messages WHERE id IN (SELECT message FROM attachments WHERE sha256 = ANY($1::text[])) ORDER BY id', [
    items.map((t) => t.sha256),
  ]);
  if (messages.length === 0) return;
  const attachments = await rows(db, 'SELECT * FROM attachments WHERE message = ANY($1::bigint[]) ORDER BY message, idx', [messages.map((m) => m.id)]);
  const texts = await extractedTexts(db, [...new Set(attachments.map((a) => a.sha256 as string))]);
  const changed = messages.flatMap((m) => {
    const next = attachmentSearchText(attachments.filter((a) => Number(a.message) === Number(m.id)).map(attachmentOf), texts);
    return next === m.search_attachment_text ? [] : [{ ...m, search_attachment_text: next }];
  });
  for (let i = 0; i < changed.length; i += 500) await updateMessageRows(db, changed.slice(i, i + 500), ['search_attachment_text']);
}

export async function commitBatch(db: pg.PoolClient, batch: IngestBatch): Promise<CommitOutcome[]> {
  const shas = [...new Set(batch.items.map((i) => i.record.sha256))];
  // An attachment extracted before, in another message, is searchable in this one at once.
  const texts = await extractedTexts(db, [...new Set(batch.items.flatMap((i) => i.record.attachments.map((a) => a.sha256)))]);
  const messageIds = [...new Set(batch.items.flatMap((i) => (i.record.messageId ? [i.record.messageId] : [])))];
  // One connection runs one query at a time (node-postgres deprecates overlapping them).
  // A redacted message's row names its redacted bytes; the original's are known by the redaction.
  const known = await rows(
    db,
    'SELECT sha256, id FROM messages WHERE sha256 = ANY($1::text[]) UNION ALL SELECT original_sha256, message FROM redactions WHERE original_sha256 = ANY($1::text[])',
    [shas],
  );
  const firsts = await rows(db, 'SELECT message_id, min(id) AS id FROM messages WHERE message_id = ANY($1::text[]) GROUP BY message_id', [messageIds]);
  const [next] = await rows(db, 'SELECT coalesce(max(id), 0) + 1 AS id FROM messages');
  const idOfSha = new Map(known.map((r) => [r.sha256 as string, r.id as number]));
  const firstWithId = new Map(firsts.map((r) => [r.message_id as string, r.id as number]));
  let nextId = next!.id as number;
  const newRows: Row[] = [];
  const addressValues: unknown[][] = [];
  const attachmentValues: unknown[][] = [];
  const warningValues: unknown[][] = [];
  const verifications: VerificationItem[] = [];
  const locationValues: unknown[][] = [];
  const pending: Array<{ id: number; isNew: boolean; copyOf: number | null; key: string }> = [];
  for (const item of batch.items) {
    const r = item.record;
    const p = item.provenance;
    const key = `${p.sourceKey}\u0000${p.locator}`;
    locationValues.push([p.sourceKey, p.locator, 0, p.offset, p.folder, p.envelope]);
    const existing = idOfSha.get(r.sha256);
    if (existing !== undefined) {
      pending.push({ id: existing, isNew: false, copyOf: null, key });
      continue;
    }
    const id = nextId++;
    idOfSha.set(r.sha256, id);
    const copyOf = r.messageId ? (firstWithId.get(r.messageId) ?? null) : null;
    if (r.messageId && copyOf === null) firstWithId.set(r.messageId, id);
    pending.push({ id, isNew: true, copyOf, key });
    const withText = r.attachments.some((a) => texts.has(a.sha256)) ? { ...r, attachmentText: attachmentSearchText(r.attachments, texts) } : r;
    newRows.push({ id, ...messageRowOf(withText, p.folder, copyOf) });
    const values = contentValues(id, r);
    addressValues.push(...values.addresses);
    attachmentValues.push(...values.attachments);
    warningValues.push(...values.warnings);
    if (r.verification) verifications.push({ id, report: r.verification });
  }
  pending.forEach((p, i) => (locationValues[i]![2] = p.id));

  await insertMessageRows(db, newRows);
  await insertRows(db, 'addresses', ADDRESS_COLUMNS, addressValues);
  await insertRows(db, 'attachments', ATTACHMENT_COLUMNS, attachmentValues);
  await insertRows(db, 'warnings', WARNING_COLUMNS, warningValues, 'ON CONFLICT DO NOTHING');
  await writeVerifications(db, verifications);
  const inserted = await insertRows(
    db,
    'locations',
    [
      ['source', 'text'],
      ['locator', 'text'],
      ['message', 'bigint'],
      ['byte_offset', 'bigint'],
      ['folder', 'text'],
      ['envelope', 'text'],
    ],
    locationValues,
    'ON CONFLICT DO NOTHING RETURNING source, locator',
  );
  const added = new Set(inserted.rows.map((r: Row) => `${r.source as string}\u0000${r.locator as string}`));
  await insertRows(
    db,
    'source_problems',
    [
      ['source', 'text'],
      ['locator', 'text'],
      ['kind', 'text'],
      ['detail', 'text'],
    ],
    batch.problems.map(({ sourceKey, problem }) => [sourceKey, problem.locator, problem.kind, problem.detail]),
    'ON CONFLICT DO NOTHING',
  );
  const cursors = new Map(batch.items.map((i) => [i.provenance.sourceKey, i.cursor]));
  for (const [key, cursor] of cursors) {
    await db.query('INSERT INTO sources (key, cursor, done) VALUES ($1, $2, 0) ON CONFLICT (key) DO UPDATE SET cursor = excluded.cursor, done = 0', [
      key,
      cursor,
    ]);
  }
  for (const { key, fingerprint } of batch.finishedSources) {
    await db.query(
      'INSERT INTO sources (key, cursor, fingerprint, done) VALUES ($1, NULL, $2, 1) ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, done = 1, cursor = NULL',
      [key, fingerprint],
    );
  }
  // A location is "added" once: the first item naming it takes it.
  return pending.map((p): CommitOutcome => {
    if (p.isNew) {
      added.delete(p.key);
      return { kind: 'new', id: p.id, copyOf: p.copyOf };
    }
    const wasAdded = added.delete(p.key);
    return { kind: wasAdded ? 'duplicate' : 'known', id: p.id };
  });
}
