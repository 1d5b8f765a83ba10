/** The index of distinct attachments. */

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
