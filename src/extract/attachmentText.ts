/** An attachment's extracted text as the store keeps it: one row per distinct content (sha256). */

/** ok: text found; empty: read, no text; encrypted: needs a password; failed: the extractor gave up
 *  (the reason is kept); timeout: over its budget; unsupported: no extractor for the type. */
export type ExtractionStatus = 'ok' | 'empty' | 'encrypted' | 'failed' | 'timeout' | 'unsupported';

export interface AttachmentText {
  readonly sha256: string;
  readonly status: ExtractionStatus;
  /** How: pdf-text, pdf-text+ocr, ocr, office, doc, xls, text, html. */
  readonly method: string | null;
  /** Pages (PDF, multi-page images), null where the format has none. */
  readonly pages: number | null;
  /** The text, pages separated by form feeds (\f). */
  readonly text: string;
  readonly ocrPages: number;
  readonly detail: string | null;
  readonly extractedAt: string;
}

/** What extraction needs of a distinct attachment. */
export interface PendingAttachment {
  readonly sha256: string;
  readonly contentType: string;
  readonly filename: string | null;
  readonly size: number;
}

/** Statuses worth another try with `extract --retry` (a budget raised, a tool installed since). */
export const RETRYABLE: readonly ExtractionStatus[] = ['failed', 'timeout'];
