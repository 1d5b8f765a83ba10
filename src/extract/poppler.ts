import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptedDocument, MAX_PDF_PAGES, type DocumentText } from './extractors.js';
import { runTool } from './runTool.js';

/**
 * PDF text layers with poppler's pdftotext (Debian's poppler-utils): 7× faster than PDF.js here (a
 * 500-page PDF in 0.08 s against 0.57 s; bench/extract.sh), and a separate process, so a PDF that
 * loops is killed at its budget. Pages come separated by form feeds. Without poppler, the stage
 * falls back to unpdf (PDF.js) in a worker (extractors.ts).
 */
export async function pdfTextPoppler(bytes: Uint8Array, budgetMs: number): Promise<DocumentText | { readonly empty: true } | { readonly timeout: true }> {
  const dir = await mkdtemp(join(tmpdir(), 'epistola-pdf-'));
  try {
    const file = join(dir, 'document.pdf');
    await writeFile(file, bytes, { mode: 0o600 });
    const { stdout, stderr, code, timedOut } = await runTool('pdftotext', ['-enc', 'UTF-8', '-l', String(MAX_PDF_PAGES), file, '-'], budgetMs);
    if (timedOut) return { timeout: true };
    if (/Incorrect password/i.test(stderr)) throw new EncryptedDocument('the PDF is encrypted');
    if (code !== 0 && /stream is empty/i.test(stderr)) return { empty: true };
    if (code !== 0) throw new Error(`pdftotext: ${stderr.trim().split('\n').at(-1) ?? `exit ${code}`}`);
    const pages = stdout.toString('utf8').split('\f');
    // pdftotext ends the last page with a form feed too.
    if (pages.length > 1 && pages.at(-1)!.trim() === '') pages.pop();
    const blankPages = pages.flatMap((text, i) => (text.replace(/\s+/g, '').length < 3 ? [i + 1] : []));
    return { pages: pages.map((p) => p.trim()), blankPages, method: 'pdf-text' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
