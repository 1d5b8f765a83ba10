import type { SourceState } from '../../model/ingest.js';
import type { RawRef, StoredMessage } from '../../model/message.js';
import type { VerificationReport } from '../../verify/report.js';
import type { RedactionNotice } from '../../redact/redactionRecord.js';
import { storedMessageOf } from '../messageRows.js';
import { one, type SqlDriver } from './driver.js';

/** Reads of the messages table that are the same SQL in both stores. `visible`: the embargo rule over the alias named. */

export async function messageCountOf(d: SqlDriver): Promise<number> {
  return Number((await one<{ n: number }>(d, 'SELECT count(*) AS n FROM messages'))!.n);
}

/** Where an ingest of this source got to (resume), if it was read before. */
export async function sourceStateOf(d: SqlDriver, key: string): Promise<SourceState | undefined> {
  const row = await one<{ cursor: string | null; fingerprint: string | null; done: number }>(d, 'SELECT cursor, fingerprint, done FROM sources WHERE key = ?', [
    key,
  ]);
  return row ? { key, cursor: row.cursor, fingerprint: row.fingerprint, done: Number(row.done) === 1 } : undefined;
}

/** How many messages hold each word (term_docs, refreshed after each ingest); words in none are left out. */
export async function wordCountsOf(d: SqlDriver, words: readonly string[]): Promise<ReadonlyMap<string, number>> {
  const rows = await d.all<{ term: string; docs: number }>(`SELECT term, docs FROM term_docs WHERE ${d.dialect.textIn('term')}`, [d.dialect.textsParam(words)]);
  return new Map(rows.map((r) => [r.term, Number(r.docs)]));
}

/** A visible message's raw blob: its hash and size, nothing else (what a raw download needs). `visible` over `messages`. */
export async function rawBlobOf(d: SqlDriver, id: number, visible: string): Promise<{ sha256: string; size: number } | undefined> {
  const row = await one<{ sha256: string; size: number }>(d, `SELECT sha256, size FROM messages WHERE id = ? AND ${visible}`, [id]);
  return row ? { sha256: row.sha256, size: Number(row.size) } : undefined;
}

/** Every visible message's number, or a release's, in number order. `visible` over `m`. */
export async function messageIdsOf(d: SqlDriver, visible: string, release?: number): Promise<number[]> {
  const where = `${visible}${release === undefined ? '' : ' AND m.release_number = ?'}`;
  const rows = await d.all<{ id: number }>(`SELECT id FROM messages m WHERE ${where} ORDER BY id`, release === undefined ? [] : [release]);
  return rows.map((r) => Number(r.id));
}

/** The newest visible messages' numbers (undated last). `visible` over `messages`. */
export async function latestIdsOf(d: SqlDriver, visible: string, limit: number): Promise<number[]> {
  const rows = await d.all<{ id: number }>(`SELECT id FROM messages WHERE ${visible} ORDER BY date_utc IS NULL, date_utc DESC, id DESC LIMIT ?`, [limit]);
  return rows.map((r) => Number(r.id));
}

/** The stored verification report of a message (null: never checked). */
export async function verificationOf(d: SqlDriver, id: number): Promise<VerificationReport | null> {
  const row = await one<{ report_json: string }>(d, 'SELECT report_json FROM verifications WHERE message = ?', [id]);
  return row ? (JSON.parse(row.report_json) as VerificationReport) : null;
}

/** A visible message with everything its page shows: attachments, warnings, where it was found, its other copies, verification, redaction. */
export async function storedMessageIn(d: SqlDriver, id: number, visible: string): Promise<StoredMessage | undefined> {
  const row = await one(d, `SELECT * FROM messages WHERE id = ? AND ${visible}`, [id]);
  if (!row) return undefined;
  const messageId = row.message_id as string | null;
  const [attachments, warnings, locations, copies, verification, redaction] = await Promise.all([
    d.all('SELECT * FROM attachments WHERE message = ? ORDER BY idx', [id]),
    d.all('SELECT kind, detail FROM warnings WHERE message = ? ORDER BY kind', [id]),
    d.all('SELECT * FROM locations WHERE message = ? ORDER BY source, locator', [id]),
    messageId ? d.all<{ id: number }>(`SELECT id FROM messages WHERE message_id = ? AND id != ? AND ${visible} ORDER BY id`, [messageId, id]) : [],
    verificationOf(d, id),
    one<{ notice_json: string }>(d, 'SELECT notice_json FROM redactions WHERE message = ?', [id]),
  ]);
  return storedMessageOf(row, {
    attachments,
    warnings,
    locations,
    copies: copies.map((r) => Number(r.id)),
    verification,
    redaction: redaction ? (JSON.parse(redaction.notice_json) as RedactionNotice) : null,
  });
}

const RAW_REFS = `SELECT m.id, m.sha256, coalesce(r.original_sha256, m.sha256) AS original, m.dkim_verdict,
  (SELECT count(*) FROM warnings w WHERE w.message = m.id AND w.kind = 'converted-from-outlook') AS converted
  FROM messages m LEFT JOIN redactions r ON r.message = m.id`;

/** Ids, raw blob names (the received bytes' too, for a redacted message) and current verdicts, in id order: from `afterId` on, or of the given ids. */
export async function rawRefsOf(d: SqlDriver, from: { afterId: number; limit: number } | { ids: readonly number[] }): Promise<RawRef[]> {
  const rows = await d.all<{ id: number; sha256: string; original: string; dkim_verdict: string | null; converted: number }>(
    'ids' in from ? `${RAW_REFS} WHERE ${d.dialect.idIn('m.id')} ORDER BY m.id` : `${RAW_REFS} WHERE m.id > ? ORDER BY m.id LIMIT ?`,
    'ids' in from ? [d.dialect.idsParam(from.ids)] : [from.afterId, from.limit],
  );
  return rows.map((r) => ({ id: Number(r.id), sha256: r.sha256, original: r.original, verdict: r.dkim_verdict, converted: Number(r.converted) > 0 }));
}

/** An ingest's history entry (not state: nothing reads it back to decide anything). */
export async function recordRunIn(d: SqlDriver, run: { startedAt: string; finishedAt: string; summary: unknown }): Promise<void> {
  await d.write((tx) =>
    tx.run('INSERT INTO ingest_runs (started_at, finished_at, summary_json) VALUES (?, ?, ?)', [run.startedAt, run.finishedAt, JSON.stringify(run.summary)]),
  );
}
