import { RETRYABLE, type AttachmentText, type PendingAttachment } from '../../extract/attachmentText.js';
import type { AttachmentIndex } from '../../model/attachments.js';
import { attachmentTextOf } from '../messageRows.js';
import { one, type SqlDriver } from './driver.js';

/** Distinct attachments (by content) and their text, as the reader may see them. `visible`: the embargo rule over `m`. */

/** The extracted text of an attachment, if a visible message carries it. */
export async function attachmentTextIn(d: SqlDriver, sha256: string, visible: string): Promise<AttachmentText | null> {
  const row = await one(
    d,
    `SELECT t.* FROM attachment_texts t WHERE t.sha256 = ? AND EXISTS (SELECT 1 FROM attachments a JOIN messages m ON m.id = a.message WHERE a.sha256 = t.sha256 AND ${visible})`,
    [sha256],
  );
  return row ? attachmentTextOf(row) : null;
}

/** The attachment index: distinct attachments of visible messages (not inline ones), most used first; `type` a file ending or subtype. */
export async function attachmentIndexOf(
  d: SqlDriver,
  visible: string,
  options: { readonly limit: number; readonly offset: number; readonly type?: string | null },
): Promise<AttachmentIndex> {
  const type = options.type?.toLowerCase() ?? null;
  const params: unknown[] = type ? [`%/${type}`, `%.${type}`] : [];
  const from = `FROM attachments a JOIN messages m ON m.id = a.message WHERE ${visible} AND a.inline = 0 ${type ? 'AND (lower(a.content_type) LIKE ? OR lower(a.filename) LIKE ?)' : ''}`;
  const total = (await one<{ n: number }>(d, `SELECT count(DISTINCT a.sha256) AS n ${from}`, params))?.n ?? 0;
  const rows = await d.all<{ sha256: string; filename: string | null; contentType: string; size: number; messages: number; status: string | null }>(
    `SELECT a.sha256, min(a.filename) AS filename, min(a.content_type) AS "contentType", max(a.size) AS size, count(DISTINCT a.message) AS messages,
       (SELECT status FROM attachment_texts t WHERE t.sha256 = a.sha256) AS status
     ${from} GROUP BY a.sha256 ORDER BY messages DESC, a.sha256 LIMIT ? OFFSET ?`,
    [...params, options.limit, options.offset],
  );
  return {
    total: Number(total),
    rows: rows.map((r) => ({
      sha256: r.sha256,
      filename: r.filename ?? null,
      contentType: r.contentType,
      size: Number(r.size),
      messages: Number(r.messages),
      status: r.status ?? null,
    })),
  };
}

/** Distinct attachments with no text yet (with `retry`, also those whose reading failed or timed out), in the order they arrived. */
export async function pendingAttachmentsOf(d: SqlDriver, options: { readonly retry: boolean }): Promise<PendingAttachment[]> {
  const rows = await d.all<{ sha256: string; contentType: string; filename: string | null; size: number }>(
    `SELECT a.sha256, min(a.content_type) AS "contentType", min(a.filename) AS filename, max(a.size) AS size
     FROM attachments a LEFT JOIN attachment_texts t ON t.sha256 = a.sha256
     WHERE t.sha256 IS NULL ${options.retry ? `OR ${d.dialect.textIn('t.status')}` : ''} GROUP BY a.sha256 ORDER BY min(a.message), a.sha256`,
    options.retry ? [d.dialect.textsParam(RETRYABLE)] : [],
  );
  return rows.map((r) => ({ sha256: r.sha256, contentType: r.contentType, filename: r.filename ?? null, size: Number(r.size) }));
}
