import type Database from 'better-sqlite3';
import type { QueryNode, TextTerm } from '../../query/ast.js';
import { WORD } from '../../text/words.js';
import { compileWhere, type CompiledWhere, type QueryDialect } from '../queryCompiler.js';

/**
 * The SQLite dialect of the query compiler: full-text parts become FTS5 MATCH expressions. User
 * text only ever reaches FTS5 inside double quotes, and SQL only as bound parameters.
 */
export type CompiledQuery = CompiledWhere;

const COLUMNS: Record<NonNullable<TextTerm['field']>, string> = {
  subject: '{subject}',
  body: '{text_body search_extra search_attachment_text search_quoted}',
  doc: '{search_attachment_text}',
  attachment: '{search_attachments}',
  from: '{search_from}',
  to: '{search_to}',
  cc: '{search_cc}',
  bcc: '{search_bcc}',
};

/** The word-form columns (schema 10) a term looked up among forms reads, by field. */
const FORMS_COLUMNS: Record<'subject' | 'body' | 'any', string> = {
  subject: '{forms_subject}',
  body: '{forms_body}',
  any: '{forms_subject forms_body}',
};

/** The same for a phrase, which the quoted lines' column must not match (see ftsLeaf). */
const PHRASE_COLUMNS: Partial<Record<NonNullable<TextTerm['field']>, string>> = {
  body: '{text_body search_extra search_attachment_text}',
};

/**
 * bm25 weights, in the FTS column order: a word in the subject counts most, then the sender; a word
 * form (a stem, a cut Chinese word) counts less than the word as written, so exact matches rank first;
 * a word in an attachment's text (schema 12) as little as one in an attached message. The quoted
 * lines (schema 13) are in text_body too, and their column's weight is negative: FTS5's bm25 adds a
 * word's weighted counts over the columns before it saturates them, so a quoted word counts
 * 1 − 0.8 = 0.2 of a word the message writes, never less than nothing (every quoted line is also in
 * text_body). A reply that quotes a message no longer outranks it (docs/benchmarks.md, "Relevance").
 */
export const BM25_WEIGHTS = [10, 4, 2, 2, 1, 1, 2, 0.5, 3, 0.5, 0.5, -0.8] as const;

/**
 * The quoted lines' column joins lines that were apart in the body, so a phrase could match across
 * that seam where the body has no such phrase: phrases look everywhere else. A single word there is
 * always in text_body too, so it matches nothing new.
 */
function isPhrase(value: string): boolean {
  return (value.match(WORD) ?? []).length > 1;
}

export function ftsLeaf(term: TextTerm): string {
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  const quoted = `${quote(term.value)}${term.prefix ? '*' : ''}`;
  if (term.forms) {
    const any = term.forms.length === 1 ? quote(term.forms[0]!) : `(${term.forms.map(quote).join(' OR ')})`;
    return `${FORMS_COLUMNS[term.field === 'subject' || term.field === 'body' ? term.field : 'any']} : ${any}`;
  }
  if (isPhrase(term.value)) return term.field ? `${PHRASE_COLUMNS[term.field] ?? COLUMNS[term.field]} : ${quoted}` : `- {search_quoted} : ${quoted}`;
  return term.field ? `${COLUMNS[term.field]} : ${quoted}` : quoted;
}

export const sqliteDialect: QueryDialect = {
  param(params, value) {
    params.push(value);
    return '?';
  },
  textExpression: ftsLeaf,
  textSql: (term, params) => sqliteDialect.matchSql(ftsLeaf(term), params),
  and: (parts, negated) => `(${parts.map((p) => `(${p})`).join(' AND ')})${negated.map((n) => ` NOT (${n})`).join('')}`,
  or: (parts) => parts.map((p) => `(${p})`).join(' OR '),
  matchSql: (expression, params) => `m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ${sqliteDialect.param(params, expression)})`,
  inList: (column, values, params) => `${column} IN (SELECT value FROM json_each(${sqliteDialect.param(params, JSON.stringify(values))}))`,
  // A sub-folder "a/…" sorts between "a/" and "a0" ('0' is the character after '/').
  folderSql: (folder, params) => {
    const p = (value: string) => `${sqliteDialect.param(params, value)} COLLATE NOCASE`;
    return `(m.folder = ${p(folder)} OR (m.folder > ${p(`${folder}/`)} AND m.folder < ${p(`${folder}0`)}))`;
  },
};

export function compileQuery(ast: QueryNode, languages: ReadonlySet<string> | null = null): CompiledQuery {
  return compileWhere(sqliteDialect, ast, [], languages);
}

/** The languages the archive's messages are in (an index skip, ~0.1 ms at 100k): word forms of the others cannot match. */
export function archiveLanguages(db: Database.Database): ReadonlySet<string> {
  return new Set(db.prepare('SELECT DISTINCT lang FROM messages WHERE lang IS NOT NULL').pluck().all() as string[]);
}
