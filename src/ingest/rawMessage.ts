import type { ParseWarning } from '../mail/warnings.js';

/** One message as read from a source, before any parsing. */
export interface RawMessage {
  /** The message bytes exactly as they were in the source, mbox envelope and quoting removed. */
  readonly bytes: Buffer;
  /** Where in the source: the byte offset of the mbox `From ` line, or a path relative to the source root. */
  readonly locator: string;
  /** Byte offset in the (decompressed) mbox stream; null for one-file-per-message sources. */
  readonly offset: number | null;
  /** The folder the message was filed in (Maildir folder, mbox file name, directory). */
  readonly folder: string;
  /** What to store so that a resumed read starts right after this message. */
  readonly cursor: string;
  /** The mbox `From ` envelope line (or an .eml file's leading one), if any. */
  readonly envelope: string | null;
  /** What the reader knows of the message that its bytes do not say (an Outlook item converted), kept as warnings. */
  readonly notes?: readonly ParseWarning[];
}

/** A problem with one part of a source that did not stop the read (an unreadable file, an empty one). */
export interface SourceProblem {
  readonly locator: string;
  readonly kind:
    | 'unreadable'
    | 'empty-file'
    | 'empty-source'
    | 'emlx-length-wrong'
    | 'not-mail'
    | 'archive-unreadable'
    | 'archive-entry-refused'
    | 'archive-entry-encrypted'
    | 'archive-entry-too-large'
    | 'archive-entry-unreadable'
    | 'archive-too-deep'
    | 'archive-too-many-entries';
  readonly detail: string;
}

/** What readers yield: a message, or a problem they stepped over. */
export type SourceItem = { readonly message: RawMessage } | { readonly problem: SourceProblem };

/** Reports how many source bytes have been consumed (compressed bytes for gzip), for progress. */
export type BytesReadCallback = (bytes: number) => void;
