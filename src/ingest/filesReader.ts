import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FilesSource } from './sources.js';
import type { BytesReadCallback, SourceItem } from './rawMessage.js';
import { emlxMessage } from './emlx.js';
import { outlookItem } from './outlookMsg.js';
import { withoutEnvelope } from './envelope.js';

/**
 * Reads a one-message-per-file source (Maildir, .eml tree, single .eml) in sorted order, starting
 * after `resumeAfter` (a relPath), each file's envelope line set aside (withoutEnvelope).
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
    if (file.format === 'msg') {
      const item = await outlookItem(bytes, file.relPath);
      yield {
        message: { bytes: item.bytes, locator: file.locator, offset: null, folder: file.folder, cursor: file.relPath, envelope: null, notes: item.notes },
      };
      continue;
    }
    if (file.format === 'emlx') {
      const emlx = emlxMessage(bytes);
      if (emlx) bytes = emlx.message;
      if (emlx?.lengthWrong)
        yield {
          problem: { locator: file.relPath, kind: 'emlx-length-wrong', detail: 'the .emlx length line is wrong: the message is taken up to its property list' },
        };
    }
    const { message, envelope } = withoutEnvelope(bytes);
    bytes = message;
    // An exact-size copy, so that handing it to a worker copies only the message.
    const own = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(own);
    yield {
      message: { bytes: own, locator: file.locator, offset: null, folder: file.folder, cursor: file.relPath, envelope },
    };
  }
}
