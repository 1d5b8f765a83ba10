import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool as run } from './runTool.js';

/**
 * OCR with Debian's tesseract (tesseract-ocr, with the eng and fra models from Debian's packages:
 * nothing is downloaded), and scanned PDF pages rasterized by poppler's pdftoppm. Each page has a
 * time budget: a page over it is killed and reported, the others go on.
 */

export const OCR_PAGE_BUDGET_MS = 60_000;
/** Resolution scans are rendered at: tesseract reads text best at 200–300 dpi. */
const SCAN_DPI = 200;
/** Images under this many bytes hold no readable text (a 1×1 pixel, a bullet, a spacer). */
export const MIN_OCR_BYTES = 1024;

export interface OcrPage {
  readonly text: string;
  /** Why the page has no text, when it has none for a reason. */
  readonly problem: string | null;
}

/** OCR of one image file (every page of a multi-page TIFF). */
export async function ocrImageFile(path: string, languages: string, budgetMs = OCR_PAGE_BUDGET_MS): Promise<OcrPage> {
  const result = await run('tesseract', [path, '-', '-l', languages, '--psm', '3'], budgetMs);
  if (result.timedOut) return { text: '', problem: `OCR took longer than ${budgetMs / 1000} s` };
  if (result.code !== 0) return { text: '', problem: `OCR failed: ${result.stderr.trim().split('\n').at(-1) ?? result.code}` };
  return { text: result.stdout.toString('utf8').replace(/\f/g, '\n').trim(), problem: null };
}

/** OCR of image bytes (written to a private temporary file for tesseract). */
export async function ocrImage(bytes: Uint8Array, languages: string, budgetMs = OCR_PAGE_BUDGET_MS): Promise<OcrPage> {
  const dir = await mkdtemp(join(tmpdir(), 'epistola-ocr-'));
  try {
    const file = join(dir, 'image');
    await writeFile(file, bytes, { mode: 0o600 });
    return await ocrImageFile(file, languages, budgetMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** OCR of the given pages (1-based) of a PDF: each rasterized by pdftoppm, then read by tesseract. */
export async function ocrPdfPages(
  pdf: Uint8Array,
  pages: readonly number[],
  languages: string,
  options: { budgetMs?: number; onPage?: () => void } = {},
): Promise<Map<number, OcrPage>> {
  const budget = options.budgetMs ?? OCR_PAGE_BUDGET_MS;
  const dir = await mkdtemp(join(tmpdir(), 'epistola-ocr-'));
  const found = new Map<number, OcrPage>();
  try {
    const file = join(dir, 'document.pdf');
    await writeFile(file, pdf, { mode: 0o600 });
    for (const page of pages) {
      const prefix = join(dir, `p${page}`);
      const raster = await run('pdftoppm', ['-r', String(SCAN_DPI), '-gray', '-png', '-f', String(page), '-l', String(page), file, prefix], budget);
      const image = (await readdir(dir)).find((n) => n.startsWith(`p${page}-`) || n === `p${page}.png`);
      if (raster.timedOut || !image)
        found.set(page, { text: '', problem: raster.timedOut ? `rendering the page took longer than ${budget / 1000} s` : 'the page could not be rendered' });
      else {
        found.set(page, await ocrImageFile(join(dir, image), languages, budget));
        await rm(join(dir, image), { force: true });
      }
      options.onPage?.();
    }
    return found;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
