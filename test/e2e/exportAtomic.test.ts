import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, realpathSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Of } from '../../src/publish/manifest.js';
import { cliJson, cliPath, runCli, manifestFiles, tempDir } from '../helpers.js';

/**
 * An export replaces the served copy in one step: while it runs, and after a kill -9 at any moment,
 * the site is a complete copy that matches its own signed manifest (so a mirror syncing then does
 * not refuse); the next run finishes the job.
 */
const dir = tempDir();
const data = join(dir, 'data');
const site = join(dir, 'site');
const cli = (...args: string[]) => ['--data', data, ...args];
let fingerprint = '';

before(async () => {
  assert.equal((await runCli(cli('demo', '--count', '300', '--out', join(dir, 'mail'), '--ingest'))).code, 0);
  fingerprint = (await cliJson<{ fingerprint: string }>(cli('export', site, '--json'))).fingerprint;
  // Part 3 published: the next export changes pages across the site.
  assert.equal((await runCli(cli('release', 'publish', '3'))).code, 0);
});

async function verified(): Promise<number> {
  const run = await runCli(['mirror', 'verify', site, '--key', fingerprint, '--json']);
  const report = JSON.parse(run.stdout.toString()) as { ok: boolean; sequence: number; missing: string[]; altered: string[]; extra: string[] };
  assert.equal(run.code, 0, `the served copy matches its manifest: ${JSON.stringify(report).slice(0, 400)}`);
  return report.sequence;
}

/** One served copy, read as a web server does after resolving the link once: its own manifest and files agree. */
function consistent(): boolean {
  const root = realpathSync(site);
  // A sample each time (the whole copy is checked by verify after each run).
  const files = [...manifestFiles(root)];
  for (const [path, sha256] of files.filter((_, i) => i % 37 === 0)) if (sha256Of(readFileSync(join(root, path))) !== sha256) return false;
  return true;
}

test('kill -9 during an export leaves the previous copy served and verifiable; the next run completes', async () => {
  assert.ok(lstatSync(site).isSymbolicLink(), 'the site is a link to a complete copy');
  assert.equal(await verified(), 1);
  let interrupted = 0;
  const staging = join(dir, '.site.snapshots', 'staging');
  // Killed at points of its progress, not after fixed times (a loaded machine is slower): when the
  // new copy has its first email page, its 100th, its 200th, its search index, its home page.
  for (const point of ['emails/1/index.html', 'emails/100/index.html', 'emails/200/index.html', 'search/b', 'index.html']) {
    rmSync(staging, { recursive: true, force: true }); // what the export itself does first: the point is then this run's
    const child = spawn(process.execPath, [cliPath, ...cli('export', site, '--json')], { stdio: 'ignore' });
    let running = true;
    const closed = new Promise<NodeJS.Signals | null>((done) => child.once('close', (_code, signal) => ((running = false), done(signal))));
    while (running && !existsSync(join(staging, point))) await new Promise((done) => setTimeout(done, 2));
    child.kill('SIGKILL');
    if ((await closed) === 'SIGKILL') interrupted++;
    assert.ok((await verified()) >= 1);
  }
  assert.ok(interrupted >= 4, `${interrupted} runs were killed halfway`);
  const finished = await cliJson<{ sequence: number }>(cli('export', site, '--json'));
  assert.equal(finished.sequence, 2);
  assert.equal(await verified(), 2);
  assert.ok(!existsSync(join(dir, '.site.snapshots', 'staging')), 'nothing half-made is left');
  // The copy replaced is kept for readers still in it; no older one piles up.
  assert.ok(readdirSync(join(dir, '.site.snapshots')).length <= 2);
});

test('while an export runs, every look at the site sees one whole copy', async () => {
  assert.equal((await runCli(cli('release', 'amend', '--withdraw', '3', '--reason', 'A test of the switch'))).code, 0);
  const child = spawn(process.execPath, [cliPath, ...cli('export', site, '--json')], { stdio: 'ignore' });
  const ended = new Promise<number | null>((done) => child.once('close', done));
  let looks = 0;
  let running = true;
  void ended.then(() => (running = false));
  while (running) {
    assert.ok(consistent(), 'a copy whose files match its manifest');
    looks++;
    await new Promise((done) => setTimeout(done, 10));
  }
  assert.equal(await ended, 0);
  assert.ok(looks > 5, `${looks} looks during the export`);
  assert.equal(await verified(), 3);
});
