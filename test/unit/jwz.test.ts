import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseSubject, boundedReferences, MAX_REFERENCES, threadMessages } from '../../src/thread/jwz.js';
import type { ThreadInput } from '../../src/store/archiveStore.js';

const msg = (id: number, messageId: string | null, references: string[] = [], subject = 'Topic', inReplyTo: string | null = null): ThreadInput => ({
  id,
  messageId,
  references,
  inReplyTo,
  subject,
});

const links = (inputs: ThreadInput[], options = {}) =>
  Object.fromEntries(threadMessages(inputs, options).map((a) => [a.id, [a.threadId, a.parentId, a.evidence, a.parentMessageId]]));

test('replies arriving before their parent still thread under it (out-of-order arrival)', () => {
  const result = links([msg(1, 'c', ['a', 'b'], 'Re: Topic'), msg(2, 'b', ['a'], 'Re: Topic'), msg(3, 'a')]);
  assert.deepEqual(result, {
    1: [1, 2, 'references', 'b'],
    2: [1, 3, 'references', 'a'],
    3: [1, null, null, null],
  });
});

test('a missing parent is a ghost: siblings stay in one thread, the ghost keeps its Message-ID', () => {
  const result = links([msg(1, 'x', ['never-ingested'], 'Re: Lost'), msg(2, 'y', ['never-ingested'], 'Re: Lost')]);
  assert.deepEqual(result, {
    1: [1, null, 'references', 'never-ingested'],
    2: [1, null, 'references', 'never-ingested'],
  });
});

test('In-Reply-To alone is weaker evidence and is labelled as such', () => {
  const result = links([msg(1, 'p'), msg(2, 'q', [], 'Re: Topic', 'p')]);
  assert.deepEqual(result[2], [1, 1, 'in-reply-to', 'p']);
});

test('reference loops are broken, never followed forever', () => {
  const result = links([msg(1, 'a', ['b']), msg(2, 'b', ['a']), msg(3, 'c', ['c', 'a', 'b'])]);
  const threads = new Set(Object.values(result).map((r) => r[0]));
  assert.equal(threads.size, 1);
  // Exactly one of a and b is the other's parent.
  assert.ok((result[1]![1] === 2) !== (result[2]![1] === 1));
});

test('duplicate Message-IDs (copies) both stay in the thread', () => {
  const result = links([msg(1, 'a'), msg(2, 'a'), msg(3, 'r', ['a'], 'Re: Topic')]);
  assert.equal(result[2]![0], result[1]![0]);
  assert.equal(result[3]![1], 1);
});

test('subject fallback joins an orphan "Re:" to its topic, labelled inferred; it can be switched off', () => {
  const inputs = [msg(1, 'a', [], 'Budget 2015'), msg(2, 'b', [], 'RE: [board] Re: budget 2015')];
  assert.deepEqual(links(inputs)[2], [1, 1, 'subject', 'a']);
  assert.deepEqual(links(inputs, { subjectFallback: false })[2], [2, null, null, null]);
  assert.equal(baseSubject('Fwd: RE: [list] Re:  Budget   2015'), 'budget 2015');
});

test('a later message can merge two threads (threads update when mail arrives)', () => {
  const before = links([msg(1, 'a'), msg(2, 'b', ['x'], 'Re: other')]);
  assert.notEqual(before[1]![0], before[2]![0]);
  const after = links([msg(1, 'a'), msg(2, 'b', ['x'], 'Re: other'), msg(3, 'x', ['a'], 'Re: Topic')]);
  assert.equal(after[2]![0], 1);
  assert.equal(after[2]![1], 3);
});

test('a chain 20,000 deep threads without overflowing the stack', () => {
  const inputs = Array.from({ length: 20_000 }, (_, i) => msg(i + 1, `m${i}`, i === 0 ? [] : [`m${i - 1}`]));
  const result = threadMessages(inputs);
  assert.equal(result[19_999]!.parentId, 19_999);
  assert.equal(result[19_999]!.threadId, 1);
});

test('hostile References are bounded: the root and the nearest ancestors are kept, threads stay right', () => {
  const many = Array.from({ length: 40_000 }, (_, i) => `r${i}`);
  const bounded = boundedReferences(many);
  assert.equal(bounded.length, MAX_REFERENCES);
  assert.equal(bounded[0], 'r0');
  assert.equal(bounded[bounded.length - 1], 'r39999');
  assert.deepEqual(boundedReferences(['a', 'b']), ['a', 'b']);
  // Its root and its parent are in the archive: the reply goes under the parent, in the root's thread.
  const result = links([msg(1, 'r0'), msg(2, 'r39999', many.slice(0, 39_999), 'Re: Topic'), msg(3, 'x', many, 'Re: Topic')]);
  assert.deepEqual(result[3], [1, 2, 'references', 'r39999']);
  assert.equal(result[2]![0], 1, 'the parent sits in the root thread through the ghosts kept');
});

test('a chain thousands deep threads into one thread without recursion', () => {
  const inputs = Array.from({ length: 5000 }, (_, i) => msg(i + 1, `m${i}`, i === 0 ? [] : [`m${i - 1}`], i === 0 ? 'Topic' : 'Re: Topic'));
  const result = threadMessages(inputs);
  assert.ok(result.every((a) => a.threadId === 1));
  assert.equal(result[4999]!.parentId, 4999);
});
