import { parentPort } from 'node:worker_threads';
import type { DocumentKind } from './documentKind.js';
import { EncryptedDocument, extractDocument } from './extractors.js';

/**
 * One extraction worker: documents in, text out. The stage gives each document a time budget and a
 * capped heap, and terminates the worker when either is passed (extractPool.ts).
 */
export interface ExtractJob {
  readonly seq: number;
  readonly bytes: Uint8Array;
  readonly kind: DocumentKind;
}

export type ExtractReply =
  | { readonly seq: number; readonly ok: true; readonly pages: readonly string[]; readonly blankPages: readonly number[]; readonly method: string }
  | { readonly seq: number; readonly ok: false; readonly encrypted: boolean; readonly error: string };

parentPort?.on('message', (job: ExtractJob) => {
  extractDocument(job.bytes, job.kind).then(
    (text) => parentPort!.postMessage({ seq: job.seq, ok: true, ...text } satisfies ExtractReply),
    (error: unknown) =>
      parentPort!.postMessage({
        seq: job.seq,
        ok: false,
        encrypted: error instanceof EncryptedDocument,
        error: (error as Error)?.message?.slice(0, 500) ?? String(error),
      } satisfies ExtractReply),
  );
});
