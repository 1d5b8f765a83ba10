import iconv from 'iconv-lite';
import { convert } from 'html-to-text';
import type { DocumentKind } from './documentKind.js';

/**
 * The text of one document, by kind, with well-kept libraries: unpdf (PDF.js) for PDF text layers,
 * officeparser for OOXML/ODF/RTF, word-extractor for Word 97–2003, SheetJS for Excel 97–2003,
 * html-to-text for HTML. Runs inside an extraction worker (extractWorker.ts), which the stage kills
 * when a document passes its budget: a hostile file costs one worker, never the ingest.
 */

export interface DocumentText {
  /** Text per page where the format has pages (PDF), else one entry. */
  readonly pages: readonly string[];
  /** 1-based pages with no text layer: OCR candidates (scans). */
  readonly blankPages: readonly number[];
  readonly method: string;
}

/** A document that says it is encrypted: reported, not retried. */
export class EncryptedDocument extends Error {}

/** PDF pages read at most; a longer document is read up to here and says so. */
export const MAX_PDF_PAGES = 2000;
/** Characters kept per document (the index and the page need no more). */
export const MAX_TEXT_CHARS = 2_000_000;

function isEncryptionError(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'PasswordException' || /password|encrypt/i.test(e?.message ?? '');
}

/** Plain text in any charset: a byte-order mark decides, then valid UTF-8, then Windows-1252. */
export function decodeText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes);
  if (buf[0] === 0xff && buf[1] === 0xfe) return iconv.decode(buf, 'utf-16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return iconv.decode(buf, 'utf-16be');
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  return utf8.includes('\uFFFD') ? iconv.decode(buf, 'windows-1252') : utf8.replace(/^\uFEFF/, '');
}

async function pdfText(bytes: Uint8Array): Promise<DocumentText> {
  const { getDocumentProxy } = await import('unpdf');
  const document = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, stopAtErrors: false } as never);
  const pages: string[] = [];
  const count = Math.min(document.numPages, MAX_PDF_PAGES);
  for (let n = 1; n <= count; n++) {
    const page = await document.getPage(n);
    const content = await page.getTextContent();
    pages.push(
      content.items
        .map((item) => ('str' in item ? `${item.str}${item.hasEOL ? '\n' : ''}` : ''))
        .join('')
        .trim(),
    );
    page.cleanup();
  }
  await (document as { destroy?: () => Promise<void> }).destroy?.();
  const blankPages = pages.flatMap((text, i) => (text.replace(/\s+/g, '').length < 3 ? [i + 1] : []));
  return { pages, blankPages, method: 'pdf-text' };
}

async function officeText(bytes: Uint8Array): Promise<DocumentText> {
  const { parseOffice } = await import('officeparser');
  const ast = await parseOffice(Buffer.from(bytes), { ocr: false, extractAttachments: false } as never);
  const text = String((await ast.to('text')).value ?? '');
  return { pages: [text], blankPages: [], method: 'office' };
}

async function docText(bytes: Uint8Array): Promise<DocumentText> {
  const WordExtractor = (await import('word-extractor')).default;
  const document = await new WordExtractor().extract(Buffer.from(bytes));
  const text = [document.getBody(), document.getFootnotes(), document.getEndnotes(), document.getHeaders(), document.getTextboxes()].filter(Boolean).join('\n');
  return { pages: [text], blankPages: [], method: 'doc' };
}

async function xlsText(bytes: Uint8Array): Promise<DocumentText> {
  const XLSX = await import('xlsx');
  const book = XLSX.read(Buffer.from(bytes), { type: 'buffer', cellFormula: false, cellHTML: false });
  const text = book.SheetNames.map((name) => `${name}\n${XLSX.utils.sheet_to_csv(book.Sheets[name]!, { FS: '\t' })}`).join('\n');
  return { pages: [text], blankPages: [], method: 'xls' };
}

/** The readable text of a message: subject, sender and recipients, body, attached messages. */
async function mailText(raw: Buffer, method: string): Promise<DocumentText> {
  const { parseMessage } = await import('../parse/parseMessage.js');
  const parsed = await parseMessage(raw);
  const who = [parsed.from, ...parsed.to].flatMap((a) => (a ? [`${a.name} <${a.address}>`] : [])).join(', ');
  return { pages: [[parsed.subject ?? '', who, parsed.text ?? '', parsed.embeddedText].filter(Boolean).join('\n')], blankPages: [], method };
}

async function msgText(bytes: Uint8Array): Promise<DocumentText> {
  const { msgToMime } = await import('../ingest/outlookMsg.js');
  return mailText((await msgToMime(Buffer.from(bytes))).mime, 'msg');
}

export async function extractDocument(bytes: Uint8Array, kind: DocumentKind): Promise<DocumentText> {
  try {
    switch (kind) {
      case 'pdf':
        return await pdfText(bytes);
      case 'office':
        return await officeText(bytes);
      case 'doc':
        return await docText(bytes);
      case 'xls':
        return await xlsText(bytes);
      case 'msg':
        return await msgText(bytes);
      case 'email':
        return await mailText(Buffer.from(bytes), 'email');
      case 'text':
        return { pages: [decodeText(bytes)], blankPages: [], method: 'text' };
      case 'html':
        return { pages: [convert(decodeText(bytes), { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] })], blankPages: [], method: 'html' };
      case 'image':
      case 'unsupported':
        return { pages: [], blankPages: [], method: kind };
    }
  } catch (error) {
    if (isEncryptionError(error)) throw new EncryptedDocument((error as Error).message);
    throw error;
  }
}
