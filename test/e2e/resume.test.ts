import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliPath, runCli, tempDir } from '../helpers.js';
import { noPostgresReason } from '../postgresServer.js';
import { sharedPostgres, stopSharedPostgres } from '../stores.js';

after(stopSharedPostgres);

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

/**
 * Every blob a committed row names is there, whole: the bytes hash to the name. Checked after each
 * kill, because blobs are made durable per batch, before the commit that refers to them.
 */
function assertReferencedBlobsWhole(data: string): number {
  const db = new Database(join(data, 'archive.sqlite'), { readonly: true });
  let rows: Array<{ sha256: string }>;
  try {
    rows = db.prepare('SELECT sha256 FROM messages UNION SELECT sha256 FROM attachments').all() as Array<{ sha256: string }>;
  } finally {
    db.close();
  }
  for (const { sha256 } of rows) {
    const bytes = readFileSync(join(data, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sha256, `blob ${sha256} is whole`);
  }
  return rows.length;
}

type KillAt = { afterCommits: number } | { afterMs: number };

/** Starts an ingest and kills it with SIGKILL at the given point; resolves with how it ended. */
function ingestAndKill(data: string[], paths: string[], at: KillAt): Promise<{ signal: NodeJS.Signals | null; commits: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath, ...data, 'ingest', '--progress', 'json', '--json', ...paths], {
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

/** The demo mail and an archive of it made in one uninterrupted run (made once, for both stores). */
let prepared: Promise<{ root: string; paths: string[]; reference: string }> | undefined;
function reference() {
  return (prepared ??= (async () => {
    const root = tempDir();
    const mail = join(root, 'mail');
    const demo = await runCli(['--data', join(root, 'unused'), 'demo', '--out', mail, '--count', '3000', '--seed', '3']);
    assert.equal(demo.code, 0, demo.stderr);
    const paths = [join(mail, 'Maildir'), join(mail, 'harbour-list.mbox'), join(mail, 'archive-2014.mbox.gz')];
    const reference = join(root, 'reference');
    const full = await runCli(['--data', reference, 'ingest', '--progress', 'none', ...paths]);
    assert.equal(full.code, 0, full.stderr);
    return { root, paths, reference };
  })());
}

/** Kills ingests into `data` at several points, then runs the same command to the end. */
async function killThenFinish(data: string[], paths: string[], count: () => Promise<number>, afterKill = () => {}): Promise<void> {
  const schedule: KillAt[] = [{ afterCommits: 1 }, { afterMs: 700 }, { afterCommits: 2 }, { afterMs: 1500 }];
  let killed = 0;
  for (const at of schedule) {
    const run = await ingestAndKill(data, paths, at);
    if (run.signal === 'SIGKILL') killed++;
    afterKill();
  }
  assert.ok(killed >= 3, `at least three runs were really killed mid-way (${killed})`);
  const partial = await count();
  assert.ok(partial < 3000, `the killed runs had not finished (${partial} messages)`);
  const last = await runCli([...data, 'ingest', '--progress', 'none', ...paths]);
  assert.equal(last.code, 0, last.stderr);
}

test('kill -9 at several points, then the same command again: exactly the state of an uninterrupted run', async () => {
  const { root, paths, reference: full } = await reference();
  const resumed = join(root, 'resumed');
  let checked = 0;
  await killThenFinish(
    ['--data', resumed],
    paths,
    async () => dump(resumed).messages!.length,
    () => {
      checked = Math.max(checked, assertReferencedBlobsWhole(resumed));
    },
  );
  assert.ok(checked > 0, 'the killed runs had committed messages whose blobs were checked');
  assert.deepEqual(dump(resumed), dump(full));
  assert.deepEqual(blobs(resumed), blobs(full));

  // The full-text index matches its content table exactly (FTS5's own integrity check).
  const db = new Database(join(resumed, 'archive.sqlite'));
  try {
    db.prepare("INSERT INTO messages_fts(messages_fts) VALUES('integrity-check')").run();
  } finally {
    db.close();
  }
});

test('the same on PostgreSQL: killed ingests resume to exactly the uninterrupted archive', { skip: noPostgresReason }, async () => {
  const { root, paths, reference: full } = await reference();
  const url = await (await sharedPostgres()).createDatabase('resumed');
  const resumed = join(root, 'resumed-pg');
  const count = async () => {
    const result = await runCli(['--data', resumed, '--database', url, 'stats', '--json']);
    return result.code === 0 ? (JSON.parse(result.stdout.toString()) as { messages: number }).messages : 0;
  };
  await killThenFinish(['--data', resumed, '--database', url], paths, count);
  // Copied back to an SQLite file, it must equal the archive SQLite made in one go, row for row.
  const copy = await runCli(['migrate', url, `sqlite://${join(resumed, 'archive.sqlite')}`]);
  assert.equal(copy.code, 0, copy.stderr);
  assert.deepEqual(dump(resumed), dump(full));
  assert.deepEqual(blobs(resumed), blobs(full));
});
