import type pg from 'pg';
import { STEM_MARK } from '../../text/stems.js';

/** Rebuilds term_docs from the index (ts_stat reads every vector: seconds per 100k messages, once per ingest and migrate). */
export async function refreshTermDocs(db: pg.Pool | pg.PoolClient): Promise<void> {
  await db.query('TRUNCATE term_docs');
  await db.query("INSERT INTO term_docs (term, docs) SELECT word, ndoc FROM ts_stat('SELECT fts FROM messages') WHERE ndoc > 1 AND strpos(word, $1) = 0", [
    STEM_MARK,
  ]);
}
