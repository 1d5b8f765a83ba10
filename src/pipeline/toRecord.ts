import type { ParsedMessage } from '../parse/parseMessage.js';
import type { MessageRecord } from '../model/message.js';
import { textAnalysis } from '../text/analysis.js';

/** The store's view of a parsed message: attachment contents are replaced by their blob hashes. */
export function toRecord(sha256: string, size: number, parsed: ParsedMessage): MessageRecord {
  const { attachments, ...rest } = parsed;
  return {
    ...rest,
    sha256,
    size,
    attachments: attachments.map(({ content, ...a }) => ({ ...a, size: content.length })),
    // Added by the pipeline, which verifies on the main thread.
    verification: null,
    ...textAnalysis(parsed.subject, parsed.text, parsed.embeddedText),
  };
}

/** The record of a message whose parse failed: kept raw, with the reason and the header fields the tolerant pass recovered. */
export function rawOnlyRecord(sha256: string, size: number, reason: string, recovered: Partial<MessageRecord> | null = null): MessageRecord {
  return {
    sha256,
    size,
    messageId: null,
    subject: null,
    dateUtc: null,
    dateHeader: null,
    from: null,
    sender: null,
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    inReplyTo: null,
    references: [],
    text: null,
    html: null,
    attachments: [],
    embeddedText: '',
    headersOnly: true,
    ...textAnalysis(recovered?.subject ?? null, null, ''),
    ...recovered,
    warnings: [{ kind: 'parse-crashed', detail: reason }],
    verification: null,
  };
}
