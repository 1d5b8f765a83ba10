import type { FieldTerm, QueryNode, TextTerm } from '../query/ast.js';
import { VERDICT_CLASSES } from '../verify/report.js';
import { withWordForms } from '../query/wordForms.js';
import { holdsRankWord, positiveWords, rankTerms, ranks } from '../search/queryPlan.js';

/**
 * Compiles the query AST into a WHERE clause over `messages m`, for any store. A store supplies a
 * dialect: how one text term reads in its full-text language (FTS5 MATCH, tsquery), how those
 * combine, and the SQL of structured fields. Siblings that are all full-text merge into one
 * full-text condition (one index look-up instead of several), the same way on every store, so the
 * stores find the same messages. Parameters are appended in the order they appear in the SQL.
 */
export interface QueryDialect {
  /** Adds a parameter; returns its placeholder (`?`, `$3`). */
  param(params: unknown[], value: unknown): string;
  /** The term in the full-text language, or null when it needs a condition of its own (`textSql`). */
  textExpression(term: TextTerm): string | null;
  /** A text term that cannot merge (e.g. a field the index cannot single out). */
  textSql(term: TextTerm, params: unknown[]): string;
  and(parts: readonly string[], negated: readonly string[]): string;
  or(parts: readonly string[]): string;
  /** The SQL condition "m matches this full-text expression". */
  matchSql(expression: string, params: unknown[]): string;
  /** `column` is one of `values`. */
  inList(column: string, values: readonly string[], params: unknown[]): string;
  /** The folder or any sub-folder of it, ASCII case folded. */
  folderSql(folder: string, params: unknown[]): string;
}

function fieldSql(d: QueryDialect, term: FieldTerm, params: unknown[]): string {
  const p = (value: unknown) => d.param(params, value);
  switch (term.field) {
    case 'has':
      return 'm.attachment_count > 0';
    // Conditions on other tables are sets of message numbers (IN), read once, not probed per message:
    // from: over 5.7k of 100k messages took 27 ms as EXISTS, 2.6 ms as IN (measured, SQLite).
    case 'filetype':
    case 'address':
      return `m.id IN (${idSetSql(d, term, params)})`;
    case 'after':
      return `m.date_utc >= ${p(term.value)}`;
    case 'before':
      return `m.date_utc < ${p(term.value)}`;
    case 'release':
      return `m.release_number = ${p(term.value)}`;
    case 'thread':
      return `m.thread_id = (SELECT thread_id FROM messages WHERE id = ${p(term.value)})`;
    case 'folder':
      return d.folderSql(term.value, params);
    case 'lang':
      return `m.lang = ${p(term.value)}`;
    case 'dkim': {
      // A class is a set of verdicts; "none" and "unverified" also take messages never checked (NULL).
      const verdicts: readonly string[] = term.value in VERDICT_CLASSES ? VERDICT_CLASSES[term.value as keyof typeof VERDICT_CLASSES] : [term.value];
      const orNull = term.value === 'none' || term.value === 'unverified' ? ' OR m.dkim_verdict IS NULL' : '';
      return `(${d.inList('m.dkim_verdict', verdicts, params)}${orNull})`;
    }
    case 'id':
      return typeof term.value === 'number' ? `m.id = ${p(term.value)}` : `m.message_id = ${p(term.value)}`;
  }
}

/**
 * The SQL that lists the message numbers meeting a condition on another table (an address, an
 * attachment's type), or null for other conditions. A store may read the set once and test it in
 * memory (memoryFilter.ts) instead of probing each message.
 */
export function idSetSql(d: QueryDialect, term: FieldTerm, params: unknown[]): string | null {
  const p = (value: unknown) => d.param(params, value);
  switch (term.field) {
    case 'filetype':
      return `SELECT a.message FROM attachments a WHERE lower(a.filename) LIKE ${p(`%.${term.value}`)} OR lower(a.content_type) LIKE ${p(`%/${term.value}`)}`;
    case 'address':
      return term.role === 'from'
        ? `SELECT f.id FROM messages f WHERE f.from_addr = ${p(term.value)} UNION SELECT a.message FROM addresses a WHERE a.address = ${p(term.value)} AND a.role = 'sender'`
        : `SELECT a.message FROM addresses a WHERE a.address = ${p(term.value)} AND a.role = ${p(term.role)}`;
    default:
      return null;
  }
}

export interface CompiledWhere {
  readonly where: string;
  readonly params: unknown[];
  /** The positive content words of the query (not under a NOT), ORed: what ranks results (rankTerms). */
  readonly rank: string | null;
  /**
   * The same words in the query's own AND/OR shape. bm25 sums its words' scores whatever the shape;
   * PostgreSQL's ts_rank does not: for an AND it scores how near the words are to one another
   * (bench/relevance: MRR@10 0.49 → 0.54 on a real list), for an OR it sums them.
   */
  readonly rankShape: string | null;
  /** When the whole query is one full-text expression (no field condition): that expression. */
  readonly fullText: string | null;
  /**
   * The full-text expression (fullText or split.fullText) ranks its matches exactly as `rank` does:
   * its positive words are the rank words, and nothing else. bm25 and ts_rank score per word, and a
   * word under NOT, absent from a match, adds nothing, so the narrower expression can rank alone.
   */
  readonly matchRanks: boolean;
  /**
   * Every message the query finds holds one of the rank words, so ranking the rank words' matches
   * ranks the whole result. Not so for `budget OR has:attachment` or `to:x OR budget`: messages
   * found without a rank word score 0 and come after every match.
   */
  readonly everyResultRanks: boolean;
  /** When the query is words AND field conditions: the words as one expression, the rest as SQL with its own parameters. */
  readonly split: { readonly fullText: string; readonly where: string; readonly params: unknown[]; readonly rest: readonly QueryNode[] } | null;
}

/** The node as one full-text expression, or null when it needs SQL (a field filter, or a lone NOT). */
function expression(d: QueryDialect, node: QueryNode): string | null {
  switch (node.kind) {
    case 'text':
      return d.textExpression(node);
    case 'or': {
      const parts = node.children.map((c) => expression(d, c));
      return parts.every((p): p is string => p !== null) ? d.or(parts) : null;
    }
    case 'and': {
      const positives = node.children.filter((c) => c.kind !== 'not').map((c) => expression(d, c));
      const negatives = node.children.filter((c): c is Extract<QueryNode, { kind: 'not' }> => c.kind === 'not').map((c) => expression(d, c.child));
      if (positives.length === 0 || ![...positives, ...negatives].every((p) => p !== null)) return null;
      return d.and(positives as string[], negatives as string[]);
    }
    default:
      return null;
  }
}

/** Merges an AND's full-text children (and full-text exclusions) into one expression; the rest needs SQL. */
function splitAnd(
  d: QueryDialect,
  node: Extract<QueryNode, { kind: 'and' }>,
): { merged: string | null; textual: readonly QueryNode[]; rest: readonly QueryNode[] } {
  const textual = node.children.filter((c) => expression(d, c.kind === 'not' ? c.child : c) !== null);
  const merged = textual.some((c) => c.kind !== 'not') ? expression(d, { kind: 'and', children: textual }) : null;
  return { merged, textual, rest: merged ? node.children.filter((c) => !textual.includes(c)) : node.children };
}

function compileNode(d: QueryDialect, node: QueryNode, params: unknown[]): string {
  const whole = expression(d, node);
  if (whole !== null) return d.matchSql(whole, params);
  switch (node.kind) {
    case 'field':
      return fieldSql(d, node, params);
    case 'text':
      return d.textSql(node, params);
    case 'not':
      return `NOT (${compileNode(d, node.child, params)})`;
    case 'or':
      return `(${node.children.map((c) => compileNode(d, c, params)).join(' OR ')})`;
    case 'and': {
      const { merged, rest } = splitAnd(d, node);
      const parts: string[] = [];
      if (merged) parts.push(d.matchSql(merged, params));
      for (const c of rest) parts.push(compileNode(d, c, params));
      return `(${parts.join(' AND ')})`;
    }
  }
}

/** The rank words of a node in its AND/OR shape (CompiledWhere.rankShape); null when it has none. */
function rankShapeOf(d: QueryDialect, node: QueryNode): string | null {
  if (node.kind === 'text') return ranks(node) ? (d.textExpression(node) ?? d.textExpression({ ...node, field: null })) : null;
  if (node.kind !== 'and' && node.kind !== 'or') return null;
  const parts = node.children.map((c) => rankShapeOf(d, c)).filter((p): p is string => p !== null);
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : node.kind === 'and' ? d.and(parts, []) : d.or(parts);
}

/** `languages`: the languages the archive holds, the only ones whose word forms can match (null: all). */
export function compileWhere(d: QueryDialect, query: QueryNode, params: unknown[] = [], languages: ReadonlySet<string> | null = null): CompiledWhere {
  const ast = withWordForms(query, languages);
  const where = compileNode(d, ast, params);
  // A term the index cannot single out by field still ranks by its words.
  const ranked = rankTerms(ast);
  const expressions = (terms: readonly TextTerm[]) =>
    terms.length > 0 ? d.or(terms.map((t) => d.textExpression(t) ?? d.textExpression({ ...t, field: null })!)) : null;
  const fullText = expression(d, ast);
  let split: CompiledWhere['split'] = null;
  let matched = fullText !== null ? positiveWords(ast) : [];
  if (fullText === null && ast.kind === 'and') {
    const { merged, textual, rest } = splitAnd(d, ast);
    const restParams: unknown[] = [];
    if (merged) split = { fullText: merged, where: rest.map((c) => compileNode(d, c, restParams)).join(' AND '), params: restParams, rest };
    matched = textual.flatMap(positiveWords);
  }
  const matchRanks =
    ranked.length > 0 && ranked.every((t) => d.textExpression(t) !== null) && matched.length === ranked.length && positiveWords(ast).length === ranked.length;
  return {
    where,
    params,
    rank: expressions(ranked),
    rankShape: rankShapeOf(d, ast),
    fullText,
    split,
    matchRanks,
    everyResultRanks: holdsRankWord(ast),
  };
}
