import type { QueryNode, TextTerm } from '../../query/ast.js';
import { compileWhere, type CompiledWhere, type QueryDialect } from '../queryCompiler.js';

/**
 * The SQLite dialect of the query compiler: full-text parts become FTS5 MATCH expressions. User
 * text only ever reaches FTS5 inside double quotes, and SQL only as bound parameters.
 */
export type CompiledQuery = CompiledWhere;

const COLUMNS: Record<NonNullable<TextTerm['field']>, string> = {
  subject: '{subject}',
  body: '{text_body search_extra}',
  attachment: '{search_attachments}',
  from: '{search_from}',
  to: '{search_to}',
  cc: '{search_cc}',
  bcc: '{search_bcc}',
};

/** bm25 weights, in the FTS column order: a word in the subject counts most, then the sender. */
export const BM25_WEIGHTS = [10, 4, 2, 2, 1, 1, 2, 0.5] as const;

export function ftsLeaf(term: TextTerm): string {
  const quoted = `"${term.value.replace(/"/g, '""')}"${term.prefix ? '*' : ''}`;
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

export function compileQuery(ast: QueryNode): CompiledQuery {
  return compileWhere(sqliteDialect, ast);
}
