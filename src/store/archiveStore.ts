import type { Address, AttachmentFields, MessageFields } from '../mail/messageFields.js';
import type { ParseWarning, WarningKind } from '../mail/warnings.js';
import type { SourceProblem } from '../ingest/rawMessage.js';
import type { QueryNode } from '../query/ast.js';
import type { KeyRecord } from '../verify/keyRecord.js';
import type { VerificationReport } from '../verify/report.js';
import type { SignedAmendment } from '../publish/amendments.js';
import type { MessageForms } from '../text/forms.js';
import type { RedactionNotice, RedactionRecord, RedactionSummary } from '../redact/redactionRecord.js';
import type { AttachmentText, PendingAttachment } from '../extract/attachmentText.js';

/**
 * The boundary between the pipeline and a storage backend (SQLite now, PostgreSQL later). Nothing
 * outside store/<backend>/ knows SQL. Readers get an ArchiveReader only; writers extend it.
 */

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

export interface IngestItem {
  readonly record: MessageRecord;
  readonly provenance: Provenance;
  /** Resume cursor of the source once this item is committed. */
  readonly cursor: string;
}

/** One transaction's worth of ingest: messages, problems met, and sources read to the end. */
export interface IngestBatch {
  readonly items: readonly IngestItem[];
  readonly problems: ReadonlyArray<{ readonly sourceKey: string; readonly problem: SourceProblem }>;
  readonly finishedSources: ReadonlyArray<{ readonly key: string; readonly fingerprint: string }>;
}

/** new: a message not seen before; duplicate: same bytes seen elsewhere; known: this very location was ingested before. */
export type CommitOutcome =
  | { readonly kind: 'new'; readonly id: number; readonly copyOf: number | null }
  | { readonly kind: 'duplicate' | 'known'; readonly id: number };

export interface SourceState {
  readonly key: string;
  readonly cursor: string | null;
  readonly fingerprint: string | null;
  readonly done: boolean;
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

export interface ArchiveStats {
  readonly messages: number;
  readonly rawBytes: number;
  /** Extra occurrences of identical bytes (same message found in several places). */
  readonly duplicates: number;
  /** Messages whose Message-ID another message with different bytes already has. */
  readonly copies: number;
  readonly attachments: number;
  readonly attachmentBytes: number;
  readonly headersOnly: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly warnings: Partial<Record<WarningKind, number>>;
  readonly sourceProblems: Record<string, number>;
  readonly sources: number;
  readonly folders: ReadonlyArray<{ readonly folder: string; readonly messages: number }>;
  /** Messages per DKIM verdict ("unverified": not checked yet). */
  readonly dkim: Readonly<Record<string, number>>;
  readonly keyRecords: number;
}

export interface VerificationItem {
  readonly id: number;
  readonly report: VerificationReport;
}

export interface KeyImportOutcome {
  /** New key records (name + text not seen before). */
  readonly added: number;
  /** New (record, source, date) sightings, including those of records already known. */
  readonly sightings: number;
}

/** A message's raw blob name and its current DKIM verdict (null: never verified). */
export interface RawRef {
  readonly id: number;
  /** The bytes the public sees (the redacted ones, for a redacted message). */
  readonly sha256: string;
  /** The bytes as received: what verification checks (the same as sha256 unless redacted). */
  readonly original: string;
  readonly verdict: string | null;
}

/** Who reads: the publisher sees every message; the public only those of published releases. */
export type Audience = 'publisher' | 'public';

/** A numbered part of the publication ("Part 15"). */
export interface Release {
  readonly number: number;
  readonly title: string;
  /** How its messages were chosen: the query, or the file of ids. */
  readonly selection: string;
  readonly createdAt: string;
  /** When it becomes (or became) public; null while embargoed. */
  readonly publishAt: string | null;
  /** publishAt has passed. */
  readonly published: boolean;
  readonly messages: number;
}

/** A key name and how many messages carry a signature naming it. */
export interface KeyUse {
  readonly name: string;
  readonly messages: number;
}

/** What threading needs of each message. */
export interface ThreadInput {
  readonly id: number;
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly subject: string | null;
}

/** How a parent link is known: from References, from In-Reply-To only, or inferred from the subject. */
export type ParentEvidence = 'references' | 'in-reply-to' | 'subject';

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

/** A piece of a snippet: `hit` marks the words the query matched. */
export interface SnippetPart {
  readonly text: string;
  readonly hit: boolean;
}

export interface SearchHit {
  readonly message: MessageSummary;
  readonly snippet: readonly SnippetPart[];
  /** bm25 (lower is better) when sorted by relevance. */
  readonly score: number | null;
}

export interface FacetCount {
  readonly value: string;
  readonly count: number;
}

/** Counts over the whole result set, not just the page: each list by count (months and releases by value). */
export interface FacetLists {
  readonly senders: readonly FacetCount[];
  readonly recipients: readonly FacetCount[];
  readonly months: readonly FacetCount[];
  readonly folders: readonly FacetCount[];
  readonly releases: readonly FacetCount[];
  readonly dkim: readonly FacetCount[];
  readonly attachmentTypes: readonly FacetCount[];
  /** By detected language (ISO 639-1); messages of unknown language are not counted. */
  readonly languages: readonly FacetCount[];
}

export type FacetName = keyof FacetLists;

export interface Facets extends FacetLists {
  /** How many distinct values each facet has: more than its list shows when the list was cut (SearchOptions.facets). */
  readonly distinct: Readonly<Record<FacetName, number>>;
}

export type SearchSort = 'relevance' | 'date';

export interface SearchOptions {
  readonly sort: SearchSort;
  readonly limit: number;
  /** From a previous result's `nextCursor`: the next page, unchanged by messages added since. */
  readonly cursor?: string | null;
  /** Count facets: their first values (FACET_TOP of senders, recipients, folders, types), or 'all' of every one. */
  readonly facets?: boolean | 'all';
}

export interface SearchResult {
  readonly total: number;
  readonly sort: SearchSort;
  readonly hits: readonly SearchHit[];
  readonly nextCursor: string | null;
  readonly facets: Facets | null;
}

export interface ArchiveReader {
  search(query: QueryNode, options: SearchOptions): Promise<SearchResult>;
  /**
   * Builds now what the first search would build (the in-memory facet columns, what this reader may
   * see, the rank worker): a server calls it before it listens, so no reader waits for it.
   */
  prepareSearch(): Promise<void>;
  /** Messages most similar in content (not in the same thread), best first. */
  related(id: number, limit: number): Promise<MessageSummary[]>;
  /** The messages of one thread, in number order (parents before children when numbering allows). */
  thread(threadId: number): Promise<MessageSummary[]>;
  summaries(ids: readonly number[]): Promise<MessageSummary[]>;
  /**
   * The numbers of the messages this reader may see, in number order: all of them, or one release's
   * (for exports: paging a search through a million messages sorted each page again, 6 min at 1M).
   */
  messageIds(release?: number): Promise<number[]>;
  /**
   * The numbers of every message a query matches that this reader may see, in number order: what
   * `release create --query` and a redaction's "also in" take (a search paged through 1M messages took minutes).
   */
  matchingIds(query: QueryNode): Promise<number[]>;
  /** The most recent messages by date (undated ones last): the home page and the feed. */
  latest(limit: number): Promise<MessageSummary[]>;
  /** Changes whenever what this reader sees changes (a write by any process, a release reaching its time). */
  dataVersion(): string;
  stats(): Promise<ArchiveStats>;
  getMessage(id: number): Promise<StoredMessage | undefined>;
  /** A visible message's raw blob, and nothing else of it: what /emails/<id>/raw serves. */
  rawBlob(id: number): Promise<{ readonly sha256: string; readonly size: number } | undefined>;
  verification(id: number): Promise<VerificationReport | null>;
  /** Every archived key record with its sightings. */
  keyRecords(): Promise<KeyRecord[]>;
  keyUses(): Promise<KeyUse[]>;
  /** Key names that signatures need and the archive lacks. */
  missingKeys(): Promise<KeyUse[]>;
  messagesSignedWith(names: readonly string[]): Promise<number[]>;
  /** What re-verification walks: from `afterId` on in id order, or the given ids. */
  rawRefs(from: { afterId: number; limit: number } | { ids: readonly number[] }): Promise<RawRef[]>;
  /** Releases this reader may see (the public: published ones only). */
  releases(): Promise<Release[]>;
  /** The signed amendment log (public, whole). */
  amendments(): Promise<SignedAmendment[]>;
  /** The amendment that took a message down, if one did. */
  withdrawal(id: number): Promise<SignedAmendment | null>;
  /** The extracted text of an attachment (by content), if a message this reader may see has it. */
  attachmentText(sha256: string): Promise<AttachmentText | null>;
  /** The messages this reader may see that carry an attachment with these bytes, in number order. */
  attachmentMessages(sha256: string): Promise<MessageSummary[]>;
  /** Distinct attachments of visible messages, most used first: the attachment index. */
  attachmentIndex(options: { readonly limit: number; readonly offset: number; readonly type?: string | null }): Promise<AttachmentIndex>;
  close(): Promise<void>;
}

/** One distinct attachment (by content) in the attachment index. */
export interface AttachmentIndexRow {
  readonly sha256: string;
  readonly filename: string | null;
  readonly contentType: string;
  readonly size: number;
  /** Visible messages carrying it. */
  readonly messages: number;
  /** Its extraction status, null when not extracted yet. */
  readonly status: string | null;
}

export interface AttachmentIndex {
  readonly total: number;
  readonly rows: readonly AttachmentIndexRow[];
}

export interface ArchiveWriter extends ArchiveReader {
  sourceState(key: string): Promise<SourceState | undefined>;
  /** Every message stored, embargoed or not (cheaper than stats()). */
  messageCount(): Promise<number>;
  /** Commits a batch atomically: messages, provenance, problems and source cursors together. */
  commit(batch: IngestBatch): Promise<CommitOutcome[]>;
  recordRun(run: { startedAt: string; finishedAt: string; summary: unknown }): Promise<void>;
  threadInputs(): Promise<ThreadInput[]>;
  /** Saves thread links; returns how many messages changed. */
  saveThreads(assignments: readonly ThreadAssignment[]): Promise<number>;
  addKeyRecords(records: readonly KeyRecord[]): Promise<KeyImportOutcome>;
  saveVerifications(items: readonly VerificationItem[]): Promise<void>;
  /** A new release of the messages given that are in no release yet. */
  createRelease(input: { title: string; selection: string; ids: readonly number[] | 'all-remaining' }): Promise<{ release: Release; alreadyReleased: number }>;
  /** Schedules (or, with a past time, makes) a release public; a string says why it cannot. */
  publishRelease(number: number, at: Date): Promise<Release | string>;
  /** After a large write (an ingest): brings up to date what the store derives in bulk (word statistics, planner statistics). */
  refreshStatistics(): Promise<void>;
  /** Appends a signed entry (made by `make` from its sequence and the previous entry's hash); a withdrawal takes its messages down, a restore of one puts them back. */
  appendAmendment(make: (seq: number, previous: string | null) => SignedAmendment): Promise<SignedAmendment>;
  /**
   * Makes a message's public rows those of `record` (the redacted bytes: text, addresses,
   * attachments, search index) and keeps `redaction` privately, in one transaction; with
   * `redaction` null, the record is the original's again (a redaction undone). Its number,
   * thread, release, verification and provenance stay.
   */
  replaceContent(id: number, record: MessageRecord, redaction: RedactionRecord | null): Promise<void>;
  /** The private record of a message's redaction (salts, removed bytes), for the publisher. */
  redaction(id: number): Promise<RedactionRecord | null>;
  redactions(): Promise<RedactionSummary[]>;
  /** Distinct attachments with no extracted text yet (with `retry`, also those that failed or timed out). */
  pendingAttachments(options: { readonly retry: boolean }): Promise<PendingAttachment[]>;
  /** Saves extracted texts and, in the same transaction, the search text of every message that has them. */
  saveAttachmentTexts(items: readonly AttachmentText[]): Promise<void>;
}
