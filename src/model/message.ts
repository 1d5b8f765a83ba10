import type { Address, AttachmentFields, MessageFields } from '../mail/messageFields.js';
import type { ParseWarning } from '../mail/warnings.js';
import type { VerificationReport } from '../verify/report.js';
import type { MessageForms } from '../text/forms.js';
import type { RedactionNotice } from '../redact/redactionRecord.js';

/** A message as the archive holds it: what the pipeline records, what readers get back, how threads link it. */

/** An attachment as recorded: its content lives in the blob store under `sha256`. */
export interface AttachmentRecord extends AttachmentFields {
  readonly size: number;
}

/** What the pipeline hands to the store for one message: no blob content, only references. */
export interface MessageRecord extends MessageFields {
  /** Of the raw bytes: the message's blob name. */
  readonly sha256: string;
  readonly size: number;
  readonly attachments: readonly AttachmentRecord[];
  /** DKIM/ARC result made at ingest; null when verification was off. */
  readonly verification: VerificationReport | null;
  /** The language of its text (ISO 639-1), detected at ingest (text/language.ts); null when unknown. */
  readonly language: string | null;
  /** What the full-text index holds besides the words as written: stems, words of unspaced scripts (text/forms.ts). */
  readonly forms: MessageForms;
  /** The extracted text of its attachments, when some were extracted before (the store fills it in). */
  readonly attachmentText?: string;
}

/** Where a message was found. A message found in several places has several. */
export interface Provenance {
  readonly sourceKey: string;
  readonly locator: string;
  readonly offset: number | null;
  readonly folder: string;
  readonly envelope: string | null;
}

export interface StoredMessage extends Omit<MessageRecord, 'embeddedText' | 'warnings' | 'forms'> {
  readonly id: number;
  readonly folder: string;
  readonly copyOf: number | null;
  /** Other messages with the same Message-ID and different bytes. */
  readonly copies: readonly number[];
  readonly warnings: readonly ParseWarning[];
  readonly locations: readonly Provenance[];
  readonly threadId: number | null;
  readonly parentId: number | null;
  readonly parentMessageId: string | null;
  readonly parentEvidence: ParentEvidence | null;
  /** What was redacted (spans, commitments, what stays provable); null when nothing was. */
  readonly redaction: RedactionNotice | null;
}

/** A message's raw blob name and its current DKIM verdict (null: never verified). */
export interface RawRef {
  readonly id: number;
  /** The bytes the public sees (the redacted ones, for a redacted message). */
  readonly sha256: string;
  /** The bytes as received: what verification checks (the same as sha256 unless redacted). */
  readonly original: string;
  readonly verdict: string | null;
  /** A converter's rendering (the reader said so at ingest): not checkable. */
  readonly converted: boolean;
}

/** How a parent link is known: from References, from In-Reply-To only, or inferred from the subject. */
export type ParentEvidence = 'references' | 'in-reply-to' | 'subject';

/** A message as listed in results and threads: enough for one line. */
export interface MessageSummary {
  readonly id: number;
  readonly dateUtc: number | null;
  readonly from: Address | null;
  readonly subject: string | null;
  readonly messageId: string | null;
  readonly threadId: number | null;
  readonly parentId: number | null;
  readonly parentMessageId: string | null;
  readonly parentEvidence: ParentEvidence | null;
  readonly attachmentCount: number;
  readonly folder: string;
}

/** What threading needs of each message. */
export interface ThreadInput {
  readonly id: number;
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly subject: string | null;
}

export interface ThreadAssignment {
  readonly id: number;
  /** The thread's number: the smallest message number in it. */
  readonly threadId: number;
  /** Parent message number, or null (a root, or a child of a parent never ingested). */
  readonly parentId: number | null;
  /** The parent's Message-ID, also when the parent was never ingested. */
  readonly parentMessageId: string | null;
  readonly evidence: ParentEvidence | null;
}
