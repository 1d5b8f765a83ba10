import type { SourceProblem } from '../ingest/rawMessage.js';
import type { VerificationReport } from '../verify/report.js';
import type { MessageRecord, Provenance } from './message.js';

/** What one ingest transaction hands the store, and what it answers. */

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
