import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderProgress } from '../../src/cli/progressBar.js';

test('progress line: bar, messages, MB, rate and ETA', () => {
  const line = renderProgress(
    { stage: 'reading', messagesRead: 5000, committed: 4000, bytesRead: 50 * 1048576, totalBytes: 200 * 1048576, elapsedMs: 20_000, source: null },
    20,
  );
  assert.equal(line, '[#####...............]  25%  4,000 msgs  50.0/200.0 MB  200 msg/s  ETA 1m00s');
});

test('progress line: nothing read yet gives no ETA rather than a wrong one', () => {
  const line = renderProgress({ stage: 'reading', messagesRead: 0, committed: 0, bytesRead: 0, totalBytes: 0, elapsedMs: 0, source: null }, 4);
  assert.equal(line, '[....]   0%  0 msgs  0.0/0.0 MB  0 msg/s  ETA --');
});

test('progress line: after the last message it says what is left instead of an ETA', () => {
  const p = { messagesRead: 10, committed: 10, bytesRead: 100, totalBytes: 100, elapsedMs: 1000, source: null };
  assert.equal(renderProgress({ ...p, stage: 'threading' }, 4), '[####] 100%  10 msgs  0.0/0.0 MB  10 msg/s  threading…');
  assert.equal(renderProgress({ ...p, stage: 'statistics' }, 4), '[####] 100%  10 msgs  0.0/0.0 MB  10 msg/s  updating search statistics…');
});
