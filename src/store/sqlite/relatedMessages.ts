import type Database from 'better-sqlite3';
import type { MessageSummary } from '../archiveStore.js';
import { BM25_WEIGHTS } from './compileQuery.js';
import { distinctiveTerms, termCounts } from '../relatedTerms.js';

/**
 * "Read also": messages most similar in content, outside the message's own thread. Picks the
 * message's most distinctive words (tf × idf, document frequencies from term_docs, schema 8),
 * then ranks other messages by bm25 on those words. One index query; no model, no extra storage.
 */
export function relatedSqlite(
  db: Database.Database,
  id: number,
  limit: number,
  summaries: (ids: readonly number[]) => MessageSummary[],
  visible: string,
): MessageSummary[] {
  const row = db.prepare('SELECT subject, text_body, thread_id, message_id FROM messages WHERE id = ?').get(id) as
    | { subject: string | null; text_body: string | null; thread_id: number | null; message_id: string | null }
    | undefined;
  if (!row) return [];
  const tf = termCounts(row.subject, row.text_body);
  if (tf.size === 0) return [];
  const df = new Map(
    db
      .prepare('SELECT term, docs FROM term_docs WHERE term IN (SELECT value FROM json_each(?))')
      .raw()
      .all(JSON.stringify([...tf.keys()])) as Array<[string, number]>,
  );
  const n = (db.prepare('SELECT count(*) FROM messages').pluck().get() as number) || 1;
  const terms = distinctiveTerms(tf, (term) => df.get(term) ?? 0, n);
  if (terms.length === 0) return [];

  const match = terms.map((t) => `"${t}"`).join(' OR ');
  const ids = db
    .prepare(
      `SELECT f.rowid FROM messages_fts f JOIN messages m ON m.id = f.rowid
       WHERE messages_fts MATCH ? AND m.id != ? AND m.thread_id IS NOT ? AND m.message_id IS NOT ? AND ${visible}
       ORDER BY bm25(messages_fts, ${BM25_WEIGHTS.join(', ')}), m.id LIMIT ?`,
    )
    .pluck()
    .all(match, id, row.thread_id, row.message_id, limit) as number[];
  return summaries(ids);
}
