import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDateValue, parseQuery, QueryError } from '../../src/query/parseQuery.js';
import { compileQuery } from '../../src/store/sqlite/compileQuery.js';
import { FIELDS } from '../../src/query/fields.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';

const text = (value: string, extra: object = {}) => ({ kind: 'text', field: null, value, phrase: false, prefix: false, ...extra });

test('free words are ANDed; phrases, prefixes and negation', () => {
  const ast = parseQuery('harbour "north basin" dredg* -draft');
  assert.deepEqual(ast, {
    kind: 'and',
    children: [
      text('harbour', { position: 0 }),
      text('north basin', { phrase: true, position: 8 }),
      text('dredg', { prefix: true, position: 22 }),
      { kind: 'not', child: text('draft', { position: 29 }) },
    ],
  });
});

test('precedence: AND binds tighter than OR; parentheses and NOT', () => {
  const ast = parseQuery('a b OR c AND NOT (d OR e)');
  assert.equal(ast.kind, 'or');
  if (ast.kind !== 'or') return;
  assert.equal(ast.children[0]!.kind, 'and');
  const right = ast.children[1]!;
  assert.ok(right.kind === 'and' && right.children[1]!.kind === 'not');
  assert.deepEqual(parseQuery('-(a OR b) c'), {
    kind: 'and',
    children: [{ kind: 'not', child: { kind: 'or', children: [text('a', { position: 2 }), text('b', { position: 7 })] } }, text('c', { position: 10 })],
  });
});

test('fields: each operator gives a typed term', () => {
  const one = (q: string) => parseQuery(q);
  assert.deepEqual(one('from:alice@Example.org'), { kind: 'field', field: 'address', role: 'from', value: 'alice@example.org', position: 0 });
  assert.deepEqual(one('to:@example.org'), { kind: 'text', field: 'to', value: 'example.org', phrase: true, prefix: false, position: 0 });
  assert.deepEqual(one('cc:"Hélène Dubois"'), { kind: 'text', field: 'cc', value: 'Hélène Dubois', phrase: true, prefix: false, position: 0 });
  assert.deepEqual(one('subject:budget'), text('budget', { field: 'subject', position: 0 }));
  assert.deepEqual(one('body:"north basin"'), text('north basin', { field: 'body', phrase: true, position: 0 }));
  assert.deepEqual(one('attachment:report'), text('report', { field: 'attachment', position: 0 }));
  assert.deepEqual(one('has:attachment'), { kind: 'field', field: 'has', value: 'attachment', position: 0 });
  assert.deepEqual(one('filetype:PDF'), { kind: 'field', field: 'filetype', value: 'pdf', position: 0 });
  assert.deepEqual(one('after:2015'), { kind: 'field', field: 'after', value: Date.UTC(2015, 0, 1), position: 0 });
  assert.deepEqual(one('before:2015-03'), { kind: 'field', field: 'before', value: Date.UTC(2015, 2, 1), position: 0 });
  assert.deepEqual(one('release:15'), { kind: 'field', field: 'release', value: 15, position: 0 });
  assert.deepEqual(one('folder:Sent'), { kind: 'field', field: 'folder', value: 'Sent', position: 0 });
  assert.deepEqual(one('dkim:PASS'), { kind: 'field', field: 'dkim', value: 'pass', position: 0 });
  assert.deepEqual(one('thread:12'), { kind: 'field', field: 'thread', value: 12, position: 0 });
  assert.deepEqual(one('id:12'), { kind: 'field', field: 'id', value: 12, position: 0 });
  assert.deepEqual(one('id:<a@b>'), { kind: 'field', field: 'id', value: 'a@b', position: 0 });
  assert.deepEqual(one('bcc:x@y.org'), { kind: 'field', field: 'address', role: 'bcc', value: 'x@y.org', position: 0 });
  // An unknown prefix is just text (URLs, "re:" in a subject…).
  assert.deepEqual(one('http://example.org'), text('http://example.org', { position: 0 }));
});

test('repeats of a single-valued field mean either (OR); of a multi-valued one, both (AND)', () => {
  const ast = parseQuery('from:a@x.org budget from:b@x.org');
  assert.equal(ast.kind, 'and');
  if (ast.kind !== 'and') return;
  assert.equal(ast.children[0]!.kind, 'or');
  const both = parseQuery('to:a@x.org to:b@x.org');
  assert.equal(both.kind, 'and');
});

test('errors say what is wrong and point at it', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['budget "north basin', 7, /never closed/],
    ['(a OR b', 0, /parenthesis is never closed/],
    ['a OR', 2, /OR needs something on both sides/],
    ['a)', 1, /"\)" without "\("/],
    ['after:yesterday', 6, /not a date/],
    ['after:2015-02-30', 6, /not a date/],
    ['release:x', 8, /whole number/],
    ['has:pdf', 4, /has: takes attachment/],
    ['()', 0, /empty parentheses/],
    ['', 0, /empty/],
    ['"…"', 0, /no letters or digits/],
    ['NOT', 0, /NOT needs something/],
  ];
  for (const [query, position, message] of cases) {
    assert.throws(
      () => parseQuery(query),
      (error: unknown) => error instanceof QueryError && error.position === position && message.test(error.message),
      `${JSON.stringify(query)} should fail at ${position} with ${message}`,
    );
  }
});

test('dates name the start of a year, month or day', () => {
  assert.equal(parseDateValue('2015-03-01'), Date.UTC(2015, 2, 1));
  assert.equal(parseDateValue('2015/3'), Date.UTC(2015, 2, 1));
  assert.equal(parseDateValue('2015-13'), null);
});

test('compiler: user text reaches FTS5 only quoted, SQL only as parameters; full-text siblings share one MATCH', () => {
  const q = compileQuery(parseQuery('"budget" -"draft" subject:"north basin" has:attachment'));
  assert.equal((q.where.match(/MATCH/g) ?? []).length, 1);
  assert.deepEqual(q.params, ['(("budget") AND ({subject} : "north basin")) NOT ("draft")']);
  assert.equal(q.rank, '("budget") OR ({subject} : "north basin")');
  // An unquoted word is also looked up as its stems, in the word-form columns, in the same MATCH.
  const forms = compileQuery(parseQuery('running has:attachment'));
  assert.equal((forms.where.match(/MATCH/g) ?? []).length, 1);
  assert.ok((forms.params[0] as string).includes('("running") OR ({forms_subject forms_body} : ("runᚠen" OR "runningᚠfr" OR '), String(forms.params[0]));
  const chinese = compileQuery(parseQuery('港口报告'));
  assert.equal(chinese.fullText, '("港口报告") OR ({forms_subject forms_body} : "港口 报告")');
  const hostile = compileQuery(parseQuery(`"a"" OR 1=1; DROP TABLE messages; --"`));
  assert.ok(!hostile.where.includes('DROP'));
});

test('docs/query-syntax.md documents every field of the FIELDS table', () => {
  const doc = readFileSync(join(projectRoot, 'docs', 'query-syntax.md'), 'utf8');
  for (const field of FIELDS) assert.match(doc, new RegExp(`\`${field.name}:`), field.name);
});

test('honest errors: an unknown field is named with the nearest one; an unclosed quote or bracket is the cause, at its column', () => {
  const error = (query: string) => {
    try {
      parseQuery(query);
    } catch (e) {
      if (e instanceof QueryError) return { reason: e.reason, position: e.position };
      throw e;
    }
    assert.fail(`${query} parsed`);
  };
  assert.match(error('form:marta').reason, /unknown field form: — did you mean from:\?/);
  assert.match(error('budget sujbect:x').reason, /did you mean subject:\?/);
  assert.equal(error('budget sujbect:x').position, 7);
  assert.match(error('xyz:foo').reason, /unknown field xyz: \(fields: from: to:/);
  assert.deepEqual(error('from:(unclosed "quote'), { reason: 'this quote is never closed', position: 15 });
  assert.deepEqual(error('(a OR b'), { reason: 'this parenthesis is never closed', position: 0 });
  assert.deepEqual(error('a (b (c) d'), { reason: 'this parenthesis is never closed', position: 2 });
  assert.deepEqual(error('a) b'), { reason: '")" without "("', position: 1 });
  assert.match(error('from:(a OR b)').reason, /from: takes one value; for several, write \(from:a OR from:b\)/);
  // Still words: a quoted field-like text, a URL, a time.
  for (const query of ['"form:marta"', 'http://example.com/x', '10:30', 'subject:"re: budget"', 're:budget', 'Fwd:minutes', 'mailto:x@y.org'])
    assert.doesNotThrow(() => parseQuery(query), query);
});
