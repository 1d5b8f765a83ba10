import type Database from 'better-sqlite3';
import type { MessageSummary } from '../archiveStore.js';
import { BM25_WEIGHTS } from './compileQuery.js';
import { relatedSteps, relatedWords, termCounts } from '../../search/relatedTerms.js';

/**
 * "Read also": messages most similar in content, outside the message's own thread. Picks the
 * message's words by tf × idf (document frequencies from term_docs, schema 8): the messages that
 * hold two or more of its core words first (same topic, near-duplicates), then those holding any of its rare
 * words, each ranked by bm25. No model, no extra storage.
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
  const { core, rare } = relatedWords(row.subject, tf, (term) => df.get(term) ?? 0, n);
  const select = (order: string) =>
    db
      .prepare(
        `SELECT f.rowid FROM messages_fts f JOIN messages m ON m.id = f.rowid
         WHERE messages_fts MATCH ? AND m.id != ? AND m.thread_id IS NOT ? AND m.message_id IS NOT ? AND ${visible}
         ORDER BY ${order} LIMIT ?`,
      )
      .pluck();
  const ids: number[] = [];
  for (const step of relatedSteps(core, rare, { and: ' AND ', or: ' OR ', word: (t) => `"${t}"`, subjectWord: (t) => `{subject} : "${t}"` })) {
    if (ids.length >= limit) break;
    // Topic steps take the newest matches as they come (no bm25 over thousands of topic messages:
    // 20 ms a page at 100k); rare words are few and are ranked.
    const found = select(step.ranked ? `bm25(messages_fts, ${BM25_WEIGHTS.join(', ')}), m.id` : 'f.rowid DESC').all(
      step.match,
      id,
      row.thread_id,
      row.message_id,
      limit,
    ) as number[];
    for (const other of found) if (ids.length < limit && !ids.includes(other)) ids.push(other);
  }
  return summaries(ids);
}
