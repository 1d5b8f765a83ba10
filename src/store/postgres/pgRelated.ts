import type pg from 'pg';
import type { MessageSummary } from '../archiveStore.js';
import { relatedSteps, relatedWords, termCounts } from '../../search/relatedTerms.js';
import { RANK_WEIGHTS } from './textSearch.js';

/**
 * "Read also" on PostgreSQL: the same choice of words as the SQLite store (relatedTerms.ts). A GIN
 * index has no document-frequency table like FTS5's vocabulary: term_docs holds it, rebuilt after
 * each ingest (counting each word through the index on every page view cost ~40 ms at 3k messages).
 */
export async function relatedPostgres(
  db: pg.Pool,
  textSearch: string,
  id: number,
  limit: number,
  summaries: (ids: readonly number[]) => Promise<MessageSummary[]>,
  visible: string,
): Promise<MessageSummary[]> {
  const [row] = (await db.query('SELECT subject, text_body, thread_id, message_id FROM messages WHERE id = $1', [id])).rows as Array<{
    subject: string | null;
    text_body: string | null;
    thread_id: number | null;
    message_id: string | null;
  }>;
  if (!row) return [];
  const tf = termCounts(row.subject, row.text_body);
  if (tf.size === 0) return [];
  const config = `'${textSearch}'::regconfig`;
  const n = Number((await db.query('SELECT count(*) AS n FROM messages')).rows[0].n) || 1;
  // Each word as the index holds it (folded, stemmed when the archive stems), then its count.
  const counts = (
    await db.query(
      `SELECT t.term, d.docs AS df FROM unnest($1::text[]) AS t(term)
       JOIN term_docs d ON d.term = (SELECT lexeme FROM unnest(to_tsvector(${config}, t.term)) LIMIT 1)`,
      [[...tf.keys()]],
    )
  ).rows as Array<{ term: string; df: number }>;
  const df = new Map(counts.map((c) => [c.term, Number(c.df)]));
  const { core, rare } = relatedWords(row.subject, tf, (term) => df.get(term) ?? 0, n);
  const ids: number[] = [];
  for (const step of relatedSteps(core, rare, { and: ' & ', or: ' | ', word: (t) => `'${t}'`, subjectWord: (t) => `'${t}':A` })) {
    if (ids.length >= limit) break;
    const order = step.ranked ? `ts_rank('${RANK_WEIGHTS}'::float4[], m.fts, to_tsquery(${config}, $1)) DESC, m.id` : 'm.id DESC';
    const found = (
      await db.query(
        `SELECT m.id FROM messages m WHERE m.fts @@ to_tsquery(${config}, $1) AND m.id != $2 AND m.thread_id IS DISTINCT FROM $3
         AND m.message_id IS DISTINCT FROM $4 AND ${visible} ORDER BY ${order} LIMIT $5`,
        [step.match, id, row.thread_id, row.message_id, limit],
      )
    ).rows as Array<{ id: number | string }>;
    for (const r of found) if (ids.length < limit && !ids.includes(Number(r.id))) ids.push(Number(r.id));
  }
  return summaries(ids);
}
