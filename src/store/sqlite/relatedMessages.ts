import type Database from 'better-sqlite3';
import type { MessageSummary } from '../archiveStore.js';
import { BM25_WEIGHTS } from './compileQuery.js';

/** Words too common to say what a message is about (English and French). */
const STOPWORDS = new Set(
  `the and for that this with you are was have from not but all can will your our they what about would there their been
  has had were which when who one more also into than them then some only other out its just like could should after
  les des une est pour que qui dans par sur pas plus avec sont nous vous mais ont ces aux leur elle ils tout cette
  bien fait être avoir comme sans entre même très été re fwd wrote écrit`.split(/\s+/),
);

/** Distinctive words a message is scored on: the most frequent words of its subject and text, weighted by rarity. */
export const RELATED_TERMS = 12;
/** Text read from a message to choose its words: enough to know the topic, bounded for speed. */
const RELATED_TEXT_CHARS = 4000;
/**
 * Words found in more than this share of messages are not distinctive, and their long posting
 * lists made the ranking query cost ~200 ms at 100k demo messages (every page view, every exported
 * page). Only rarer words are used: the query then ranks a few thousand rows at most.
 */
export const RELATED_MAX_DF_SHARE = 0.02;

/** Folds text the way the FTS5 tokenizer does (unicode61, diacritics removed, lower case). */
function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !/^\d+$/.test(w) && !STOPWORDS.has(w));
}

/**
 * "Read also": messages most similar in content, outside the message's own thread. Picks the
 * message's most distinctive words (tf × idf, document frequencies from the FTS index itself),
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
  const tf = new Map<string, number>();
  for (const w of words(row.subject ?? '')) tf.set(w, (tf.get(w) ?? 0) + 3);
  for (const w of words((row.text_body ?? '').slice(0, RELATED_TEXT_CHARS))) tf.set(w, (tf.get(w) ?? 0) + 1);
  if (tf.size === 0) return [];

  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, 'messages_fts', 'row')");
  const docs = db.prepare('SELECT doc FROM temp.fts_vocab WHERE term = ?').pluck();
  const n = (db.prepare('SELECT count(*) FROM messages').pluck().get() as number) || 1;
  const scored = [...tf.entries()]
    .map(([term, count]) => {
      const df = (docs.get(term) as number | undefined) ?? 0;
      return { term, score: df > 1 && df <= Math.max(2, n * RELATED_MAX_DF_SHARE) ? count * Math.log(n / df) : 0 };
    })
    .filter((t) => t.score > 0)
    .sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1))
    .slice(0, RELATED_TERMS);
  if (scored.length === 0) return [];

  const match = scored.map((t) => `"${t.term}"`).join(' OR ');
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
