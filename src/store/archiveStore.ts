import type { QueryNode } from '../query/ast.js';
import type { KeyRecord } from '../verify/keyRecord.js';
import type { VerificationReport } from '../verify/report.js';
import type { SignedAmendment } from '../model/amendment.js';
import type { RedactionRecord, RedactionSummary } from '../redact/redactionRecord.js';
import type { AttachmentText, PendingAttachment } from '../extract/attachmentText.js';
import type { MessageRecord, StoredMessage, RawRef, MessageSummary, ThreadInput, ThreadAssignment } from '../model/message.js';
import type { IngestBatch, CommitOutcome, SourceState, VerificationItem, KeyImportOutcome } from '../model/ingest.js';
import type { Release } from '../model/release.js';
import type { PublishRefusal } from '../release/publishRules.js';
import type { SearchOptions, SearchResult } from '../model/search.js';
import type { ArchiveStats, KeyUse } from '../model/stats.js';
import type { AttachmentIndex } from '../model/attachments.js';
export type {
  AttachmentRecord,
  MessageRecord,
  Provenance,
  StoredMessage,
  RawRef,
  ParentEvidence,
  MessageSummary,
  ThreadInput,
  ThreadAssignment,
} from '../model/message.js';
export type { IngestItem, IngestBatch, CommitOutcome, SourceState, VerificationItem, KeyImportOutcome } from '../model/ingest.js';
export type { Audience, Release } from '../model/release.js';
export type { SnippetPart, SearchHit, FacetCount, FacetLists, FacetName, Facets, SearchSort, SearchOptions, SearchResult } from '../model/search.js';
export type { ArchiveStats, KeyUse } from '../model/stats.js';
export type { AttachmentIndexRow, AttachmentIndex } from '../model/attachments.js';

/**
 * The boundary between the stages and a storage backend (SQLite or PostgreSQL). Nothing outside
 * store/ knows SQL. Split by concern, so that a stage asks for what it uses (threading a
 * ThreadWriter, attachment text an ExtractionWriter, the person pages a SearchReader); the web
 * server gets an ArchiveReader only; ArchiveWriter is every part.
 */

/** Messages as the reader may see them: one, some, a thread, the newest, the figures. */
export interface MessageReader {
  getMessage(id: number): Promise<StoredMessage | undefined>;
  /** A visible message's raw blob, and nothing else of it: what /emails/<id>/raw serves. */
  rawBlob(id: number): Promise<{ readonly sha256: string; readonly size: number } | undefined>;
  summaries(ids: readonly number[]): Promise<MessageSummary[]>;
  /** The messages of one thread, in number order (parents before children when numbering allows). */
  thread(threadId: number): Promise<MessageSummary[]>;
  /** The most recent messages by date (undated ones last): the home page and the feed. */
  latest(limit: number): Promise<MessageSummary[]>;
  /**
   * The numbers of the messages this reader may see, in number order: all of them, or one release's
   * (for exports: paging a search through a million messages sorted each page again, 6 min at 1M).
   */
  messageIds(release?: number): Promise<number[]>;
  stats(): Promise<ArchiveStats>;
  /** Changes whenever what this reader sees changes (a write by any process, a release reaching its time). */
  dataVersion(): string;
}

/** Search: a page of results, every match, related messages, word counts. */
export interface SearchReader {
  search(query: QueryNode, options: SearchOptions): Promise<SearchResult>;
  /**
   * Builds now what the first search would build (the in-memory facet columns, what this reader may
   * see, the rank worker): a server calls it before it listens, so no reader waits for it.
   */
  prepareSearch(): Promise<void>;
  /** Messages most similar in content (not in the same thread), best first. */
  related(id: number, limit: number): Promise<MessageSummary[]>;
  /**
   * The numbers of every message a query matches that this reader may see, in number order: what
   * `release create --query` and a redaction's "also in" take (a search paged through 1M messages took minutes).
   */
  matchingIds(query: QueryNode): Promise<number[]>;
  /**
   * How many messages hold each of these folded words, from term_docs (words of one message are
   * absent). Counts every message, embargoed ones too: what uses it must check what it shows
   * against a search (query/spelling.ts does).
   */
  wordCounts(words: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

/** Verification and the key archive. */
export interface KeyReader {
  verification(id: number): Promise<VerificationReport | null>;
  /** Every archived key record with its sightings. */
  keyRecords(): Promise<KeyRecord[]>;
  keyUses(): Promise<KeyUse[]>;
  /** Key names that signatures need and the archive lacks. */
  missingKeys(): Promise<KeyUse[]>;
  messagesSignedWith(names: readonly string[]): Promise<number[]>;
  /** What re-verification walks: from `afterId` on in id order, or the given ids. */
  rawRefs(from: { afterId: number; limit: number } | { ids: readonly number[] }): Promise<RawRef[]>;
}

/** Releases and the public amendment log. */
export interface ReleaseReader {
  /** Releases this reader may see (the public: published ones only). */
  releases(): Promise<Release[]>;
  /** The signed amendment log (public, whole). */
  amendments(): Promise<SignedAmendment[]>;
  /** The amendment that took a message down, if one did. */
  withdrawal(id: number): Promise<SignedAmendment | null>;
}

/** Distinct attachments and their text. */
export interface AttachmentReader {
  /** The extracted text of an attachment (by content), if a message this reader may see has it. */
  attachmentText(sha256: string): Promise<AttachmentText | null>;
  /** The messages this reader may see that carry an attachment with these bytes, in number order. */
  attachmentMessages(sha256: string): Promise<MessageSummary[]>;
  /** Distinct attachments of visible messages, most used first: the attachment index. */
  attachmentIndex(options: { readonly limit: number; readonly offset: number; readonly type?: string | null }): Promise<AttachmentIndex>;
}

/** Everything a reader may ask (the web server, the export, read-only commands get one). */
export interface ArchiveReader extends MessageReader, SearchReader, KeyReader, ReleaseReader, AttachmentReader {
  close(): Promise<void>;
}

/** What an ingest writes (and reads to resume). */
export interface IngestWriter {
  sourceState(key: string): Promise<SourceState | undefined>;
  /** Every message stored, embargoed or not (cheaper than stats()). */
  messageCount(): Promise<number>;
  /** Commits a batch atomically: messages, provenance, problems and source cursors together. */
  commit(batch: IngestBatch): Promise<CommitOutcome[]>;
  recordRun(run: { startedAt: string; finishedAt: string; summary: unknown }): Promise<void>;
  /** After a large write (an ingest): brings up to date what the store derives in bulk (word statistics, planner statistics). */
  refreshStatistics(): Promise<void>;
}

/** Threading after an ingest. */
export interface ThreadWriter {
  threadInputs(): Promise<ThreadInput[]>;
  /** Saves thread links; returns how many messages changed. */
  saveThreads(assignments: readonly ThreadAssignment[]): Promise<number>;
}

/** The key archive and verification results. */
export interface KeyWriter {
  addKeyRecords(records: readonly KeyRecord[]): Promise<KeyImportOutcome>;
  saveVerifications(items: readonly VerificationItem[]): Promise<void>;
}

/** Releases and amendments. */
export interface ReleaseWriter {
  /** A new release of the messages given that are in no release yet. */
  createRelease(input: { title: string; selection: string; ids: readonly number[] | 'all-remaining' }): Promise<{ release: Release; alreadyReleased: number }>;
  /** Schedules (or, with a past time, makes) a release public; a refusal (release/publishRules.ts) says why it cannot. */
  publishRelease(number: number, at: Date): Promise<Release | PublishRefusal>;
  /** Appends a signed entry (made by `make` from its sequence and the previous entry's hash); a withdrawal takes its messages down, a restore of one puts them back. */
  appendAmendment(make: (seq: number, previous: string | null) => SignedAmendment): Promise<SignedAmendment>;
}

/** Redactions (the private records stay with the publisher). */
export interface RedactionWriter {
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
}

/** Attachment text. */
export interface ExtractionWriter {
  /** Distinct attachments with no extracted text yet (with `retry`, also those that failed or timed out). */
  pendingAttachments(options: { readonly retry: boolean }): Promise<PendingAttachment[]>;
  /** Saves extracted texts and, in the same transaction, the search text of every message that has them. */
  saveAttachmentTexts(items: readonly AttachmentText[]): Promise<void>;
}

/** A store opened for writing: a reader, and every kind of write. */
export interface ArchiveWriter extends ArchiveReader, IngestWriter, ThreadWriter, KeyWriter, ReleaseWriter, RedactionWriter, ExtractionWriter {}
