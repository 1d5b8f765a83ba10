import type { WarningKind } from '../mail/warnings.js';

/** The figures of an archive (home page, `epistola stats`). */

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

/** A key name and how many messages carry a signature naming it. */
export interface KeyUse {
  readonly name: string;
  readonly messages: number;
}
