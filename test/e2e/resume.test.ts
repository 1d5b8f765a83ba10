import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliPath, runCli, tempDir } from '../helpers.js';

/** Every table of the archive, in a stable order: two archives are "the same" when these are equal. */
function dump(data: string): Record<string, unknown[]> {
  const db = new Database(join(data, 'archive.sqlite'), { readonly: true });
  try {
    const tables: Record<string, string> = {
      messages: 'SELECT * FROM messages ORDER BY id',
      addresses: 'SELECT * FROM addresses ORDER BY message, role, position',
      attachments: 'SELECT * FROM attachments ORDER BY message, idx',
      warnings: 'SELECT * FROM warnings ORDER BY message, kind',
      locations: 'SELECT * FROM locations ORDER BY source, locator',
      sources: 'SELECT * FROM sources ORDER BY key',
      source_problems: 'SELECT * FROM source_problems ORDER BY source, locator',
      fts: "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'harbour OR port OR équipe' ORDER BY rowid",
    };
    return Object.fromEntries(Object.entries(tables).map(([name, sql]) => [name, db.prepare(sql).all()]));
  } finally {
    db.close();
  }
}

function blobs(data: string): string[] {
  return (readdirSync(join(data, 'blobs'), { recursive: true }) as string[]).filter((p) => /[0-9a-f]{64}$/.test(p)).sort();
}

type KillAt = { afterCommits: number } | { afterMs: number };

/** Starts an ingest and kills it with SIGKILL at the given point; resolves with how it ended. */
function ingestAndKill(data: string, paths: string[], at: KillAt): Promise<{ signal: NodeJS.Signals | null; commits: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath, '--data', data, 'ingest', '--progress', 'json', '--json', ...paths], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let commits = 0;
    let buffered = '';
    const kill = () => child.kill('SIGKILL');
    if ('afterMs' in at) setTimeout(kill, at.afterMs);
    child.stderr.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{"progress"')) continue;
        commits++;
        if ('afterCommits' in at && commits === at.afterCommits) kill();
      }
    });
    child.on('error', fail);
    child.on('close', (_code, signal) => done({ signal, commits }));
  });
}

test('kill -9 at several points, then the same command again: exactly the state of an uninterrupted run', async () => {
  const root = tempDir();
  const mail = join(root, 'mail');
  const demo = await runCli(['--data', join(root, 'unused'), 'demo', '--out', mail, '--count', '3000', '--seed', '3']);
  assert.equal(demo.code, 0, demo.stderr);
  const paths = [join(mail, 'Maildir'), join(mail, 'harbour-list.mbox'), join(mail, 'archive-2014.mbox.gz')];

  const reference = join(root, 'reference');
  const full = await runCli(['--data', reference, 'ingest', '--progress', 'none', ...paths]);
  assert.equal(full.code, 0, full.stderr);

  const resumed = join(root, 'resumed');
  const schedule: KillAt[] = [{ afterCommits: 1 }, { afterMs: 700 }, { afterCommits: 2 }, { afterMs: 1500 }];
  let killed = 0;
  for (const at of schedule) {
    const run = await ingestAndKill(resumed, paths, at);
    if (run.signal === 'SIGKILL') killed++;
  }
  assert.ok(killed >= 3, `at least three runs were really killed mid-way (${killed})`);
  const partial = dump(resumed).messages!.length;
  assert.ok(partial < 3000, `the killed runs had not finished (${partial} messages)`);

  const last = await runCli(['--data', resumed, 'ingest', '--progress', 'none', ...paths]);
  assert.equal(last.code, 0, last.stderr);
  assert.deepEqual(dump(resumed), dump(reference));
  assert.deepEqual(blobs(resumed), blobs(reference));

  // The full-text index matches its content table exactly (FTS5's own integrity check).
  const db = new Database(join(resumed, 'archive.sqlite'));
  try {
    db.prepare("INSERT INTO messages_fts(messages_fts) VALUES('integrity-check')").run();
  } finally {
    db.close();
  }
});
