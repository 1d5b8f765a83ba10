import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliJson, cliPath, corpusDir, noCorpusReason, runCli, tempDir } from '../helpers.js';
import { sha256Hex } from '../../src/mail/contentHash.js';
import type { IngestSummary } from '../../src/pipeline/ingest.js';
import type { StoredMessage } from '../../src/store/archiveStore.js';
import { startWebReader } from '../webServer.js';

/** A small message with a word to find it by. */
function eml(n: number, word = 'quetzal'): Buffer {
  return Buffer.from(
    `From: sender${n}@example.org\r\nTo: desk@example.org\r\nSubject: leak item ${n}\r\nMessage-ID: <leak${n}@example.org>\r\nDate: Mon, 1 Jan 2018 10:00:00 +0000\r\n\r\nitem ${n} ${word}\r\n`,
  );
}

/** The problems an archive's ingest listed, by locator. */
function problems(data: string): Record<string, string> {
  const db = new Database(join(data, 'archive.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT locator, kind FROM source_problems ORDER BY locator').all() as Array<{ locator: string; kind: string }>;
    return Object.fromEntries(rows.map((r) => [r.locator, r.kind]));
  } finally {
    db.close();
  }
}

function locations(data: string): Array<{ locator: string; folder: string; sha256: string }> {
  const db = new Database(join(data, 'archive.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT l.locator, l.folder, m.sha256 FROM locations l JOIN messages m ON m.id = l.message ORDER BY l.source, l.locator').all() as Array<{
      locator: string;
      folder: string;
      sha256: string;
    }>;
  } finally {
    db.close();
  }
}

test('Apple Mail: .emlx files keep their message bytes exactly, in the mailbox their .mbox folder names', async () => {
  const root = tempDir();
  const inbox = join(root, 'Mail', 'V10', 'ACCOUNT', 'INBOX.mbox', 'UUID', 'Data', 'Messages');
  const nested = join(root, 'Mail', 'V10', 'ACCOUNT', 'Archive.mbox', '2018.mbox', 'UUID', 'Data', 'Messages');
  mkdirSync(inbox, { recursive: true });
  mkdirSync(nested, { recursive: true });
  const plist = '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>flags</key><integer>8590195713</integer></dict></plist>\n';
  const one = eml(1);
  const two = eml(2);
  writeFileSync(join(inbox, '1.emlx'), Buffer.concat([Buffer.from(`${one.length}\n`), one, Buffer.from(plist)]));
  // A wrong length line: the message is still taken whole, up to the property list, and the fault is listed.
  writeFileSync(join(nested, '2.partial.emlx'), Buffer.concat([Buffer.from('12\n'), two, Buffer.from(plist)]));
  writeFileSync(join(root, 'Mail', 'V10', 'ACCOUNT', 'INBOX.mbox', 'Info.plist'), plist);
  const data = join(root, 'data');
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', join(root, 'Mail')]);
  assert.equal(summary.added, 2);
  assert.deepEqual(summary.skippedFiles, [], "Apple Mail's own files are not reported as mail left aside");
  assert.deepEqual(summary.problems, { 'emlx-length-wrong': 1 });
  const found = locations(data);
  assert.deepEqual(
    found.map((l) => [l.folder, l.sha256]),
    [
      ['Archive/2018', sha256Hex(two)],
      ['INBOX', sha256Hex(one)],
    ],
  );
  const raw = await runCli(['--data', data, 'show', '1', '--raw']);
  assert.ok([sha256Hex(one), sha256Hex(two)].includes(sha256Hex(raw.stdout)), 'the raw message is the message inside the .emlx, byte for byte');
});

test("Aleph's plaintext.emlx: subject and body as Aleph's own test expects", { skip: noCorpusReason }, async () => {
  const data = join(tempDir(), 'data');
  const file = join(corpusDir, 'peer-fixtures', 'aleph-ingest-file', 'plaintext.emlx');
  assert.equal((await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', file])).added, 1);
  const message = await cliJson<StoredMessage>(['--data', data, 'show', '1', '--json']);
  assert.equal(message.subject, 'Re: Emlx library');
  assert.match(message.text ?? '', /Python/);
  const bytes = readFileSync(file);
  const start = bytes.indexOf(0x0a) + 1;
  assert.equal(message.sha256, sha256Hex(bytes.subarray(start, start + Number(bytes.subarray(0, start).toString().trim()))));
});

test('zip, tar and tar.gz: every message inside is read (mbox, Maildir and archives inside archives too), the rest listed', async () => {
  const root = tempDir();
  const src = join(root, 'src');
  mkdirSync(join(src, 'Maildir', 'cur'), { recursive: true });
  mkdirSync(join(src, 'Maildir', 'new'), { recursive: true });
  for (const n of [1, 2, 3, 4]) writeFileSync(join(src, `m${n}.eml`), eml(n));
  writeFileSync(join(src, 'Maildir', 'cur', '1514800000.1.host:2,S'), eml(5));
  const envelope = 'From a@example.org Mon Jan  1 10:00:00 2018\n';
  writeFileSync(join(src, 'list.mbox'), Buffer.concat([Buffer.from(envelope), eml(6), Buffer.from(`\n${envelope}`), eml(7)]));
  const second = `list.mbox@${envelope.length + eml(6).length + 1}`;
  writeFileSync(join(src, 'notes.pdf'), '%PDF-1.4 not mail\n');
  const zip = (out: string, ...names: string[]) => execFileSync('zip', ['-q', '-r', out, ...names], { cwd: src });
  zip('inner.zip', 'm4.eml');
  zip('middle.zip', 'inner.zip');
  const inbox = join(root, 'in');
  mkdirSync(inbox);
  zip(join(inbox, 'export.zip'), 'm1.eml', 'list.mbox', 'Maildir', 'notes.pdf', 'middle.zip');
  execFileSync('tar', ['cf', join(inbox, 'b.tar'), 'm2.eml'], { cwd: src });
  execFileSync('tar', ['czf', join(inbox, 'c.tar.gz'), 'm3.eml', 'm1.eml'], { cwd: src });

  const data = join(root, 'data');
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', inbox]);
  assert.equal(summary.sources, 3);
  assert.equal(summary.added, 7, 'seven distinct messages');
  assert.equal(summary.duplicates, 1, 'm1.eml is in the zip and in the tar.gz: one message, two places');
  assert.deepEqual(problems(data), { 'notes.pdf': 'not-mail' });
  const byLocator = Object.fromEntries(locations(data).map((l) => [l.locator, l]));
  assert.deepEqual(Object.keys(byLocator).sort(), [
    'Maildir/cur/1514800000.1.host:2,S',
    'list.mbox@0',
    second,
    'm1.eml',
    'm2.eml',
    'm3.eml',
    'middle.zip!/inner.zip!/m4.eml',
  ]);
  assert.equal(byLocator['middle.zip!/inner.zip!/m4.eml']!.sha256, sha256Hex(eml(4)), 'two archives deep, byte for byte');
  assert.equal(byLocator['Maildir/cur/1514800000.1.host:2,S']!.folder, 'export/Maildir');
  assert.equal(byLocator['m2.eml']!.folder, 'b');
  assert.equal(byLocator[second]!.sha256, sha256Hex(eml(7)));
  const search = await cliJson<{ total: number }>(['--data', data, 'search', '--json', 'quetzal']);
  assert.equal(search.total, 7);

  // The same command again changes nothing.
  const again = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', inbox]);
  assert.equal(again.added, 0);
  assert.equal(again.unchangedSources, 3);
});

test('hostile archives: climbing paths, links, encrypted entries and deep nesting are refused and listed; nothing is written', async () => {
  const root = tempDir();
  const work = join(root, 'work', 'deep', 'er');
  mkdirSync(work, { recursive: true });
  writeFileSync(join(root, 'work', 'evil.eml'), eml(1));
  writeFileSync(join(work, 'ok.eml'), eml(2));
  writeFileSync(join(work, 'secret.eml'), eml(3));
  symlinkSync('/etc/passwd', join(work, 'link.eml'));
  const inbox = join(root, 'in');
  mkdirSync(inbox);
  // zip keeps "../../evil.eml" as written; -y stores the link as a link.
  execFileSync('zip', ['-q', '-y', join(inbox, 'a.zip'), '../../evil.eml', 'ok.eml', 'link.eml'], { cwd: work });
  execFileSync('zip', ['-q', '-P', 'hunter2', join(inbox, 'b.zip'), 'secret.eml'], { cwd: work });
  let nested = 'ok.eml';
  for (const level of [1, 2, 3, 4]) {
    execFileSync('zip', ['-q', `level${level}.zip`, nested], { cwd: work });
    nested = `level${level}.zip`;
  }
  execFileSync('cp', [join(work, nested), join(inbox, 'c.zip')]);
  execFileSync('tar', ['cf', join(inbox, 'd.tar'), '-P', '--transform=s,^,../,', 'ok.eml', 'link.eml'], { cwd: work });

  const data = join(root, 'data');
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', inbox]);
  assert.equal(summary.added, 1, 'only ok.eml, once');
  assert.deepEqual(problems(data), {
    '../../evil.eml': 'archive-entry-refused',
    '../link.eml': 'archive-entry-refused',
    '../ok.eml': 'archive-entry-refused',
    'level3.zip!/level2.zip!/level1.zip': 'archive-too-deep',
    'link.eml': 'archive-entry-refused',
    'secret.eml': 'archive-entry-encrypted',
  });
  // Entries are read in memory, never written: nothing appeared beside or above the archives.
  assert.deepEqual(readdirSync(inbox).sort(), ['a.zip', 'b.zip', 'c.zip', 'd.tar']);
  assert.ok(!existsSync(join(root, 'evil.eml')));
});

test("Aleph's zip-slip archives: the climbing entry is refused and listed, never written", { skip: noCorpusReason }, async () => {
  const data = join(tempDir(), 'data');
  const dir = join(corpusDir, 'peer-fixtures', 'aleph-ingest-file');
  const files = ['badzip.zip', 'badtar.tar', 'bad7zip.7z', '7z_password.7z'].map((name) => join(dir, name));
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', ...files]);
  assert.equal(summary.added, 0);
  assert.deepEqual(summary.problems, { 'archive-entry-refused': 3, 'archive-entry-encrypted': 1 });
});

test('a killed ingest of a zip resumes where it stopped: the same archive as one uninterrupted run', async () => {
  const root = tempDir();
  const src = join(root, 'src');
  mkdirSync(src);
  for (let n = 1; n <= 2500; n++) writeFileSync(join(src, `${String(n).padStart(5, '0')}.eml`), eml(n, `word${n % 7}`));
  const zipFile = join(root, 'mail.zip');
  execFileSync('zip', ['-q', '-r', zipFile, '.'], { cwd: src });
  const reference = join(root, 'reference');
  assert.equal((await runCli(['--data', reference, 'ingest', '--progress', 'none', zipFile])).code, 0);

  const resumed = join(root, 'resumed');
  const killed = await new Promise<NodeJS.Signals | null>((done) => {
    const child = spawn(process.execPath, [cliPath, '--data', resumed, 'ingest', '--progress', 'json', zipFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let commits = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      commits += chunk
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('{"progress"')).length;
      if (commits >= 2) child.kill('SIGKILL');
    });
    child.on('close', (_code, signal) => done(signal));
  });
  assert.equal(killed, 'SIGKILL');
  const partial = locations(resumed).length;
  assert.ok(partial > 0 && partial < 2500, `killed part way (${partial} messages)`);
  const last = await cliJson<IngestSummary>(['--data', resumed, 'ingest', '--json', '--progress', 'none', zipFile]);
  // Read from where it stopped: nothing committed before is read again (a restart from the top would find it known).
  assert.equal(last.known, 0);
  assert.equal(last.added, 2500 - partial);
  assert.deepEqual(locations(resumed), locations(reference));
});

test(
  'Outlook .msg: all 34 real items kept and searchable, each labelled a conversion with its original attached byte for byte',
  { skip: noCorpusReason },
  async () => {
    const root = tempDir();
    const msgDir = join(corpusDir, 'outlook', 'msg');
    const data = join(root, 'data');
    const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', msgDir]);
    const files = readdirSync(msgDir).filter((name) => name.endsWith('.msg'));
    assert.equal(summary.added, files.length, 'every item is a message: appointments, contacts and notes too');
    assert.equal((summary.warnings as Record<string, number>)['converted-from-outlook'], files.length);
    const byName = new Map<string, StoredMessage>();
    for (let id = 1; id <= files.length; id++) {
      const message = await cliJson<StoredMessage>(['--data', data, 'show', String(id), '--json']);
      byName.set(message.locations[0]!.locator, message);
    }
    for (const name of files) {
      const message = byName.get(name)!;
      const original = message.attachments.find((a) => a.filename === 'original.msg');
      assert.equal(original?.sha256, sha256Hex(readFileSync(join(msgDir, name))), `${name}: the original item is kept, byte for byte`);
      assert.ok(
        message.warnings.some((w) => w.kind === 'converted-from-outlook'),
        `${name}: labelled as a conversion`,
      );
      assert.equal(message.verification?.verdict, 'not-checkable', `${name}: its verdict says it cannot be checked, not "no signature"`);
    }
    // Search and the figures say so too, and checking again changes nothing.
    const stats = await cliJson<{ dkim: Record<string, number> }>(['--data', data, 'stats', '--json']);
    assert.deepEqual(stats.dkim, { 'not-checkable': files.length });
    assert.equal((await cliJson<{ total: number }>(['--data', data, 'search', '--json', 'dkim:not-checkable'])).total, files.length);
    assert.equal((await cliJson<{ total: number }>(['--data', data, 'search', '--json', 'dkim:none'])).total, 0, 'not "no signature"');
    assert.equal((await runCli(['--data', data, 'verify', '--all'])).code, 0);
    assert.deepEqual((await cliJson<{ dkim: Record<string, number> }>(['--data', data, 'stats', '--json'])).dkim, { 'not-checkable': files.length });
    // Its page says the DKIM verdict cannot be had from a rendering.
    const reader = await startWebReader(data, { audience: 'publisher', collection: 'Outlook' });
    try {
      const page = await (await fetch(`${reader.origin}/emails/1`)).text();
      assert.match(page, /Not checkable: converted from Outlook/);
    } finally {
      await reader.close();
    }
    // What msgreader's own tests expect of these files, restated.
    assert.match(byName.get('Hello +CJK.msg')!.text ?? '', /こんにちは/);
    assert.match(byName.get('Hello +CJK.msg')!.text ?? '', /안녕하세요/);
    assert.equal(byName.get('nonUnicodeCP932.msg')!.subject, '日本語 Non Unicode タイトル', 'CP932 text read in its code page');
    assert.equal(byName.get('200 recipients.msg')!.to.length, 200);
    const msgInMsg = byName.get('msgInMsg.msg')!;
    assert.ok(
      msgInMsg.attachments.some((a) => a.contentType === 'message/rfc822'),
      'the message inside is a message/rfc822 part',
    );
    assert.ok(msgInMsg.attachments.some((a) => a.filename === 'green.png'));
    assert.ok(
      byName.get('Appointment sample EST.msg')!.warnings.some((w) => /IPM\.Appointment \(not mail/.test(w.detail)),
      'an appointment is kept, labelled as not mail',
    );
    const found = await cliJson<{ total: number }>(['--data', data, 'search', '--json', 'タイトル']);
    assert.equal(found.total, 1);
    // The formatted body most items keep only as compressed RTF around HTML is their HTML version.
    const withHtml = files.filter((name) => (byName.get(name)!.html ?? '') !== '');
    // 15 wrap HTML in their RTF, 1 has an HTML body of its own (the only one before).
    assert.equal(withHtml.length, 16, `items with an HTML version: ${withHtml.join(', ')}`);
    assert.match(byName.get('htmlLink2.msg')!.html!, /<a [^>]*href="https:\/\/google\.com\/"/, 'the link the sender wrote');
    assert.match(byName.get('nonUnicodeCP932.msg')!.html!.replace(/<[^>]+>/g, ' '), /日本語\s+Non\s+Unicode\s+本文/, 'the RTF code page decoded');
    assert.match(byName.get('Hello +CJK.msg')!.html!, /こんにちは[\s\S]*안녕하세요/);
    assert.equal(byName.get('A memo.msg')!.html ?? null, null, 'RTF that wraps no HTML stays text only');

    // The rendering is deterministic: the same items from another place are the same messages.
    const copy = join(root, 'copy');
    mkdirSync(copy);
    for (const name of files) writeFileSync(join(copy, name), readFileSync(join(msgDir, name)));
    const again = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', copy]);
    assert.equal(again.added, 0);
    assert.equal(again.duplicates, files.length);
  },
);

test('an Outlook .msg in a zip is read like one on disk; a damaged one is stored as it came, with the reason', async () => {
  const root = tempDir();
  const src = join(root, 'src');
  mkdirSync(src);
  const damaged = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600, 7)]);
  writeFileSync(join(src, 'damaged.msg'), damaged);
  execFileSync('zip', ['-q', join(root, 'items.zip'), 'damaged.msg'], { cwd: src });
  const data = join(root, 'data');
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', join(src, 'damaged.msg'), join(root, 'items.zip')]);
  assert.equal(summary.added, 1, 'stored once');
  assert.equal(summary.duplicates, 1, 'and found again in the zip');
  const message = await cliJson<StoredMessage>(['--data', data, 'show', '1', '--json']);
  assert.equal(message.sha256, sha256Hex(damaged), 'the damaged item, byte for byte');
  assert.ok(message.warnings.some((w) => w.kind === 'converted-from-outlook' && /could not be read/.test(w.detail)));
});

test("Aleph's fnf.msg (RFC 822 text under a .msg name): read as the mail it is, its words as Aleph expects", { skip: noCorpusReason }, async () => {
  const data = join(tempDir(), 'data');
  const file = join(corpusDir, 'peer-fixtures', 'aleph-ingest-file', 'fnf.msg');
  assert.equal((await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', file])).added, 1);
  for (const word of ['Innovationskongress', 'freiheit.org']) {
    assert.equal((await cliJson<{ total: number }>(['--data', data, 'search', '--json', `"${word}"`])).total, 1, word);
  }
  const message = await cliJson<StoredMessage>(['--data', data, 'show', '1', '--json']);
  assert.equal(message.sha256, sha256Hex(readFileSync(file)), 'its own bytes, not a conversion');
});

test(
  'Outlook .pst: every folder and item, each a labelled conversion in its folder; the same store again adds nothing; a truncated one stops cleanly',
  { skip: noCorpusReason },
  async () => {
    const root = tempDir();
    const aleph = join(corpusDir, 'peer-fixtures', 'aleph-ingest-file', 'testPST.pst');
    const libpst = join(corpusDir, 'outlook', 'pst');
    const data = join(root, 'data');
    const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', aleph, libpst]);
    assert.equal(summary.sources, 3);
    assert.equal((summary.warnings as Record<string, number>)['converted-from-outlook'], summary.added, 'every item labelled a conversion');
    const messages: StoredMessage[] = [];
    for (let id = 1; id <= summary.added; id++) messages.push(await cliJson<StoredMessage>(['--data', data, 'show', String(id), '--json']));
    const mails = messages.filter((m) => m.locations[0]!.sourceKey === aleph);
    assert.equal(mails.length, 6, 'the six mails readpst -D finds in testPST.pst');
    assert.deepEqual(
      messages.filter((m) => m.verification?.verdict !== 'not-checkable').map((m) => m.subject),
      [],
      'every item: not checkable (Outlook kept its headers, not the message as sent)',
    );
    assert.ok(
      mails.every((m) => m.folder === 'Début du fichier de données Outlook'),
      'the folder path, French names kept',
    );
    const first = mails.find((m) => m.subject === 'Re: Feature Generators')!;
    assert.equal(first.from?.address, 'kottmann@gmail.com');
    assert.equal(first.messageId, '530D9CAC.5080901@gmail.com');
    assert.ok(
      first.attachments.some((a) => a.contentType === 'text/rfc822-headers'),
      'the Internet headers Outlook kept ride along',
    );
    const others = messages.filter((m) => m.locations[0]!.sourceKey !== aleph);
    assert.ok(
      others.some((m) => m.warnings.some((w) => /IPM\.Contact \(not mail/.test(w.detail))),
      'contacts of the java-libpst stores are kept, labelled as not mail',
    );
    assert.ok(others.some((m) => m.warnings.some((w) => /IPM\.Appointment/.test(w.detail))));
    const found = await cliJson<{ hits: Array<{ message: { id: number } }> }>(['--data', data, 'search', '--json', 'PreviousMapFeatureGenerator']);
    assert.ok(
      found.hits.some((h) => h.message.id === first.id),
      'the body is searchable',
    );

    // Deterministic: the same store under another name is the same messages.
    const copy = join(root, 'copy.pst');
    writeFileSync(copy, readFileSync(aleph));
    const again = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', copy]);
    assert.deepEqual([again.added, again.duplicates], [0, 6]);

    // Inside a zip, the same store is the same messages, located inside the zip.
    execFileSync('zip', ['-q', '-j', join(root, 'stores.zip'), aleph]);
    const zipped = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', join(root, 'stores.zip')]);
    assert.deepEqual([zipped.added, zipped.duplicates], [0, 6]);

    // A truncated store: whatever can be read is, and the ingest ends normally.
    const cut = join(root, 'cut.pst');
    writeFileSync(cut, readFileSync(aleph).subarray(0, 40_000));
    const truncated = await runCli(['--data', data, 'ingest', '--json', '--progress', 'none', cut]);
    assert.equal(truncated.code, 0, truncated.stderr);
  },
);

test('7z archives (read with 7-Zip, entry by entry, never extracted to disk), inside zips too; encrypted entries refused', async () => {
  const root = tempDir();
  const src = join(root, 'src');
  mkdirSync(src);
  for (const n of [1, 2]) writeFileSync(join(src, `m${n}.eml`), eml(n, 'okapi'));
  const inbox = join(root, 'in');
  mkdirSync(inbox);
  execFileSync('7zz', ['a', '-bd', '-bso0', join(inbox, 'mail.7z'), 'm1.eml', 'm2.eml'], { cwd: src });
  execFileSync('7zz', ['a', '-bd', '-bso0', '-phunter2', join(inbox, 'locked.7z'), 'm1.eml'], { cwd: src });
  execFileSync('7zz', ['a', '-bd', '-bso0', join(src, 'inner.7z'), 'm2.eml'], { cwd: src });
  execFileSync('zip', ['-q', join(inbox, 'wrap.zip'), 'inner.7z'], { cwd: src });
  const data = join(root, 'data');
  const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', '--json', '--progress', 'none', inbox]);
  assert.equal(summary.added, 2);
  assert.equal(summary.duplicates, 1, 'm2.eml again, inside the 7z inside the zip');
  assert.deepEqual(problems(data), { 'm1.eml': 'archive-entry-encrypted' });
  const byLocator = Object.fromEntries(locations(data).map((l) => [l.locator, l]));
  assert.equal(byLocator['inner.7z!/m2.eml']!.sha256, sha256Hex(eml(2, 'okapi')));
  assert.equal(byLocator['inner.7z!/m2.eml']!.folder, 'wrap/inner');
  assert.equal((await cliJson<{ total: number }>(['--data', data, 'search', '--json', 'okapi'])).total, 2);
});

test('RAR archives are read entry by entry with unar; an entry that climbs out of the archive is refused', { skip: noCorpusReason }, async () => {
  const fixtures = join(corpusDir, 'peer-fixtures', 'aleph-ingest-file');
  const summary = await cliJson<IngestSummary>([
    '--data',
    join(tempDir(), 'data'),
    'ingest',
    '--json',
    '--no-extract',
    join(fixtures, 'test-documents.rar'),
    join(fixtures, 'badrar.rar'),
  ]);
  const problems = summary.problems;
  assert.equal(problems['not-mail'], 16, 'every document in the RAR was read and found not to be mail');
  assert.equal(problems['archive-entry-refused'], 1, 'the zip-slip entry of badrar.rar is refused');
});
