/**
 * Moving an archive between stores (`epistola migrate`): every table, row for row, with the same
 * numbers. Each store reads and writes its own tables; search indexes are rebuilt by the target.
 */
export interface TableTransfer {
  /** Rows of one table in key order, in batches. */
  readTable(table: string, columns: readonly string[]): AsyncIterable<unknown[][]>;
  writeRows(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void>;
  /** Messages, releases, keys or amendments already here (a migration only fills an empty archive). */
  isEmpty(): Promise<boolean>;
  begin(): Promise<void>;
  /** Rebuilds what derives from the rows (search index, sequences) and commits. */
  finish(): Promise<void>;
  rollback(): Promise<void>;
  count(table: string): Promise<number>;
}

/** The tables of an archive and the columns both stores share, in an order that respects references. */
export const ARCHIVE_TABLES: ReadonlyArray<readonly [table: string, columns: readonly string[]]> = [
  [
    'messages',
    [
      'id',
      'sha256',
      'size',
      'message_id',
      'subject',
      'date_utc',
      'date_header',
      'from_name',
      'from_addr',
      'sender_json',
      'to_json',
      'cc_json',
      'bcc_json',
      'reply_to_json',
      'in_reply_to',
      'references_json',
      'text_body',
      'html_body',
      'folder',
      'attachment_count',
      'headers_only',
      'copy_of',
      'thread_id',
      'release_number',
      'search_attachments',
      'search_extra',
      'parent_id',
      'parent_evidence',
      'parent_message_id',
      'dkim_verdict',
      'search_from',
      'search_to',
      'search_cc',
      'search_bcc',
      'lang',
      'forms_subject',
      'forms_body',
      'search_attachment_text',
    ],
  ],
  ['addresses', ['message', 'role', 'position', 'name', 'address']],
  ['attachments', ['message', 'idx', 'filename', 'content_type', 'size', 'sha256', 'inline', 'content_id', 'embedded_subject']],
  ['warnings', ['message', 'kind', 'detail']],
  ['locations', ['source', 'locator', 'message', 'byte_offset', 'folder', 'envelope']],
  ['sources', ['key', 'cursor', 'fingerprint', 'done']],
  ['source_problems', ['source', 'locator', 'kind', 'detail']],
  ['ingest_runs', ['id', 'started_at', 'finished_at', 'summary_json']],
  ['dkim_keys', ['id', 'name', 'record']],
  ['dkim_key_sightings', ['key', 'source', 'seen']],
  ['verifications', ['message', 'verdict', 'domain', 'as_of', 'verifier', 'report_json']],
  ['signatures', ['message', 'idx', 'key_name', 'outcome']],
  ['releases', ['number', 'title', 'selection', 'created_at', 'publish_at']],
  ['amendments', ['seq', 'entry_json', 'signature']],
  ['withdrawn', ['message', 'amendment']],
  ['redactions', ['message', 'original_sha256', 'original_size', 'redacted_at', 'spans_json', 'notice_json']],
  ['attachment_texts', ['sha256', 'status', 'method', 'pages', 'text', 'ocr_pages', 'detail', 'extracted_at']],
];

export const MESSAGE_COLUMNS = ARCHIVE_TABLES[0]![1];

export interface MigrationSummary {
  readonly tables: ReadonlyArray<{ readonly table: string; readonly rows: number }>;
  readonly elapsedMs: number;
}

/** Copies every table from `source` to the empty `target`; checks that the row counts match. */
export async function migrateArchive(
  source: TableTransfer,
  target: TableTransfer,
  onProgress?: (table: string, rows: number) => void,
): Promise<MigrationSummary> {
  const started = Date.now();
  if (!(await target.isEmpty())) throw new Error('the target already holds an archive: migrate only into an empty one');
  const tables: Array<{ table: string; rows: number }> = [];
  await target.begin();
  try {
    for (const [table, columns] of ARCHIVE_TABLES) {
      let copied = 0;
      for await (const batch of source.readTable(table, columns)) {
        await target.writeRows(table, columns, batch);
        copied += batch.length;
        onProgress?.(table, copied);
      }
      tables.push({ table, rows: copied });
    }
    await target.finish();
  } catch (error) {
    await target.rollback();
    throw error;
  }
  for (const { table, rows } of tables) {
    const there = await target.count(table);
    if (there !== rows) throw new Error(`${table}: ${rows} rows read, ${there} in the target`);
  }
  return { tables, elapsedMs: Date.now() - started };
}
