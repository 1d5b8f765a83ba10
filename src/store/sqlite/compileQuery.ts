import { VERDICT_CLASSES } from '../../verify/report.js';
import type { FieldTerm, QueryNode, TextTerm } from '../../query/ast.js';

/**
 * Compiles the query AST to an SQLite WHERE clause over `messages m`. Full-text parts become FTS5
 * MATCH expressions; siblings that are all full-text are merged into one MATCH (one index look-up
 * instead of several). User text only ever reaches FTS5 inside double quotes, and SQL only as
 * bound parameters.
 */
export interface CompiledQuery {
  readonly where: string;
  readonly params: unknown[];
  /** FTS5 expression of the positive words, for ranking (bm25) and snippets; null if there are none. */
  readonly rank: string | null;
}

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

function ftsLeaf(term: TextTerm): string {
  const quoted = `"${term.value.replace(/"/g, '""')}"${term.prefix ? '*' : ''}`;
  return term.field ? `${COLUMNS[term.field]} : ${quoted}` : quoted;
}

/** The node as one FTS5 expression, or null when it needs SQL (a field filter, or a lone NOT). */
function ftsExpression(node: QueryNode): string | null {
  switch (node.kind) {
    case 'text':
      return ftsLeaf(node);
    case 'or': {
      const parts = node.children.map(ftsExpression);
      return parts.every((p): p is string => p !== null) ? parts.map((p) => `(${p})`).join(' OR ') : null;
    }
    case 'and': {
      const positives = node.children.filter((c) => c.kind !== 'not').map(ftsExpression);
      const negatives = node.children.filter((c): c is Extract<QueryNode, { kind: 'not' }> => c.kind === 'not').map((c) => ftsExpression(c.child));
      if (positives.length === 0 || ![...positives, ...negatives].every((p) => p !== null)) return null;
      return `(${positives.map((p) => `(${p})`).join(' AND ')})${negatives.map((n) => ` NOT (${n})`).join('')}`;
    }
    default:
      return null;
  }
}

const MATCH = 'm.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)';

function fieldSql(term: FieldTerm): { sql: string; params: unknown[] } {
  switch (term.field) {
    case 'has':
      return { sql: 'm.attachment_count > 0', params: [] };
    case 'filetype':
      return {
        sql: `EXISTS (SELECT 1 FROM attachments a WHERE a.message = m.id AND (lower(a.filename) LIKE ? OR lower(a.content_type) LIKE ?))`,
        params: [`%.${term.value}`, `%/${term.value}`],
      };
    case 'after':
      return { sql: 'm.date_utc >= ?', params: [term.value] };
    case 'before':
      return { sql: 'm.date_utc < ?', params: [term.value] };
    case 'release':
      return { sql: 'm.release_number = ?', params: [term.value] };
    case 'thread':
      return { sql: 'm.thread_id = (SELECT thread_id FROM messages WHERE id = ?)', params: [term.value] };
    case 'folder':
      // The folder or any sub-folder ("a/…": between "a/" and "a0", '0' being the character after '/').
      return {
        sql: `(m.folder = ? COLLATE NOCASE OR (m.folder > ? COLLATE NOCASE AND m.folder < ? COLLATE NOCASE))`,
        params: [term.value, `${term.value}/`, `${term.value}0`],
      };
    case 'dkim': {
      // A class is a set of verdicts; "none" and "unverified" also take messages never checked (NULL).
      const verdicts: readonly string[] = term.value in VERDICT_CLASSES ? VERDICT_CLASSES[term.value as keyof typeof VERDICT_CLASSES] : [term.value];
      const orNull = term.value === 'none' || term.value === 'unverified' ? ' OR m.dkim_verdict IS NULL' : '';
      return { sql: `(m.dkim_verdict IN (SELECT value FROM json_each(?))${orNull})`, params: [JSON.stringify(verdicts)] };
    }
    case 'id':
      return typeof term.value === 'number' ? { sql: 'm.id = ?', params: [term.value] } : { sql: 'm.message_id = ?', params: [term.value] };
    case 'address':
      return term.role === 'from'
        ? { sql: `(m.from_addr = ? OR EXISTS (SELECT 1 FROM addresses a WHERE a.message = m.id AND a.role = 'sender' AND a.address = ?))`, params: [term.value, term.value] }
        : { sql: 'EXISTS (SELECT 1 FROM addresses a WHERE a.message = m.id AND a.role = ? AND a.address = ?)', params: [term.role, term.value] };
  }
}

function compileNode(node: QueryNode): { sql: string; params: unknown[] } {
  const whole = ftsExpression(node);
  if (whole !== null) return { sql: MATCH, params: [whole] };
  switch (node.kind) {
    case 'field':
      return fieldSql(node);
    case 'not': {
      const inner = compileNode(node.child);
      return { sql: `NOT (${inner.sql})`, params: inner.params };
    }
    case 'or': {
      const parts = node.children.map(compileNode);
      return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
    }
    case 'and': {
      // Merge the full-text children (and full-text exclusions) into one MATCH; the rest is SQL.
      const textual = node.children.filter((c) => (c.kind === 'not' ? ftsExpression(c.child) : ftsExpression(c)) !== null);
      const merged = textual.some((c) => c.kind !== 'not') ? ftsExpression({ kind: 'and', children: textual }) : null;
      const rest = merged ? node.children.filter((c) => !textual.includes(c)) : node.children;
      const parts = [...(merged ? [{ sql: MATCH, params: [merged] as unknown[] }] : []), ...rest.map(compileNode)];
      return { sql: `(${parts.map((p) => p.sql).join(' AND ')})`, params: parts.flatMap((p) => p.params) };
    }
    case 'text':
      return { sql: MATCH, params: [ftsLeaf(node)] };
  }
}

/** The positive words of the query (not under a NOT), ORed: what ranks results and marks snippets. */
function rankExpression(node: QueryNode): string | null {
  const leaves: string[] = [];
  const stack: QueryNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'text') leaves.push(ftsLeaf(n));
    else if (n.kind === 'and' || n.kind === 'or') stack.push(...[...n.children].reverse());
  }
  return leaves.length > 0 ? leaves.map((l) => `(${l})`).join(' OR ') : null;
}

export function compileQuery(ast: QueryNode): CompiledQuery {
  const { sql, params } = compileNode(ast);
  return { where: sql, params, rank: rankExpression(ast) };
}
