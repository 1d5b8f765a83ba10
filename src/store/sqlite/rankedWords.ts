import type Database from 'better-sqlite3';
import type { QueryNode } from '../../query/ast.js';
import type { RankedRow, RankTask } from './rankTask.js';
import type { RankPool } from './rankPool.js';
import { runRankTask } from './rankTask.js';
import { compileQuery } from './compileQuery.js';
import { hasWords } from '../../search/queryPlan.js';

/**
 * Champion lists: for each common word, its best-ranked messages in bm25 order, made once after an
 * ingest. FTS5 cannot stop a bm25 pass early, so a one-word query over a common word scored every
 * match (49k for "the" at 100k messages: 23 ms); with the list, the first page of that word within
 * any result (fields, embargo) is the first messages of the list that are in the result. Exact,
 * not approximate: the list holds the scores the live pass gives, and it is used only while the
 * archive holds exactly the messages it was made from; a result that the list cannot fill scores live.
 */
export interface RankedWordsOptions {
  /** A word is common when at least this share of the messages holds it… */
  readonly share?: number;
  /** …and at least this many. */
  readonly minDocs?: number;
  /** How many messages each list keeps. */
  readonly depth?: number;
}

const DEFAULTS = { share: 0.1, minDocs: 5000, depth: 1000 } as const;

interface ListPlan {
  readonly terms: readonly string[];
  readonly messages: number;
  readonly maxId: number;
  readonly depth: number;
}

function planLists(db: Database.Database, options: RankedWordsOptions): ListPlan {
  const { share, minDocs, depth } = { ...DEFAULTS, ...options };
  const [messages, maxId] = db.prepare('SELECT count(*), coalesce(max(id), 0) FROM messages').raw().get() as [number, number];
  const terms = db
    .prepare('SELECT term FROM term_docs WHERE docs >= ? ORDER BY term')
    .pluck()
    .all(Math.max(minDocs, Math.ceil(messages * share))) as string[];
  return { terms, messages, maxId, depth };
}

function listTask(plan: ListPlan, term: string): RankTask {
  return { expression: wordExpression(term), from: 0, to: plan.maxId, limit: plan.depth, bitmap: null };
}

function saveLists(db: Database.Database, plan: ListPlan, lists: ReadonlyMap<string, readonly RankedRow[]>): void {
  const insert = db.prepare('INSERT INTO ranked_words (term, position, message, score) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    db.exec('DELETE FROM ranked_words; DELETE FROM ranked_words_state;');
    for (const term of plan.terms) lists.get(term)!.forEach((row, position) => insert.run(term, position, row.id, row.key));
    db.prepare('INSERT INTO ranked_words_state (messages, max_id) VALUES (?, ?)').run(plan.messages, plan.maxId);
  }).immediate();
}

/** Rebuilds the lists on this thread (after term_docs is fresh). Returns the number of words listed. */
export function refreshRankedWords(db: Database.Database, options: RankedWordsOptions = {}): number {
  const plan = planLists(db, options);
  saveLists(db, plan, new Map(plan.terms.map((term) => [term, runRankTask(db, listTask(plan, term))])));
  return plan.terms.length;
}

/**
 * The same, with every other word scored by the rank worker meanwhile (3.4 s at 100k messages on
 * one thread; it grows with the archive). A word the worker could not score is scored here.
 */
export async function refreshRankedWordsWith(pool: RankPool, db: Database.Database, options: RankedWordsOptions = {}): Promise<number> {
  const plan = planLists(db, options);
  const lists = new Map<string, readonly RankedRow[]>();
  const theirs = new Set(pool.worthSplitting(Number.MAX_SAFE_INTEGER) ? plan.terms.filter((_, i) => i % 2 === 1) : []);
  const pending = [...theirs].map((term) =>
    pool.rank(listTask(plan, term)).then(
      (rows) => lists.set(term, rows),
      () => null,
    ),
  );
  for (const term of plan.terms.filter((t) => !theirs.has(t))) lists.set(term, runRankTask(db, listTask(plan, term)));
  await Promise.all(pending);
  for (const term of plan.terms) if (!lists.has(term)) lists.set(term, runRankTask(db, listTask(plan, term)));
  saveLists(db, plan, lists);
  return plan.terms.length;
}

/** The expression a search for the word alone matches and ranks with: the word and its forms (query/wordForms.ts). */
function wordExpression(term: string): string {
  return compileQuery({ kind: 'text', field: null, value: term, phrase: false, prefix: false, position: 0 }).fullText!;
}

/**
 * The list for a query whose words are one plain word (anywhere, not a prefix), alone or with field
 * conditions, or null: no such list, or the archive changed since it was made (`now`: what the
 * archive holds now, asked only when a list could answer).
 */
export function rankedWordList(db: Database.Database, ast: QueryNode, now: () => { readonly messages: number; readonly maxId: number }): RankedRow[] | null {
  const words = ast.kind === 'and' ? ast.children.filter(hasWords) : [ast];
  const term = words.length === 1 ? words[0]! : null;
  // A quoted word is looked up as written only: its ranking is not the list's.
  if (term?.kind !== 'text' || term.field !== null || term.prefix || term.phrase) return null;
  // One word that folds to ASCII letters and digits (English, French…): there this folding is
  // exactly unicode61's. Anything else (ß, ł, other scripts, punctuation) is scored live.
  const word = term.value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  if (!/^[a-z0-9]+$/.test(word)) return null;
  const state = db.prepare('SELECT messages, max_id FROM ranked_words_state').raw().get() as [number, number] | undefined;
  if (!state) return null;
  // Asked only now, for a query a list could answer: counting the messages took 50 ms at 1M.
  const current = now();
  if (state[0] !== current.messages || state[1] !== current.maxId) return null;
  const rows = db.prepare('SELECT message AS id, score AS key FROM ranked_words WHERE term = ? ORDER BY position').all(word) as RankedRow[];
  return rows.length > 0 ? rows : null;
}
