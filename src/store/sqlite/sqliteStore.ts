import Database from 'better-sqlite3';
import type { WarningKind } from '../../mail/warnings.js';
import { DataDirError } from '../../errors.js';
import type {
  ArchiveStats,
  ArchiveWriter,
  CommitOutcome,
  IngestBatch,
  IngestItem,
  AttachmentIndex,
  MessageRecord,
  MessageSummary,
  SearchOptions,
  SearchResult,
  ThreadAssignment,
  ThreadInput,
  SourceState,
  StoredMessage,
  KeyImportOutcome,
  KeyUse,
  VerificationItem,
  RawRef,
  Release,
  Audience,
} from '../archiveStore.js';
import type { KeyRecord } from '../../verify/keyRecord.js';
import type { VerificationReport } from '../../verify/report.js';
import { addKeyRecordsSqlite, verificationWriter } from './sqliteVerification.js';
import { FTS_COLUMNS, MIGRATIONS, REFRESH_TERM_DOCS } from './schema.js';
import { cacheStatements } from './statementCache.js';
import type { SignedAmendment } from '../../model/amendment.js';
import { quotedText } from '../../text/quotes.js';
import { sqliteDriver } from './sqliteDriver.js';
import * as sql from '../sql/index.js';
import { nextPublication, publicNumbers, visibleSql, type EmbargoSql, type ReleaseTime } from '../../release/embargo.js';
import type { PublishRefusal } from '../../release/publishRules.js';
import { facetIndexSqlite, matchingIdsSqlite, searchSqlite } from './sqliteSearch.js';
import { RankPool } from './rankPool.js';
import { refreshRankedWords, refreshRankedWordsWith, type RankedWordsOptions } from './rankedWords.js';
import type { FacetIndex } from '../../search/facetIndex.js';
import { sqliteTransfer } from './sqliteTransfer.js';
import type { TableTransfer } from '../transfer.js';
import { relatedSqlite } from './relatedMessages.js';
import type { QueryNode } from '../../query/ast.js';

import {
  addressRows,
  attachmentOf,
  attachmentSearchText,
  attachmentTextRow,
  contentRowOf,
  messageRowOf,
  redactionRow,
  summaryOf,
  SUMMARY_COLUMNS,
  type Row,
} from '../messageRows.js';
import type { AttachmentText, PendingAttachment } from '../../extract/attachmentText.js';
import type { RedactionRecord, RedactionSummary } from '../../redact/redactionRecord.js';

/** The FTS5 columns in order, and where the attachment text is among them. */
const FTS_COLUMN_LIST = FTS_COLUMNS.split(',').map((c) => c.trim());
const ATTACHMENT_TEXT_COLUMN = FTS_COLUMN_LIST.indexOf('search_attachment_text');

/** A messages row as this store keeps it: the columns every store shares, and the quoted lines apart (schema 13). */
function sqliteRow(row: Row): Row {
  return { ...row, search_quoted: quotedText(row.text_body as string | null) };
}

function prepareStatements(db: Database.Database) {
  return {
    // A redacted message's row names its redacted bytes; the original's are known by the redaction.
    bySha: db.prepare('SELECT id FROM messages WHERE sha256 = @sha UNION ALL SELECT message FROM redactions WHERE original_sha256 = @sha LIMIT 1').pluck(),
    firstWithId: db.prepare('SELECT id FROM messages WHERE message_id = ? ORDER BY id LIMIT 1').pluck(),
    insertMessage: db.prepare(`INSERT INTO messages (sha256, size, message_id, subject, date_utc, date_header,
      from_name, from_addr, sender_json, to_json, cc_json, bcc_json, reply_to_json, in_reply_to, references_json,
      text_body, html_body, folder, attachment_count, headers_only, copy_of,
      search_addresses, search_from, search_to, search_cc, search_bcc, search_attachments, search_extra, dkim_verdict,
      lang, forms_subject, forms_body, search_attachment_text, search_quoted)
      VALUES (@sha256, @size, @message_id, @subject, @date_utc, @date_header, @from_name, @from_addr, @sender_json, @to_json, @cc_json,
      @bcc_json, @reply_to_json, @in_reply_to, @references_json, @text_body, @html_body, @folder, @attachment_count, @headers_only, @copy_of,
      '', @search_from, @search_to, @search_cc, @search_bcc, @search_attachments, @search_extra, @dkim_verdict,
      @lang, @forms_subject, @forms_body, @search_attachment_text, @search_quoted)`),
    insertFts: db.prepare(`INSERT INTO messages_fts (rowid, ${FTS_COLUMNS}) VALUES (?, ${FTS_COLUMN_LIST.map(() => '?').join(', ')})`),
    extractedText: db.prepare("SELECT text FROM attachment_texts WHERE sha256 = ? AND status = 'ok'").pluck(),
    insertAddress: db.prepare('INSERT INTO addresses (message, role, position, name, address) VALUES (?, ?, ?, ?, ?)'),
    insertAttachment: db.prepare(`INSERT INTO attachments (message, idx, filename, content_type, size, sha256, inline, content_id, embedded_subject)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertWarning: db.prepare('INSERT OR IGNORE INTO warnings (message, kind, detail) VALUES (?, ?, ?)'),
    insertLocation: db.prepare(`INSERT OR IGNORE INTO locations (source, locator, message, byte_offset, folder, envelope)
      VALUES (?, ?, ?, ?, ?, ?)`),
    insertProblem: db.prepare('INSERT OR IGNORE INTO source_problems (source, locator, kind, detail) VALUES (?, ?, ?, ?)'),
    setCursor: db.prepare(`INSERT INTO sources (key, cursor, done) VALUES (?, ?, 0)
      ON CONFLICT(key) DO UPDATE SET cursor = excluded.cursor, done = 0`),
    setDone: db.prepare(`INSERT INTO sources (key, cursor, fingerprint, done) VALUES (?, NULL, ?, 1)
      ON CONFLICT(key) DO UPDATE SET fingerprint = excluded.fingerprint, done = 1, cursor = NULL`),
  };
}

/** The embargo rule (release/embargo.ts) in SQLite's words. */
const SQLITE_EMBARGO: EmbargoSql = {
  always: '1',
  // Unary + keeps the planner off the release index: with it, a look-up by id or thread walked
  // every message of the release (70 ms instead of 0.1 ms at 100k, measured).
  inReleases: (alias, numbers) => `+${alias}.release_number IN (${numbers.join(',') || 'NULL'})`,
  notWithdrawn: (alias) => `${alias}.id NOT IN (SELECT message FROM withdrawn)`,
};

/** SQLite store: better-sqlite3, WAL journal, FTS5. Opened read-only for readers. */
export interface SqliteOpenOptions {
  readonly readonly?: boolean;
  readonly audience?: Audience;
  readonly now?: () => Date;
  /** The fewest matches whose bm25 pass is split with a second thread (rankPool.ts). */
  readonly splitRankFrom?: number;
  /** Which words get champion lists after an ingest (rankedWords.ts). */
  readonly rankedWords?: RankedWordsOptions;
  /** No in-memory search columns unless facets are asked for (openStore.ts OpenOptions). */
  readonly shortLived?: boolean;
}

export class SqliteStore implements ArchiveWriter {
  readonly #db: Database.Database;
  readonly #readonly: boolean;
  readonly #audience: Audience;
  readonly #now: () => Date;

  private constructor(db: Database.Database, options: SqliteOpenOptions) {
    this.#db = db;
    this.#readonly = options.readonly ?? false;
    this.#audience = options.audience ?? 'publisher';
    this.#now = options.now ?? (() => new Date());
    this.#rankPool = db.memory ? null : new RankPool(db.name, options.splitRankFrom);
    this.#rankedWords = options.rankedWords ?? {};
    this.#shortLived = options.shortLived ?? false;
    this.#sql = sqliteDriver(db);
  }

  /** The connection as the shared store half (store/sql/) uses it. */
  readonly #sql: sql.SqlDriver;

  readonly #shortLived: boolean;

  readonly #rankedWords: RankedWordsOptions;

  /** bm25 on a second thread for large results (started on first use). */
  readonly #rankPool: RankPool | null;

  /**
   * SQL that is true for the messages this store may show: all of them for the publisher; for the
   * public, only those in a release whose publish time has passed (embargo). Every reader query
   * that can return a message, a count of messages or a fact about one includes it.
   */
  #visible(alias: string): string {
    return visibleSql(SQLITE_EMBARGO, this.#audience, alias, () => this.#publicReleases().numbers);
  }

  #public: { version: number; numbers: number[]; until: number } | undefined;

  /**
   * The public release numbers, looked up again only when the database changed or when the next
   * scheduled publication time has come (this runs on every public request).
   */
  #publicReleases(): { version: number; numbers: number[] } {
    const version = (this.#dataVersion ??= this.#db.prepare('PRAGMA data_version').pluck()).get() as number;
    const now = this.#now();
    if (!this.#public || this.#public.version !== version || now.getTime() >= this.#public.until) {
      const times = this.#db.prepare('SELECT number, publish_at AS publishAt FROM releases ORDER BY number').all() as ReleaseTime[];
      this.#public = { version, numbers: publicNumbers(times, now), until: nextPublication(times, now) };
    }
    return this.#public;
  }

  /** Opens (and creates or migrates, unless read-only) the database file. */
  static open(path: string, options: SqliteOpenOptions = {}): SqliteStore {
    const readonly = options.readonly ?? false;
    let db: Database.Database;
    try {
      db = new Database(path, { readonly, fileMustExist: readonly });
      cacheStatements(db);
    } catch (error) {
      throw new DataDirError(`cannot open the archive database ${path}: ${(error as Error).message}`);
    }
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // WAL + NORMAL survives a killed process (kill -9) without losing committed batches.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    }
    db.pragma('cache_size = -65536');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      db.close();
      throw new DataDirError(`${path} was written by a newer Epistola (schema ${version}); upgrade Epistola`);
    }
    if (version < MIGRATIONS.length) {
      if (readonly) throw new DataDirError(`${path} needs a schema upgrade: run any writing command (epistola ingest) first`);
      db.transaction(() => {
        for (let v = version; v < MIGRATIONS.length; v++) {
          const step = MIGRATIONS[v]!;
          if (typeof step === 'string') db.exec(step);
          else if (version > 0) step(db); // code steps convert existing rows: a new archive has none
        }
        db.pragma(`user_version = ${MIGRATIONS.length}`);
      })();
      // Champion lists hold scores: an upgrade that adds them (9) or changes what ranks (13, quoted
      // lines) makes them anew now, not at the next ingest (until then they would not be used).
      if (version > 0) refreshRankedWords(db, options.rankedWords);
    }
    return new SqliteStore(db, options);
  }

  async messageCount(): Promise<number> {
    return sql.messageCountOf(this.#sql);
  }

  async sourceState(key: string): Promise<SourceState | undefined> {
    return sql.sourceStateOf(this.#sql, key);
  }

  #prepared: ReturnType<typeof prepareStatements> | undefined;

  #insertNew(item: IngestItem): CommitOutcome {
    const s = (this.#prepared ??= prepareStatements(this.#db));
    const r = item.record;
    const copyOf = r.messageId ? ((s.firstWithId.get(r.messageId) as number | undefined) ?? null) : null;
    const record = this.#withAttachmentText(r);
    const row = sqliteRow(messageRowOf(record, item.provenance.folder, copyOf));
    const id = Number(s.insertMessage.run(row).lastInsertRowid);
    this.#writeContent(id, record, row);
    if (r.verification) this.#writeVerification({ id, report: r.verification }, { verdictWritten: true });
    return { kind: 'new', id, copyOf };
  }

  /** The record with the text already extracted from its attachments (an attachment seen before, in another message). */
  #withAttachmentText(r: MessageRecord): MessageRecord {
    if (r.attachments.length === 0) return r;
    const s = (this.#prepared ??= prepareStatements(this.#db));
    const texts = new Map<string, string>();
    for (const a of r.attachments) {
      const text = s.extractedText.get(a.sha256) as string | undefined;
      if (text) texts.set(a.sha256, text);
    }
    return texts.size > 0 ? { ...r, attachmentText: attachmentSearchText(r.attachments, texts) } : r;
  }

  /** The rows beside a message's own that come from its bytes: full-text entry, addresses, attachments, warnings. */
  #writeContent(id: number, r: MessageRecord, row: Row): void {
    const s = (this.#prepared ??= prepareStatements(this.#db));
    s.insertFts.run(id, ...FTS_COLUMN_LIST.map((column) => row[column] ?? null));
    for (const [role, position, name, address] of addressRows(r)) s.insertAddress.run(id, role, position, name, address);
    for (const a of r.attachments) {
      s.insertAttachment.run(id, a.index, a.filename, a.contentType, a.size, a.sha256, a.inline ? 1 : 0, a.contentId, a.embeddedSubject);
    }
    for (const w of r.warnings) s.insertWarning.run(id, w.kind, w.detail);
  }

  async replaceContent(id: number, record: MessageRecord, redaction: RedactionRecord | null): Promise<void> {
    const db = this.#db;
    const r = this.#withAttachmentText(record);
    db.transaction(() => {
      // External-content FTS5 forgets a row only when told its old values exactly; any other value
      // would leave the old words findable.
      const old = db.prepare(`SELECT ${FTS_COLUMNS} FROM messages WHERE id = ?`).raw().get(id) as unknown[] | undefined;
      if (!old) throw new Error(`no message ${id}`);
      db.prepare(`INSERT INTO messages_fts (messages_fts, rowid, ${FTS_COLUMNS}) VALUES ('delete', ?, ${old.map(() => '?').join(', ')})`).run(id, ...old);
      const row = sqliteRow(contentRowOf(r));
      db.prepare(
        `UPDATE messages SET ${Object.keys(row)
          .map((k) => `${k} = @${k}`)
          .join(', ')} WHERE id = @id`,
      ).run({ ...row, id });
      for (const table of ['addresses', 'attachments', 'warnings']) db.prepare(`DELETE FROM ${table} WHERE message = ?`).run(id);
      this.#writeContent(id, r, row);
      db.prepare('DELETE FROM redactions WHERE message = ?').run(id);
      if (redaction)
        db.prepare('INSERT INTO redactions (message, original_sha256, original_size, redacted_at, spans_json, notice_json) VALUES (?, ?, ?, ?, ?, ?)').run(
          ...redactionRow(redaction),
        );
      // The champion lists were scored with the old words: unused until the next refreshStatistics.
      db.exec('DELETE FROM ranked_words_state');
    }).immediate();
  }

  async pendingAttachments(options: { readonly retry: boolean }): Promise<PendingAttachment[]> {
    return sql.pendingAttachmentsOf(this.#sql, options);
  }

  async saveAttachmentTexts(items: readonly AttachmentText[]): Promise<void> {
    const db = this.#db;
    const s = (this.#prepared ??= prepareStatements(db));
    db.transaction(() => {
      const upsert = db.prepare(
        'INSERT OR REPLACE INTO attachment_texts (sha256, status, method, pages, text, ocr_pages, detail, extracted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const t of items) upsert.run(...attachmentTextRow(t));
      const ids = db
        .prepare('SELECT DISTINCT message FROM attachments WHERE sha256 IN (SELECT value FROM json_each(?)) ORDER BY message')
        .pluck()
        .all(JSON.stringify(items.map((t) => t.sha256))) as number[];
      const readOld = db.prepare(`SELECT ${FTS_COLUMNS} FROM messages WHERE id = ?`).raw();
      const forget = db.prepare(
        `INSERT INTO messages_fts (messages_fts, rowid, ${FTS_COLUMNS}) VALUES ('delete', ?, ${FTS_COLUMN_LIST.map(() => '?').join(', ')})`,
      );
      const remember = db.prepare(`INSERT INTO messages_fts (rowid, ${FTS_COLUMNS}) VALUES (?, ${FTS_COLUMN_LIST.map(() => '?').join(', ')})`);
      const set = db.prepare('UPDATE messages SET search_attachment_text = ? WHERE id = ?');
      const attachmentsOf = db.prepare('SELECT * FROM attachments WHERE message = ? ORDER BY idx');
      for (const id of ids) {
        const attachments = (attachmentsOf.all(id) as Row[]).map(attachmentOf);
        const texts = new Map<string, string>();
        for (const a of attachments) {
          const text = s.extractedText.get(a.sha256) as string | undefined;
          if (text) texts.set(a.sha256, text);
        }
        const old = readOld.get(id) as unknown[];
        const next = attachmentSearchText(attachments, texts);
        if (old[ATTACHMENT_TEXT_COLUMN] === next) continue;
        forget.run(id, ...old);
        set.run(next, id);
        remember.run(id, ...old.with(ATTACHMENT_TEXT_COLUMN, next));
      }
      // The champion lists were scored without these words: unused until the next refreshStatistics.
      if (ids.length > 0) db.exec('DELETE FROM ranked_words_state');
    }).immediate();
  }

  async attachmentText(sha256: string): Promise<AttachmentText | null> {
    return sql.attachmentTextIn(this.#sql, sha256, this.#visible('m'));
  }

  async attachmentMessages(sha256: string): Promise<MessageSummary[]> {
    return this.#summaries('id IN (SELECT message FROM attachments WHERE sha256 = ?)', [sha256]);
  }

  async attachmentIndex(options: { readonly limit: number; readonly offset: number; readonly type?: string | null }): Promise<AttachmentIndex> {
    return sql.attachmentIndexOf(this.#sql, this.#visible('m'), options);
  }

  async redaction(id: number): Promise<RedactionRecord | null> {
    return sql.redactionIn(this.#sql, id);
  }

  async redactions(): Promise<RedactionSummary[]> {
    return sql.redactionsIn(this.#sql);
  }

  async commit(batch: IngestBatch): Promise<CommitOutcome[]> {
    const s = (this.#prepared ??= prepareStatements(this.#db));
    const run = this.#db.transaction((): CommitOutcome[] => {
      const outcomes: CommitOutcome[] = [];
      const cursors = new Map<string, string>();
      for (const item of batch.items) {
        const existing = s.bySha.get({ sha: item.record.sha256 }) as number | undefined;
        let outcome: CommitOutcome;
        const p = item.provenance;
        if (existing === undefined) {
          outcome = this.#insertNew(item);
          s.insertLocation.run(p.sourceKey, p.locator, outcome.id, p.offset, p.folder, p.envelope);
        } else {
          const added = s.insertLocation.run(p.sourceKey, p.locator, existing, p.offset, p.folder, p.envelope).changes > 0;
          outcome = { kind: added ? 'duplicate' : 'known', id: existing };
        }
        outcomes.push(outcome);
        cursors.set(p.sourceKey, item.cursor);
      }
      for (const { sourceKey, problem } of batch.problems) s.insertProblem.run(sourceKey, problem.locator, problem.kind, problem.detail);
      for (const [key, cursor] of cursors) s.setCursor.run(key, cursor);
      for (const { key, fingerprint } of batch.finishedSources) s.setDone.run(key, fingerprint);
      return outcomes;
    });
    return run.immediate();
  }

  async recordRun(run: { startedAt: string; finishedAt: string; summary: unknown }): Promise<void> {
    await sql.recordRunIn(this.#sql, run);
  }

  async stats(): Promise<ArchiveStats> {
    const db = this.#db;
    const one = (sql: string) => db.prepare(sql).get() as Row;
    const vis = this.#visible('messages');
    const publisher = this.#audience === 'publisher';
    // Rows of other tables count only for visible messages: for the publisher all of them, without a
    // look-up per row (115 of 300 ms at 100k); for the public each table in the form that measured
    // fastest at 100k (a join from the messages for locations and warnings, a list for attachments:
    // 24, 0.2 and 38 ms, where the list form took 58, 28 and 38).
    const visibleRows = (table: string, how: 'join' | 'list') =>
      publisher
        ? `FROM ${table}`
        : how === 'join'
          ? `FROM ${table} JOIN messages m ON m.id = ${table}.message WHERE ${this.#visible('m')}`
          : `FROM ${table} WHERE message IN (SELECT id FROM messages WHERE ${vis})`;
    // One pass over the narrow figures index (schema 14) gives the totals and the DKIM verdicts.
    const byVerdict = db
      .prepare(
        `SELECT coalesce(dkim_verdict, 'unverified') AS verdict, count(*) AS n, coalesce(sum(size), 0) AS bytes, sum(copy_of IS NOT NULL) AS copies,
          sum(headers_only) AS headersOnly, min(date_utc) AS first, max(date_utc) AS last FROM messages INDEXED BY messages_figures WHERE ${vis} GROUP BY dkim_verdict`,
      )
      .all() as Row[];
    const sum = (key: string) => byVerdict.reduce((total, row) => total + ((row[key] as number | null) ?? 0), 0);
    const dated = byVerdict.filter((row) => row.first !== null);
    const m = {
      n: sum('n'),
      bytes: sum('bytes'),
      copies: sum('copies'),
      headersOnly: sum('headersOnly'),
      first: dated.length > 0 ? Math.min(...dated.map((row) => row.first as number)) : null,
      last: dated.length > 0 ? Math.max(...dated.map((row) => row.last as number)) : null,
    };
    const locations = one(`SELECT count(*) AS n ${visibleRows('locations', 'join')}`).n as number;
    const a = one(`SELECT count(*) AS n, coalesce(sum(attachments.size), 0) AS bytes ${visibleRows('attachments', 'list')}`);
    const warnings: Partial<Record<WarningKind, number>> = {};
    for (const row of db.prepare(`SELECT kind, count(*) AS n ${visibleRows('warnings', 'join')} GROUP BY kind ORDER BY kind`).all() as Row[]) {
      warnings[row.kind as WarningKind] = row.n as number;
    }
    const sourceProblems: Record<string, number> = {};
    for (const row of (publisher ? db.prepare('SELECT kind, count(*) AS n FROM source_problems GROUP BY kind ORDER BY kind').all() : []) as Row[]) {
      sourceProblems[row.kind as string] = row.n as number;
    }
    const folders = (
      db
        .prepare(
          `SELECT folder, count(*) AS n FROM messages ${publisher ? '' : 'INDEXED BY messages_narrow'} WHERE ${vis} GROUP BY folder ORDER BY n DESC, folder LIMIT 20`,
        )
        .all() as Row[]
    ).map((row) => ({ folder: row.folder as string, messages: row.n as number }));
    const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);
    const dkim: Record<string, number> = {};
    for (const row of [...byVerdict].sort((x, y) => (y.n as number) - (x.n as number) || ((x.verdict as string) < (y.verdict as string) ? -1 : 1)))
      dkim[row.verdict as string] = row.n as number;
    return {
      messages: m.n,
      rawBytes: m.bytes,
      duplicates: locations - m.n,
      copies: m.copies,
      attachments: a.n as number,
      attachmentBytes: a.bytes as number,
      headersOnly: m.headersOnly,
      firstDate: iso(m.first),
      lastDate: iso(m.last),
      warnings,
      sourceProblems,
      sources: publisher ? (one('SELECT count(*) AS n FROM sources').n as number) : 0,
      folders,
      dkim,
      keyRecords: one('SELECT count(*) AS n FROM dkim_keys').n as number,
    };
  }

  async rawBlob(id: number): Promise<{ sha256: string; size: number } | undefined> {
    return sql.rawBlobOf(this.#sql, id, this.#visible('messages'));
  }

  async getMessage(id: number): Promise<StoredMessage | undefined> {
    return sql.storedMessageIn(this.#sql, id, this.#visible('messages'));
  }

  async threadInputs(): Promise<ThreadInput[]> {
    const rows = this.#db.prepare('SELECT id, message_id, in_reply_to, references_json, subject FROM messages ORDER BY id').raw().all() as unknown[][];
    return rows.map(([id, messageId, inReplyTo, references, subject]) => ({
      id: id as number,
      messageId: messageId as string | null,
      inReplyTo: inReplyTo as string | null,
      references: JSON.parse(references as string) as string[],
      subject: subject as string | null,
    }));
  }

  async saveThreads(assignments: readonly ThreadAssignment[]): Promise<number> {
    const db = this.#db;
    const current = new Map<number, string>();
    for (const [id, threadId, parentId, parentMessageId, evidence] of db
      .prepare('SELECT id, thread_id, parent_id, parent_message_id, parent_evidence FROM messages')
      .raw()
      .all() as unknown[][]) {
      current.set(id as number, JSON.stringify([threadId, parentId, parentMessageId, evidence]));
    }
    const update = db.prepare('UPDATE messages SET thread_id = ?, parent_id = ?, parent_message_id = ?, parent_evidence = ? WHERE id = ?');
    let changed = 0;
    db.transaction(() => {
      for (const a of assignments) {
        const values = [a.threadId, a.parentId, a.parentMessageId, a.evidence] as const;
        if (current.get(a.id) === JSON.stringify(values)) continue;
        update.run(...values, a.id);
        changed++;
      }
    }).immediate();
    return changed;
  }

  #summaries(where: string, params: unknown[]): MessageSummary[] {
    return (
      this.#db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM messages WHERE (${where}) AND ${this.#visible('messages')} ORDER BY id`).all(...params) as Row[]
    ).map(summaryOf);
  }

  async search(query: QueryNode, options: SearchOptions): Promise<SearchResult> {
    const memory = !this.#shortLived || options.facets === true;
    return searchSqlite(this.#db, query, options, {
      summaries: (ids) => this.#summariesOf(ids),
      visible: this.#visible('m'),
      visibleIds: memory ? this.#visibleIds() : null,
      facetIndex: memory ? () => this.#facetIndex() : null,
      rankPool: this.#rankPool,
    });
  }

  async matchingIds(query: QueryNode): Promise<number[]> {
    return matchingIdsSqlite(this.#db, query, this.#visible('m'));
  }

  async wordCounts(words: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return sql.wordCountsOf(this.#sql, words);
  }

  async prepareSearch(): Promise<void> {
    this.#facetIndex();
    this.#visibleIds();
    await this.#rankPool?.prepare();
  }

  #visibleBitmap: { key: string; bitmap: Uint8Array } | undefined;

  /**
   * #visible in memory, one byte per message number, for searches answered from the index and the
   * in-memory columns; made again only when the archive or the public releases changed (testing each
   * number against the releases and withdrawals on every search cost ~2 ms at 100k messages).
   */
  #visibleIds(): Uint8Array | null {
    if (this.#audience === 'publisher') return null;
    const index = this.#facetIndex();
    const numbers = this.#publicReleases().numbers;
    const key = `${this.#facets?.version}|${numbers.join(',')}`;
    if (this.#visibleBitmap?.key !== key) this.#visibleBitmap = { key, bitmap: index.visibleTo(numbers, this.#withdrawnIds()) };
    return this.#visibleBitmap.bitmap;
  }

  #withdrawn: { version: string; ids: Set<number> } | undefined;

  #withdrawnIds(): Set<number> {
    const version = this.#facets?.version ?? '';
    if (this.#withdrawn?.version !== version)
      this.#withdrawn = { version, ids: new Set(this.#db.prepare('SELECT message FROM withdrawn').pluck().all() as number[]) };
    return this.#withdrawn.ids;
  }

  #facets: { version: string; index: FacetIndex } | undefined;

  /**
   * The in-memory facet index (facetIndex.ts), rebuilt when the archive changed: data_version counts
   * other connections' commits, total_changes() this connection's own writes.
   */
  #facetIndex(): FacetIndex {
    const version = `${(this.#dataVersion ??= this.#db.prepare('PRAGMA data_version').pluck()).get() as number}/${this.#db.prepare('SELECT total_changes()').pluck().get() as number}`;
    if (this.#facets?.version !== version) this.#facets = { version, index: facetIndexSqlite(this.#db) };
    return this.#facets.index;
  }

  async related(id: number, limit: number): Promise<MessageSummary[]> {
    return relatedSqlite(this.#db, id, limit, (ids) => this.#summariesOf(ids), this.#visible('m'));
  }

  async thread(threadId: number): Promise<MessageSummary[]> {
    return this.#summaries('thread_id = ?', [threadId]);
  }

  async summaries(ids: readonly number[]): Promise<MessageSummary[]> {
    return this.#summariesOf(ids);
  }

  async messageIds(release?: number): Promise<number[]> {
    return sql.messageIdsOf(this.#sql, this.#visible('m'), release);
  }

  dataVersion(): string {
    if (this.#audience === 'publisher') return String((this.#dataVersion ??= this.#db.prepare('PRAGMA data_version').pluck()).get() as number);
    // A release scheduled with --at becomes public without any write: that changes what is visible too.
    const { version, numbers } = this.#publicReleases();
    return `${version}/${numbers.join(',')}`;
  }

  #dataVersion: Database.Statement | undefined;

  async latest(limit: number): Promise<MessageSummary[]> {
    return this.#summariesOf(await sql.latestIdsOf(this.#sql, this.#visible('messages'), limit));
  }

  /** Summaries in the order of `ids`. */
  #summariesOf(ids: readonly number[]): MessageSummary[] {
    if (ids.length === 0) return [];
    const byId = new Map(this.#summaries(`id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]).map((m) => [m.id, m]));
    return ids.map((id) => byId.get(id)).filter((m): m is MessageSummary => m !== undefined);
  }

  async verification(id: number): Promise<VerificationReport | null> {
    return sql.verificationOf(this.#sql, id);
  }

  async keyRecords(): Promise<KeyRecord[]> {
    return sql.keyRecordsOf(this.#sql);
  }

  async keyUses(): Promise<KeyUse[]> {
    return sql.keyUsesOf(this.#sql, this.#visible('messages'));
  }

  async missingKeys(): Promise<KeyUse[]> {
    return sql.missingKeysOf(this.#sql);
  }

  async messagesSignedWith(names: readonly string[]): Promise<number[]> {
    return sql.messagesSignedWithOf(this.#sql, names);
  }

  async rawRefs(from: { afterId: number; limit: number } | { ids: readonly number[] }): Promise<RawRef[]> {
    return sql.rawRefsOf(this.#sql, from);
  }

  async addKeyRecords(records: readonly KeyRecord[]): Promise<KeyImportOutcome> {
    return addKeyRecordsSqlite(this.#db, records);
  }

  async saveVerifications(items: readonly VerificationItem[]): Promise<void> {
    this.#db.transaction(() => items.forEach((item) => this.#writeVerification(item))).immediate();
  }

  #verificationWriter: ReturnType<typeof verificationWriter> | undefined;
  #writeVerification(item: VerificationItem, options?: { verdictWritten: boolean }): void {
    (this.#verificationWriter ??= verificationWriter(this.#db))(item, options);
  }

  // Releases and the amendment log: the store half both backends share (store/sql/).
  async releases(): Promise<Release[]> {
    return sql.releasesOf(this.#sql, this.#now(), this.#audience);
  }

  async createRelease(input: {
    title: string;
    selection: string;
    ids: readonly number[] | 'all-remaining';
  }): Promise<{ release: Release; alreadyReleased: number }> {
    return sql.createReleaseIn(this.#sql, { ...input, now: this.#now() });
  }

  async publishRelease(number: number, at: Date): Promise<Release | PublishRefusal> {
    return sql.publishReleaseIn(this.#sql, number, at, this.#now());
  }

  async amendments(): Promise<SignedAmendment[]> {
    return sql.amendmentsOf(this.#sql);
  }

  async withdrawal(id: number): Promise<SignedAmendment | null> {
    return sql.withdrawalOf(this.#sql, id);
  }

  async appendAmendment(make: (seq: number, previous: string | null) => SignedAmendment): Promise<SignedAmendment> {
    return sql.appendAmendmentTo(this.#sql, make);
  }

  async refreshStatistics(): Promise<void> {
    this.#db.transaction(() => this.#db.exec(REFRESH_TERM_DOCS)).immediate();
    if (this.#rankPool) await refreshRankedWordsWith(this.#rankPool, this.#db, this.#rankedWords);
    else refreshRankedWords(this.#db, this.#rankedWords);
    this.#db.pragma('optimize');
  }

  /** Its tables, for `epistola migrate`. */
  transfer(): TableTransfer {
    return sqliteTransfer(this.#db);
  }

  async close(): Promise<void> {
    await this.#rankPool?.close();
    if (!this.#readonly) this.#db.pragma('wal_checkpoint(TRUNCATE)');
    this.#db.close();
  }
}
