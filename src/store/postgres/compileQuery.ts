import type { QueryNode, TextTerm } from '../../query/ast.js';
import { compileWhere, type CompiledWhere, type QueryDialect } from '../queryCompiler.js';
import { FIELD_WEIGHT, tsqueryOf } from './textSearch.js';

/** Per-field vectors that recheck fields sharing weight C in the index (schema 1). */
const RECHECK: Partial<Record<NonNullable<TextTerm['field']>, string>> = {
  to: 'fts_to',
  cc: 'fts_cc',
  bcc: 'fts_bcc',
  attachment: 'fts_attachments',
  doc: 'fts_attachment_text',
};

function param(params: unknown[], value: unknown): string {
  params.push(value);
  return `$${params.length}`;
}

/**
 * The PostgreSQL dialect of the query compiler: full-text parts become one tsquery matched against
 * the GIN-indexed `fts`. Fields with a weight of their own merge like free words; to:, cc:, bcc:
 * and attachment: share weight C, so they are found through the index and rechecked on their own
 * vector. User text reaches SQL only as parameters.
 */
export function postgresDialect(textSearch: string): QueryDialect {
  const config = `'${textSearch.replace(/[^a-z_]/g, '')}'::regconfig`;
  const dialect: QueryDialect = {
    param,
    // Word forms are in the vector beside the words, with the weight of their part (schema 2).
    textExpression: (term) => (term.field && RECHECK[term.field] ? null : tsqueryOf(term, term.field ? FIELD_WEIGHT[term.field] : '')),
    textSql: (term, params) =>
      `(${dialect.matchSql(tsqueryOf(term, FIELD_WEIGHT[term.field!]), params)} AND m.${RECHECK[term.field!]} @@ to_tsquery(${config}, ${param(params, tsqueryOf(term))}))`,
    and: (parts, negated) => `(${parts.map((p) => `(${p})`).join(' & ')})${negated.map((n) => ` & !(${n})`).join('')}`,
    or: (parts) => parts.map((p) => `(${p})`).join(' | '),
    matchSql: (expression, params) => `m.fts @@ to_tsquery(${config}, ${param(params, expression)})`,
    inList: (column, values, params) => `${column} = ANY(${param(params, values)}::text[])`,
    folderSql: (folder, params) => {
      const p = (value: string) => `lower(${param(params, value)})`;
      return `(lower(m.folder) = ${p(folder)} OR (lower(m.folder) > ${p(`${folder}/`)} AND lower(m.folder) < ${p(`${folder}0`)}))`;
    },
  };
  return dialect;
}

export function compilePostgresQuery(ast: QueryNode, textSearch: string, params: unknown[] = []): CompiledWhere {
  return compileWhere(postgresDialect(textSearch), ast, params);
}
