import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

/**
 * The benchmarks, run at CI size: not timed (figures on a shared machine mean nothing here), but
 * they must run to the end and measure what they say. A reference that answers errors (nginx once
 * answered 403 to every request of bench/web.sh, and the ratios against it were printed anyway) or
 * a peer that did not run fails this test.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');

function bench(script: string, args: string[]): string {
  const run = spawnSync('bash', [join('bench', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // Built already by the test command; a build now would rewrite dist/ under the tests running beside this one.
    env: { ...process.env, EPISTOLA_NO_BUILD: '1', EPISTOLA_CORPUS: join(tempDir(), 'no-corpus'), BENCH_DIR: tempDir() },
    timeout: 240_000,
  });
  assert.equal(run.status, 0, `${script}: ${run.stderr}`);
  return run.stdout;
}

/** The rows of a markdown table in a benchmark's output, as cells. */
function rows(output: string, firstCell: RegExp): string[][] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .filter((cells) => firstCell.test(cells[0]!));
}

test('bench/ingest.sh at CI size: every tool ran, in every round, on the same messages', () => {
  const out = bench('ingest.sh', ['300', '2']);
  assert.match(out, /demo collection .*: 300 messages, .* 2 interleaved rounds/);
  const tools = rows(out, /^(epistola|notmuch|mu)/).map((cells) => cells[0]);
  assert.deepEqual(tools, ['epistola', 'epistola-no-verify', 'notmuch-new', 'mu-index']);
  for (const cells of rows(out, /^(epistola|notmuch|mu)/)) {
    const [wallMin] = cells[1]!.split(' / ').map(Number);
    assert.ok(wallMin! > 0, `${cells[0]} took time: ${cells[1]}`);
    assert.ok(Number(cells[4]) > 0, `${cells[0]} has a peak RSS: ${cells[4]}`);
  }
});

test('bench/web.sh at CI size: every target answered without errors, nginx included', () => {
  const out = bench('web.sh', ['300', '1']);
  const targets = rows(out, /^(nginx|epistola):/);
  assert.equal(targets.length, 9, out);
  for (const [label, rps, , errors] of targets) {
    assert.ok(Number(rps!.replace(/,/g, '')) > 0, `${label}: ${rps} req/s`);
    // 300 messages are too few for a second of first renders: only "wrapped" may be said there.
    if (label!.includes('first renders')) assert.match(errors!, /^(0|wrapped: .*)$/, `${label}: ${errors}`);
    else assert.equal(errors, '0', `${label}: ${errors}`);
  }
  assert.match(out, /cached email page: [\d.]+% of nginx/);
  assert.match(out, /raw download: [\d.]+% of nginx/);
});

test('bench/export.sh at CI size: full and incremental exports, a mirror synced by delta pack, rsync beside it, static search measured', () => {
  const out = bench('export.sh', ['300']);
  assert.match(out, /full export: [\d.]+ s, peak RSS \d+ MB/);
  assert.match(out, / 300 messages, \d+ files, .* 300 message pages rendered/);
  assert.match(out, /incremental export \(\+1k release\): [\d.]+ s/);
  assert.match(out, /mirror sync: \d+ bytes transferred \(\d+ in 1 delta pack\(s\), \d+ files from packs, 0 files one by one\)/);
  const rsync = Number(/rsync -az --no-whole-file: (\d+) bytes/.exec(out)?.[1]);
  assert.ok(rsync > 0, 'rsync ran and sent something');
  assert.match(out, /mirror sync \/ rsync: [\d.]+×/);
  // One line per query, from Chromium: the first ones find results, the last finds none.
  const queries = out
    .split('\n')
    .filter((l) => l.startsWith('{"query"'))
    .map((l) => JSON.parse(l) as { query: string; requests: number; message: string });
  assert.equal(queries.length, 6);
  assert.match(queries[0]!.message, /\d+\+? results? for/);
  assert.match(queries.at(-1)!.message, /No results/);
});

test('bench/lighthouse.ts at CI size: Lighthouse runs on the reader, desktop and mobile; accessibility, best practices and SEO at 95 or more', async () => {
  const data = join(tempDir(), 'data');
  const made = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'epistola.js'), '--data', data, 'demo', '--count', '200', '--out', join(tempDir(), 'mail'), '--ingest'],
    {
      encoding: 'utf8',
      env: { ...process.env, EPISTOLA_DATA: '' },
    },
  );
  assert.equal(made.status, 0, made.stderr);
  const { startWebReader } = await import('../webServer.js');
  const reader = await startWebReader(data, { audience: 'public', collection: 'Lighthouse test' });
  try {
    const run = spawn(process.execPath, [join(ROOT, 'dist', 'bench', 'lighthouse.js'), reader.origin, '--json', '--pages', 'home,email'], { cwd: ROOT });
    let out = '';
    let err = '';
    run.stdout.on('data', (c: Buffer) => (out += c.toString()));
    run.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((done) => run.once('exit', done));
    assert.equal(code, 0, err);
    const result = JSON.parse(out) as { rows: Array<{ page: string; form: string; scores: Record<string, number> }> };
    assert.deepEqual(
      result.rows.map((r) => `${r.page} ${r.form}`),
      ['home desktop', 'home mobile', 'email desktop', 'email mobile'],
    );
    for (const r of result.rows) {
      // Performance depends on the machine's load: measured by the benchmark, not asserted here.
      assert.ok(r.scores.performance! > 0, `${r.page} ${r.form}: performance measured`);
      for (const c of ['accessibility', 'best-practices', 'seo']) assert.ok(r.scores[c]! >= 95, `${r.page} ${r.form}: ${c} ${r.scores[c]}`);
    }
  } finally {
    await reader.close();
  }
});
