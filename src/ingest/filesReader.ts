import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FilesSource } from './sources.js';
import type { BytesReadCallback, SourceItem } from './rawMessage.js';

const FROM_LINE = /^From [^\r\n]*\r?\n/;

/**
 * Reads a one-message-per-file source (Maildir, .eml tree, single .eml) in sorted order, starting
 * after `resumeAfter` (a relPath). A file that begins with an mbox `From ` envelope line (common in
 * exported .eml files) loses that line: it is not part of the message, and it is kept as the envelope.
 */
export async function* readMessageFiles(source: FilesSource, resumeAfter: string | null, onBytes?: BytesReadCallback): AsyncGenerator<SourceItem> {
  for (const file of source.files) {
    if (resumeAfter !== null && file.relPath <= resumeAfter) continue;
    let bytes: Buffer;
    try {
      // Synchronous: small files, read by the producer thread; async reads made ingest latency-bound.
      bytes = readFileSync(join(source.root, file.relPath));
    } catch (error) {
      yield { problem: { locator: file.relPath, kind: 'unreadable', detail: (error as Error).message } };
      continue;
    }
    onBytes?.(bytes.length);
    if (bytes.length === 0) {
      yield { problem: { locator: file.relPath, kind: 'empty-file', detail: 'empty file: no message in it' } };
      continue;
    }
    let envelope: string | null = null;
    if (bytes[0] === 0x46 && bytes.subarray(0, 5).toString('latin1') === 'From ') {
      const match = FROM_LINE.exec(bytes.subarray(0, 4096).toString('latin1'));
      if (match) {
        envelope = match[0].replace(/\r?\n$/, '');
        bytes = bytes.subarray(match[0].length);
      }
    }
    // An exact-size copy, so that handing it to a worker copies only the message.
    const own = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(own);
    yield {
      message: { bytes: own, locator: file.locator, offset: null, folder: file.folder, cursor: file.relPath, envelope },
    };
  }
}
