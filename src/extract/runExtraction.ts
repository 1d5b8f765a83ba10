import type { ExtractionWriter } from '../store/archiveStore.js';
import type { BlobStore } from '../store/blobStore.js';
import type { AttachmentText, ExtractionStatus, PendingAttachment } from './attachmentText.js';
import { documentKind } from './documentKind.js';
import { DOCUMENT_BUDGET_MS, ExtractPool, type PoolAnswer } from './extractPool.js';
import { EncryptedDocument, MAX_TEXT_CHARS } from './extractors.js';
import { pdfTextPoppler } from './poppler.js';
import { MIN_OCR_BYTES, ocrImage, ocrPdfPages } from './ocr.js';
import { ToolMissing } from './runTool.js';

/**
 * The extraction stage: the text of every distinct attachment (by sha256, so a PDF sent to forty
 * people is read once), after ingest or later (`epistola extract`). Results are saved in batches,
 * each with the search text of every message that has the attachment, so a killed run keeps what it
 * did and the next run takes up what is left; `retry` takes failed and timed-out ones again.
 */

export interface ExtractOptions {
  readonly workers?: number;
  readonly retry?: boolean;
  /** tesseract languages, e.g. "eng+fra"; null: no OCR. */
  readonly ocrLanguages?: string | null;
  readonly budgetMs?: number;
  readonly onProgress?: (p: ExtractProgress) => void;
}

export interface ExtractProgress {
  readonly done: number;
  readonly total: number;
  readonly ocrPages: number;
  readonly elapsedMs: number;
}

export interface ExtractSummary {
  readonly documents: number;
  readonly byStatus: Partial<Record<ExtractionStatus, number>>;
  readonly ocrPages: number;
  readonly chars: number;
  readonly elapsedMs: number;
  /** Set when OCR was wanted and tesseract or pdftoppm is missing. */
  readonly ocrUnavailable: string | null;
}

const BATCH = 50;

function result(sha256: string, status: ExtractionStatus, fields: Partial<AttachmentText> = {}): AttachmentText {
  return { sha256, status, method: null, pages: null, text: '', ocrPages: 0, detail: null, extractedAt: new Date().toISOString(), ...fields };
}

function finished(sha256: string, method: string, pages: readonly string[], ocrPages: number, detail: string | null, paged: boolean): AttachmentText {
  const text = pages.join('\f').slice(0, MAX_TEXT_CHARS);
  return result(sha256, text.replace(/\s+/g, '').length > 0 ? 'ok' : 'empty', { method, pages: paged ? pages.length : null, text, ocrPages, detail });
}

export async function runExtraction(store: ExtractionWriter, blobs: BlobStore, options: ExtractOptions = {}): Promise<ExtractSummary> {
  const started = Date.now();
  const languages = options.ocrLanguages === undefined ? 'eng+fra' : options.ocrLanguages;
  const pending = await store.pendingAttachments({ retry: options.retry ?? false });
  const pool = new ExtractPool({ workers: options.workers ?? 2, budgetMs: options.budgetMs });
  const byStatus: Partial<Record<ExtractionStatus, number>> = {};
  let ocrPages = 0;
  let chars = 0;
  let done = 0;
  let ocrUnavailable: string | null = null;
  let batch: AttachmentText[] = [];
  const flush = async () => {
    const items = batch;
    batch = [];
    if (items.length > 0) await store.saveAttachmentTexts(items);
  };
  const ocr = async <T>(work: () => Promise<T>, none: T): Promise<T> => {
    if (!languages || ocrUnavailable) return none;
    try {
      return await work();
    } catch (error) {
      if (error instanceof ToolMissing) {
        ocrUnavailable = error.message;
        return none;
      }
      throw error;
    }
  };

  let popplerMissing = false;
  /** A PDF's text layer by pdftotext; if poppler is missing, by PDF.js on a worker. */
  const popplerOrPool = async (bytes: Buffer): Promise<PoolAnswer | { readonly empty: true }> => {
    try {
      const text = await pdfTextPoppler(bytes, options.budgetMs ?? DOCUMENT_BUDGET_MS);
      if ('timeout' in text) return { seq: 0, ok: false, encrypted: false, timeout: true, error: 'pdftotext took longer than its budget' };
      return 'empty' in text ? text : { seq: 0, ok: true, ...text };
    } catch (error) {
      if (error instanceof EncryptedDocument) return { seq: 0, ok: false, encrypted: true, error: error.message };
      if (error instanceof ToolMissing) {
        popplerMissing = true;
        return pool.extract(bytes, 'pdf');
      }
      return { seq: 0, ok: false, encrypted: false, error: (error as Error).message };
    }
  };

  const one = async (item: PendingAttachment): Promise<AttachmentText> => {
    const bytes = await blobs.read(item.sha256).catch(() => null);
    if (!bytes) return result(item.sha256, 'failed', { detail: 'the attachment blob is missing' });
    if (bytes.length === 0) return result(item.sha256, 'empty', { detail: '0 bytes' });
    const kind = documentKind(bytes, item.contentType, item.filename);
    if (kind === 'unsupported') return result(item.sha256, 'unsupported', { detail: `no extractor for ${item.contentType}` });
    if (kind === 'image') {
      if (bytes.length < MIN_OCR_BYTES) return result(item.sha256, 'empty', { method: 'ocr', detail: 'too small to hold text' });
      const page = await ocr(() => ocrImage(bytes, languages!), null);
      if (!page) return result(item.sha256, 'unsupported', { detail: ocrUnavailable ?? 'OCR is off' });
      ocrPages++;
      return finished(item.sha256, 'ocr', [page.text], 1, page.problem, false);
    }
    const answer = kind === 'pdf' && !popplerMissing ? await popplerOrPool(bytes) : await pool.extract(bytes, kind);
    if ('empty' in answer) return result(item.sha256, 'empty', { method: 'pdf-text', detail: 'the PDF has no content' });
    if (!answer.ok) {
      if (answer.encrypted) return result(item.sha256, 'encrypted', { detail: 'the document is encrypted (password-protected): nothing extracted' });
      return result(item.sha256, 'timeout' in answer && answer.timeout ? 'timeout' : 'failed', { detail: answer.error });
    }
    const pages = [...answer.pages];
    let problems: string[] = [];
    let read = 0;
    if (kind === 'pdf' && answer.blankPages.length > 0) {
      // Scanned pages: no text layer, so their text is read from the image.
      const scanned = await ocr(() => ocrPdfPages(bytes, answer.blankPages, languages!, { onPage: () => (ocrPages++, read++) }), null);
      for (const [page, found] of scanned ?? []) {
        pages[page - 1] = found.text;
        if (found.problem) problems.push(`page ${page}: ${found.problem}`);
      }
      if (!scanned && ocrUnavailable) problems = [`${answer.blankPages.length} page(s) without text not read: ${ocrUnavailable}`];
    }
    const method = read > 0 ? (read === pages.length ? 'ocr' : 'pdf-text+ocr') : answer.method;
    return finished(item.sha256, method, pages, read, problems.length > 0 ? problems.join('; ') : null, kind === 'pdf');
  };

  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const item = pending[next++]!;
      const text = await one(item).catch((error: unknown) => result(item.sha256, 'failed', { detail: (error as Error).message }));
      byStatus[text.status] = (byStatus[text.status] ?? 0) + 1;
      chars += text.text.length;
      batch.push(text);
      done++;
      if (batch.length >= BATCH) await flush();
      options.onProgress?.({ done, total: pending.length, ocrPages, elapsedMs: Date.now() - started });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.workers ?? 2) }, worker));
    await flush();
  } finally {
    await pool.close();
  }
  return { documents: pending.length, byStatus, ocrPages, chars, elapsedMs: Date.now() - started, ocrUnavailable };
}
