import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { cliJson, corpusDir, missingUnless, noCorpusReason, runCli, tempDir } from '../helpers.js';
import { STORES, stopSharedPostgres, storeArgs, type StoreKind } from '../stores.js';

/**
 * Attachment text, end to end through the CLI: documents attached to mail are read after ingest
 * (PDF text layers, Office files, text in any charset, images by OCR), found by free words and by
 * doc:, quoted in snippets that name the file, and each distinct attachment has a page listing every
 * email it is in. On the real test inputs of OCCRP Aleph's ingestor (../shared), every row of its
 * expectations that Epistola reads is checked, and encrypted files are reported as encrypted.
 */

interface Search {
  total: number;
  hits: Array<{ message: { id: number; subject: string }; snippet: Array<{ text: string; hit: boolean }> }>;
}

const noOcr = missingUnless('command -v tesseract && command -v pdftoppm', 'no tesseract/pdftoppm (scripts/system-deps.sh installs them)');

/** A one-page PDF whose text layer says `text` (the demo writes the same kind). */
function pdf(text: string, size = 12): Buffer {
  const body = `BT /F1 ${size} Tf 40 700 Td (${text}) Tj ET`;
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n` +
      `4 0 obj<</Length ${body.length}>>stream\n${body}\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

async function mail(dir: string, name: string, subject: string, attachments: Array<{ filename: string; content: Buffer }>): Promise<void> {
  const composer = new MailComposer({
    from: 'Ana <ana@example.org>',
    to: 'Ben <ben@example.net>',
    subject,
    text: `Please see the attached file for ${subject.toLowerCase()}.`,
    date: new Date('2021-03-04T10:00:00Z'),
    messageId: `<${name}@example.org>`,
    attachments,
  });
  writeFileSync(join(dir, `${name}.eml`), await composer.compile().build());
}

after(async () => {
  await stopSharedPostgres();
});

for (const { kind, skip } of STORES) {
  describe(`attachment text on ${kind}`, { skip }, () => {
    test('a PDF and a spreadsheet attached to mail are searchable by their text, with a snippet naming the file; the same PDF in two emails is one attachment', async () => {
      const root = tempDir();
      const mailDir = join(root, 'mail');
      mkdirSync(mailDir);
      const report = pdf('Harbour dredging ledger for Quillmarsh Basin');
      await mail(mailDir, 'one', 'Dredging report', [{ filename: 'ledger.pdf', content: report }]);
      await mail(mailDir, 'two', 'Forwarded report', [{ filename: 'ledger-copy.pdf', content: report }]);
      await mail(mailDir, 'three', 'Figures', [{ filename: 'figures.csv', content: Buffer.from('name;amount\nZephyrine Okonkwo;1200\n', 'latin1') }]);
      const args = ['--data', join(root, 'data'), ...(await storeArgs(kind as StoreKind))];
      const ingest = await cliJson<{ extraction: { documents: number; byStatus: Record<string, number> } }>([...args, 'ingest', '--json', mailDir]);
      assert.equal(ingest.extraction.documents, 2, 'the PDF is read once for both emails');
      assert.equal(ingest.extraction.byStatus.ok, 2);
      const found = await cliJson<Search>([...args, 'search', '--json', 'Quillmarsh']);
      assert.deepEqual(found.hits.map((h) => h.message.subject).sort(), ['Dredging report', 'Forwarded report']);
      assert.match(found.hits[0]!.snippet.map((p) => p.text).join(''), /^in ledger(-copy)?\.pdf: .*Quillmarsh/);
      assert.equal((await cliJson<Search>([...args, 'search', '--json', 'doc:"Zephyrine Okonkwo"'])).total, 1);
      assert.equal(
        (await cliJson<Search>([...args, 'search', '--json', 'subject:Quillmarsh'])).total,
        0,
        'a field other than doc:/body: does not reach attachment text',
      );
      assert.equal((await cliJson<Search>([...args, 'search', '--json', 'body:Quillmarsh'])).total, 2);
      // A second run has nothing left to read; --retry takes only failures.
      const again = await cliJson<{ documents: number }>([...args, 'extract', '--json']);
      assert.equal(again.documents, 0);
      // The attachment's own page: its text and both emails, on the live site and in the static edition.
      const site = join(root, 'site');
      assert.equal((await runCli([...args, 'release', 'create', '--title', 'All', '--all-remaining'])).code, 0);
      assert.equal((await runCli([...args, 'release', 'publish', '1'])).code, 0);
      assert.equal((await runCli([...args, 'export', site])).code, 0);
      const pages = readdirSync(join(site, 'attachments')).filter((n) => /^[0-9a-f]{64}$/.test(n));
      assert.equal(pages.length, 2, 'one page per distinct attachment (the PDF once, the CSV)');
      const pdfPage = pages.map((p) => readFileSync(join(site, 'attachments', p, 'index.html'), 'utf8')).find((html) => html.includes('Quillmarsh'))!;
      assert.match(pdfPage, /Appears in 2 emails/);
      assert.match(readFileSync(join(site, 'attachments', 'index.html'), 'utf8'), /2 distinct attachments/);
    });
  });
}

test('an image attachment is read by OCR (tesseract), and its text is searchable', { skip: noOcr, timeout: 120_000 }, async () => {
  const root = tempDir();
  const mailDir = join(root, 'mail');
  mkdirSync(mailDir);
  // The project renders its own scan: a PDF page in a large font, rasterized by pdftoppm.
  writeFileSync(join(root, 'page.pdf'), pdf('INVOICE PELICAN 4471', 40));
  execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', join(root, 'page.pdf'), join(root, 'scan')]);
  await mail(mailDir, 'scan', 'Scanned invoice', [{ filename: 'scan.png', content: readFileSync(join(root, 'scan.png')) }]);
  const args = ['--data', join(root, 'data')];
  const ingest = await cliJson<{ extraction: { ocrPages: number; byStatus: Record<string, number> } }>([...args, 'ingest', '--json', mailDir]);
  assert.equal(ingest.extraction.ocrPages, 1);
  assert.equal(ingest.extraction.byStatus.ok, 1);
  assert.equal((await cliJson<Search>([...args, 'search', '--json', 'doc:pelican'])).total, 1);
});

test(
  "corpus: the real test inputs of Aleph's ingestor are read as its tests expect; encrypted ones are reported as such",
  { skip: noCorpusReason, timeout: 300_000 },
  async () => {
    const fixtures = join(corpusDir, 'peer-fixtures', 'aleph-ingest-file');
    const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as {
      text_contains: Record<string, string[]>;
      must_fail_cleanly: Record<string, string>;
      ocr_needed: string[];
    };
    const root = tempDir();
    const mailDir = join(root, 'mail');
    mkdirSync(mailDir);
    // Each document attached to a message of its own (an .eml is attached as a message: its text is the body's).
    const files = [...new Set([...Object.keys(expected.text_contains), ...Object.keys(expected.must_fail_cleanly).filter((f) => !f.endsWith('.7z'))])];
    for (const [i, file] of files.entries()) await mail(mailDir, `doc${i}`, `Document ${i}`, [{ filename: file, content: readFileSync(join(fixtures, file)) }]);
    const args = ['--data', join(root, 'data')];
    const ingest = await cliJson<{ extraction: { documents: number; byStatus: Record<string, number>; ocrPages: number } }>([
      ...args,
      'ingest',
      '--json',
      ...(noOcr ? ['--no-ocr'] : []),
      mailDir,
    ]);
    const missed: string[] = [];
    let checked = 0;
    for (const [file, phrases] of Object.entries(expected.text_contains)) {
      if (noOcr && expected.ocr_needed.includes(file)) continue;
      const i = files.indexOf(file);
      for (const phrase of phrases) {
        checked++;
        const words = phrase.replace(/[^\p{L}\p{N}\s]/gu, ' ').trim();
        const hits = await cliJson<Search>([...args, 'search', '--json', '--limit', '100', `"${words}"`]);
        if (!hits.hits.some((h) => h.message.subject === `Document ${i}`)) missed.push(`${file}: ${phrase}`);
      }
    }
    assert.deepEqual(missed, [], `every phrase Aleph's tests expect is found (${checked} checked)`);
    const data = join(root, 'data', 'archive.sqlite');
    const statuses = execFileSync(process.execPath, [
      '-e',
      `const D=require('better-sqlite3');const db=new D(${JSON.stringify(data)},{readonly:true});` +
        `console.log(JSON.stringify(db.prepare("SELECT a.filename, t.status, t.detail FROM attachment_texts t JOIN attachments a ON a.sha256 = t.sha256").all()))`,
    ]).toString();
    const byFile = new Map((JSON.parse(statuses) as Array<{ filename: string; status: string }>).map((r) => [r.filename, r.status]));
    for (const [file, why] of Object.entries(expected.must_fail_cleanly)) {
      if (file.endsWith('.7z')) continue;
      assert.equal(byFile.get(file), why.startsWith('0 bytes') ? 'empty' : 'encrypted', `${file}: ${why}`);
    }
    process.stdout.write(
      `# aleph fixtures: ${checked} expected phrases found; ${ingest.extraction.documents} documents, ${ingest.extraction.ocrPages} pages by OCR\n`,
    );
  },
);

test('a killed extraction resumes: what was saved stays, the rest is read by the next run, nothing twice', { timeout: 120_000 }, async () => {
  const root = tempDir();
  const mailDir = join(root, 'mail');
  mkdirSync(mailDir);
  // 120 distinct PDFs: more than two batches of the stage (50).
  for (let i = 0; i < 120; i++) await mail(mailDir, `m${i}`, `Report ${i}`, [{ filename: `r${i}.pdf`, content: pdf(`Tidal survey number ${i} Vardoger`) }]);
  const args = ['--data', join(root, 'data')];
  assert.equal((await runCli([...args, 'ingest', '--no-extract', mailDir])).code, 0);
  const { spawn } = await import('node:child_process');
  const { cliPath } = await import('../helpers.js');
  const child = spawn(process.execPath, [cliPath, ...args, 'extract', '--progress', 'json', '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve) => {
    let seen = '';
    child.stderr.on('data', (c: Buffer) => {
      seen += c.toString();
      const done = [...seen.matchAll(/"done":(\d+)/g)].map((m) => Number(m[1])).at(-1) ?? 0;
      if (done >= 60 && child.exitCode === null) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => resolve());
  });
  const second = await cliJson<{ documents: number; byStatus: Record<string, number> }>([...args, 'extract', '--json']);
  assert.ok(second.documents > 0 && second.documents <= 70, `the second run reads only what the first did not save (${second.documents})`);
  const third = await cliJson<{ documents: number }>([...args, 'extract', '--json']);
  assert.equal(third.documents, 0, 'then nothing is left');
  assert.equal((await cliJson<Search>([...args, 'search', '--json', '--limit', '200', 'Vardoger'])).total, 120, 'every document is searchable once');
});

test('without poppler and tesseract installed, PDFs are still read (PDF.js) and the summary says OCR was not done', async () => {
  const root = tempDir();
  const mailDir = join(root, 'mail');
  mkdirSync(mailDir);
  await mail(mailDir, 'plain', 'Plain PDF', [{ filename: 'notes.pdf', content: pdf('Marram grass survey Yellowhammer') }]);
  await mail(mailDir, 'picture', 'A picture', [{ filename: 'scan.png', content: Buffer.alloc(4096, 7) }]);
  // A PATH with Node alone: no pdftotext, no tesseract.
  const { dirname } = await import('node:path');
  const env = { ...process.env, PATH: dirname(process.execPath) };
  const result = await runCli(['--data', join(root, 'data'), 'ingest', '--json', mailDir], { env });
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout.toString()) as { extraction: { byStatus: Record<string, number>; ocrUnavailable: string | null } };
  assert.equal(summary.extraction.byStatus.ok, 1, 'the PDF is read by PDF.js');
  assert.match(summary.extraction.ocrUnavailable ?? '', /tesseract is not installed/);
  const found = await runCli(['--data', join(root, 'data'), 'search', '--json', 'doc:Yellowhammer'], { env });
  assert.equal((JSON.parse(found.stdout.toString()) as Search).total, 1);
});
