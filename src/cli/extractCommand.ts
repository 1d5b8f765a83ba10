import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { ArchiveWriter } from '../store/archiveStore.js';
import { BlobStore } from '../store/blobStore.js';
import type { ExtractSummary } from '../extract/runExtraction.js';
import { print, withWriter } from './context.js';
import { chooseProgressMode, progressReporter, renderCountProgress } from './progressBar.js';

/**
 * `epistola extract`: the text of every attachment not read yet (PDF, Office, scans by OCR), made
 * searchable; `--retry` takes failed and timed-out ones again. `ingest` runs the same at its end.
 */

export interface ExtractFlags {
  retry?: boolean;
  ocr?: boolean;
  ocrLang?: string;
  workers?: string;
  json?: boolean;
  progress?: string;
}

export async function extractAttachments(store: ArchiveWriter, dataDir: string, flags: ExtractFlags): Promise<ExtractSummary> {
  const workers = flags.workers ? Number(flags.workers) : 2;
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a whole number ≥ 1, not ${flags.workers}`);
  if (flags.ocrLang !== undefined && !/^[a-z_]{3,}(\+[a-z_]{3,})*$/.test(flags.ocrLang))
    throw new UsageError(`--ocr-lang takes tesseract language codes such as eng+fra, not "${flags.ocrLang}"`);
  const { runExtraction } = await import('../extract/runExtraction.js');
  const reporter = progressReporter(
    chooseProgressMode(flags.progress, flags.json ?? false),
    process.stderr,
    (p: { done: number; total: number; elapsedMs: number; ocrPages: number }) =>
      `extracting ${renderCountProgress(p, 'documents')}${p.ocrPages > 0 ? `, OCR ${p.ocrPages} pages (${((p.ocrPages * 60_000) / Math.max(1, p.elapsedMs)).toFixed(0)}/min)` : ''}`,
    () => 'extract',
  );
  try {
    return await runExtraction(store, new BlobStore(dataDir), {
      workers,
      retry: flags.retry,
      ocrLanguages: flags.ocr === false ? null : (flags.ocrLang ?? 'eng+fra'),
      onProgress: reporter.update,
    });
  } finally {
    reporter.end();
  }
}

export function formatExtractSummary(s: ExtractSummary): string {
  if (s.documents === 0) return 'attachments  nothing new to extract';
  const statuses = Object.entries(s.byStatus)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  const lines = [
    `attachments  ${s.documents} document${s.documents === 1 ? '' : 's'} read in ${(s.elapsedMs / 1000).toFixed(1)} s: ${statuses}; ${s.chars.toLocaleString('en')} characters${s.ocrPages > 0 ? `, ${s.ocrPages} pages by OCR` : ''}`,
  ];
  if (s.ocrUnavailable) lines.push(`             OCR not done: ${s.ocrUnavailable}`);
  return lines.join('\n');
}

export function registerExtractCommand(program: Command): void {
  program
    .command('extract')
    .description('read the text of attachments (PDF, Word, Excel, OpenDocument, RTF, HTML, text; images and scans by OCR) and make it searchable')
    .option('--retry', 'also read again the attachments that failed or ran out of time')
    .option('--no-ocr', 'do not read images and scanned pages (OCR)')
    .option('--ocr-lang <langs>', 'tesseract languages for OCR (default: eng+fra)')
    .option('--workers <n>', 'documents read at the same time (default 2)')
    .option('--progress <mode>', 'progress display: auto, bar, json, none', 'auto')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: ExtractFlags, command: Command) => {
      await withWriter(command, async (store, dir) => {
        const summary = await extractAttachments(store, dir.root, flags);
        if (summary.documents > 0) await store.refreshStatistics();
        print(flags.json ? JSON.stringify(summary, null, 2) : formatExtractSummary(summary));
      });
    });
}
