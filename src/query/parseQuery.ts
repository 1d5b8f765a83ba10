import { UsageError } from '../errors.js';
import type { FieldTerm, QueryNode, TextTerm } from './ast.js';
import { FIELDS, fieldNamed, type FieldSpec } from './fields.js';

/** A query that cannot be parsed; `position` is the 0-based character where the problem is. */
export class QueryError extends UsageError {
  override name = 'QueryError';
  constructor(
    readonly reason: string,
    readonly query: string,
    readonly position: number,
  ) {
    super(`query error at column ${position + 1}: ${reason}\n  ${query}\n  ${' '.repeat(position)}^`);
  }
}

type Token =
  | { type: 'lparen' | 'rparen' | 'or' | 'and' | 'not'; pos: number; negated?: false }
  | { type: 'term'; pos: number; field: string | null; value: string; quoted: boolean; negated: boolean }
  | { type: 'group'; pos: number; negated: boolean }; // a '-(' : negated group opener

/** Longest a query may be: stops pathological inputs from building huge SQL. */
export const MAX_QUERY_LENGTH = 2000;
/** Deepest parenthesis nesting accepted. */
export const MAX_QUERY_DEPTH = 32;

/** Edit distance of two short words, a swap of neighbours counting one (form → from): for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Prefixes that are text, not a field someone meant: subject prefixes (re:budget) and mailto:. */
const TEXT_PREFIXES = new Set(['re', 'fw', 'fwd', 'aw', 'tr', 'sv', 'vs', 'antw', 'rif', 'mailto']);

/** The error for `word:` that names no field: the nearest field when it looks like a typo. */
function unknownField(name: string, query: string, position: number): QueryError {
  const names = FIELDS.flatMap((f) => [f.name, ...f.aliases]);
  const [nearest] = names.map((n) => ({ n, d: distance(name.toLowerCase(), n) })).sort((a, b) => a.d - b.d);
  const hint =
    nearest && nearest.d <= Math.max(1, Math.floor(name.length / 3))
      ? ` — did you mean ${nearest.n}:?`
      : ` (fields: ${FIELDS.map((f) => `${f.name}:`).join(' ')})`;
  return new QueryError(`unknown field ${name}:${hint} (to search for the text itself, put it in quotes: "${name}:…")`, query, position);
}

/**
 * Quotes and parentheses are checked before anything else, so an error names the real cause: the
 * quote or the bracket that is never closed, at its column.
 */
function checkBalance(query: string): void {
  const open: number[] = [];
  let quote = -1;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '"') quote = quote < 0 ? i : -1;
    else if (quote >= 0) continue;
    else if (c === '(') open.push(i);
    else if (c === ')' && open.pop() === undefined) throw new QueryError('")" without "("', query, i);
  }
  if (quote >= 0) throw new QueryError('this quote is never closed', query, quote);
  if (open.length > 0) throw new QueryError('this parenthesis is never closed', query, open[open.length - 1]!);
}

function tokenize(query: string): Token[] {
  checkBalance(query);
  const tokens: Token[] = [];
  let i = 0;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (i < query.length) {
    const c = query[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(') {
      tokens.push({ type: 'lparen', pos: i++ });
      continue;
    }
    if (c === ')') {
      tokens.push({ type: 'rparen', pos: i++ });
      continue;
    }
    const start = i;
    let negated = false;
    if (c === '-' && i + 1 < query.length && !isSpace(query[i + 1])) {
      negated = true;
      i++;
      if (query[i] === '(') {
        tokens.push({ type: 'group', pos: start, negated: true });
        i++;
        continue;
      }
    }
    // field:value — a field prefix is letters then ':' followed by something.
    let field: string | null = null;
    const prefix = /^([A-Za-z]+):(?=\S)/.exec(query.slice(i, i + 40));
    if (prefix && fieldNamed(prefix[1]!)) {
      field = prefix[1]!;
      i += prefix[0].length;
      if (query[i] === '(') throw new QueryError(`${field}: takes one value; for several, write (${field}:a OR ${field}:b)`, query, i);
    } else if (prefix && !query.startsWith('//', i + prefix[0].length) && !TEXT_PREFIXES.has(prefix[1]!.toLowerCase())) {
      // A mistyped field (form:marta) was searched as a word and found nothing, silently. A URL is still a word.
      throw unknownField(prefix[1]!, query, i);
    }
    if (query[i] === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) throw new QueryError('this quote is never closed', query, i);
      tokens.push({ type: 'term', pos: start, field, value: query.slice(i + 1, close), quoted: true, negated });
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < query.length && !isSpace(query[end]) && query[end] !== '(' && query[end] !== ')' && query[end] !== '"') end++;
    const word = query.slice(i, end);
    i = end;
    if (!field && !negated && (word === 'OR' || word === 'AND' || word === 'NOT')) {
      tokens.push({ type: word === 'OR' ? 'or' : word === 'AND' ? 'and' : 'not', pos: start });
      continue;
    }
    if (word === '' && field) throw new QueryError(`${field}: needs a value`, query, start);
    tokens.push({ type: 'term', pos: start, field, value: word, quoted: false, negated });
  }
  return tokens;
}

const DATE = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$/;

/** Start of the year, month or day a date names, in ms UTC. */
export function parseDateValue(value: string): number | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), m[2] ? Number(m[2]) : 1, m[3] ? Number(m[3]) : 1];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const ms = Date.UTC(year, month - 1, day);
  return new Date(ms).getUTCDate() === day ? ms : null;
}

function fieldTerm(spec: FieldSpec, token: Extract<Token, { type: 'term' }>, query: string): QueryNode {
  const { value, pos } = token;
  const valuePos = pos + (token.negated ? 1 : 0) + (token.field?.length ?? 0) + 1;
  const fail = (reason: string): never => {
    throw new QueryError(reason, query, valuePos);
  };
  const name = spec.name;
  const text = (field: TextTerm['field']): TextTerm => ({
    kind: 'text',
    field,
    value: token.quoted ? value : value.replace(/\*$/, ''),
    phrase: token.quoted,
    prefix: !token.quoted && value.endsWith('*'),
    position: pos,
  });
  switch (name) {
    case 'subject':
    case 'body':
    case 'doc':
    case 'attachment':
      return text(name);
    case 'from':
    case 'to':
    case 'cc':
    case 'bcc': {
      // An exact address is an index look-up; a name, a part of one, or @domain is a full-text phrase.
      if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return { kind: 'field', field: 'address', role: name, value: value.toLowerCase(), position: pos };
      return { ...text(name), value: value.replace(/^@/, ''), phrase: true };
    }
    case 'after':
    case 'before': {
      const ms = parseDateValue(value);
      return ms === null
        ? fail(`"${value}" is not a date: use 2015, 2015-03 or 2015-03-01`)
        : ({ kind: 'field', field: name, value: ms, position: pos } satisfies FieldTerm);
    }
    case 'release':
    case 'thread': {
      const n = Number(value);
      return Number.isInteger(n) && n >= 0 ? { kind: 'field', field: name, value: n, position: pos } : fail(`${name}: takes a whole number, not "${value}"`);
    }
    case 'has':
    case 'dkim': {
      const v = value.toLowerCase();
      if (!spec.values!.includes(v)) fail(`${name}: takes ${spec.values!.join(', ')}, not "${value}"`);
      return { kind: 'field', field: name, value: v, position: pos } as FieldTerm;
    }
    case 'filetype':
      return { kind: 'field', field: 'filetype', value: value.toLowerCase().replace(/^\./, ''), position: pos };
    case 'folder':
      return { kind: 'field', field: 'folder', value, position: pos };
    case 'lang': {
      const code = value.toLowerCase();
      return /^[a-z]{2}$/.test(code)
        ? { kind: 'field', field: 'lang', value: code, position: pos }
        : fail(`lang: takes a two-letter language code such as en or fr, not "${value}"`);
    }
    case 'id': {
      const n = Number(value);
      const id = Number.isInteger(n) && n > 0 ? n : value.replace(/^<|>$/g, '');
      return { kind: 'field', field: 'id', value: id, position: pos };
    }
    default:
      return fail(`${name}: is not searchable yet`);
  }
}

/** Groups repeats of single-valued fields (from:a from:b) into one OR, as the FIELDS table says. */
function combineRepeats(children: QueryNode[]): QueryNode[] {
  const keyOf = (node: QueryNode): string | null => {
    if (node.kind === 'field') {
      const spec = fieldNamed(node.field === 'address' ? node.role : node.field);
      return spec?.repeats === 'or' ? (node.field === 'address' ? node.role : node.field) : null;
    }
    if (node.kind === 'text' && node.field) return fieldNamed(node.field)?.repeats === 'or' ? node.field : null;
    return null;
  };
  const groups = new Map<string, QueryNode[]>();
  const out: QueryNode[] = [];
  for (const child of children) {
    const key = keyOf(child);
    if (key === null) out.push(child);
    else {
      const group = groups.get(key);
      if (group) group.push(child);
      else {
        const fresh = [child];
        groups.set(key, fresh);
        out.push({ kind: 'or', children: fresh });
      }
    }
  }
  return out.map((node) => (node.kind === 'or' && node.children.length === 1 ? node.children[0]! : node));
}

/**
 * Parses the search language (docs/query-syntax.md) into an AST.
 * Grammar: or := and ("OR" and)* ; and := unary (["AND"] unary)* ; unary := ("NOT" | "-") unary | "(" or ")" | term.
 */
export function parseQuery(query: string): QueryNode {
  if (query.length > MAX_QUERY_LENGTH) throw new QueryError(`the query is longer than ${MAX_QUERY_LENGTH} characters`, query, MAX_QUERY_LENGTH);
  const tokens = tokenize(query);
  if (tokens.length === 0) throw new QueryError('the query is empty', query, 0);
  let at = 0;
  let depth = 0;
  const peek = () => tokens[at];

  const parseOr = (): QueryNode => {
    const children = [parseAnd()];
    while (peek()?.type === 'or') {
      const op = tokens[at++]!;
      if (!peek() || peek()!.type === 'rparen' || peek()!.type === 'or') throw new QueryError('OR needs something on both sides', query, op.pos);
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  };
  const parseAnd = (): QueryNode => {
    const children: QueryNode[] = [];
    for (;;) {
      const t = peek();
      if (!t || t.type === 'rparen' || t.type === 'or') break;
      if (t.type === 'and') {
        at++;
        if (children.length === 0 || !peek() || ['rparen', 'or', 'and'].includes(peek()!.type))
          throw new QueryError('AND needs something on both sides', query, t.pos);
        continue;
      }
      children.push(parseUnary());
    }
    if (children.length === 0) {
      const t = peek();
      throw new QueryError(t ? `nothing before ${t.type === 'rparen' ? '")"' : 'OR'}` : 'the query ends too early', query, t?.pos ?? query.length);
    }
    const combined = combineRepeats(children);
    return combined.length === 1 ? combined[0]! : { kind: 'and', children: combined };
  };
  const parseUnary = (): QueryNode => {
    const t = tokens[at++]!;
    if (t.type === 'not') {
      if (!peek() || ['rparen', 'or', 'and'].includes(peek()!.type)) throw new QueryError('NOT needs something after it', query, t.pos);
      return { kind: 'not', child: parseUnary() };
    }
    if (t.type === 'lparen' || t.type === 'group') {
      if (++depth > MAX_QUERY_DEPTH) throw new QueryError(`parentheses nested deeper than ${MAX_QUERY_DEPTH}`, query, t.pos);
      if (peek()?.type === 'rparen') throw new QueryError('empty parentheses', query, t.pos);
      const inner = parseOr();
      if (peek()?.type !== 'rparen') throw new QueryError('this parenthesis is never closed', query, t.pos + (t.type === 'group' ? 1 : 0));
      at++;
      depth--;
      return t.type === 'group' ? { kind: 'not', child: inner } : inner;
    }
    if (t.type === 'rparen') throw new QueryError('")" without "("', query, t.pos);
    if (t.type !== 'term') throw new QueryError('unexpected operator', query, t.pos);
    const node: QueryNode = t.field
      ? fieldTerm(fieldNamed(t.field)!, t, query)
      : {
          kind: 'text',
          field: null,
          value: t.quoted ? t.value : t.value.replace(/\*$/, ''),
          phrase: t.quoted,
          prefix: !t.quoted && t.value.endsWith('*'),
          position: t.pos,
        };
    if (node.kind === 'text' && !/[\p{L}\p{N}]/u.test(node.value)) {
      throw new QueryError(`"${node.value}" has no letters or digits to search for`, query, t.pos);
    }
    return t.negated ? { kind: 'not', child: node } : node;
  };

  const ast = parseOr();
  if (at < tokens.length) {
    const t = tokens[at]!;
    throw new QueryError(t.type === 'rparen' ? '")" without "("' : 'unexpected text', query, t.pos);
  }
  return ast;
}
