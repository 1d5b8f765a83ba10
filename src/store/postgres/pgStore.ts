import pg from 'pg';
import { DataDirError } from '../../errors.js';
import type { WarningKind } from '../../mail/warnings.js';
import type {
  AttachmentIndex,
  ArchiveStats,
  ArchiveWriter,
  Audience,
  CommitOutcome,
  IngestBatch,
  KeyImportOutcome,
  KeyUse,
  MessageRecord,
  MessageSummary,
  RawRef,
  Release,
  SearchOptions,
  SearchResult,
  SourceState,
  StoredMessage,
  ThreadAssignment,
  ThreadInput,
  VerificationItem,
} from '../archiveStore.js';
import type { KeyRecord } from '../../verify/keyRecord.js';
import type { VerificationReport } from '../../verify/report.js';
import type { SignedAmendment } from '../../model/amendment.js';
import type { QueryNode } from '../../query/ast.js';
import { summaryOf, SUMMARY_COLUMNS, type Row } from '../messageRows.js';
import { commitBatch, replaceContent, saveAttachmentTexts, writeVerifications } from './pgIngest.js';
import type { AttachmentText, PendingAttachment } from '../../extract/attachmentText.js';
import type { RedactionRecord, RedactionSummary } from '../../redact/redactionRecord.js';

import { PG_MIGRATIONS, TEXT_SEARCH, type Stemming } from './schema.js';
import type { PublishRefusal } from '../../release/publishRules.js';
import { postgresDriver } from './pgDriver.js';
import * as sql from '../sql/index.js';
import { publicNumbers, visibleSql, type EmbargoSql, type ReleaseTime } from '../../release/embargo.js';
import { facetIndexPostgres, matchingIdsPostgres, searchPostgres } from './pgSearch.js';
import type { FacetIndex } from '../../search/facetIndex.js';
import { relatedPostgres } from './pgRelated.js';
import { describeConnection } from './connection.js';
import type { TableTransfer } from '../transfer.js';
import { postgresTransfer } from './pgTransfer.js';
import { refreshTermDocs } from './termDocs.js';
import { tsvectorWords } from './textSearch.js';
import { textAnalysis } from '../../text/analysis.js';

// bigint and numeric arrive as strings by default; every number we store fits a double exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

/** Any key: the one writer of an archive holds this advisory lock while it is open. */
const WRITER_LOCK = 0x6570_6973;
/** How long a writer waits for another's lock before saying it is taken, and how often it asks. */
const LOCK_WAIT_MS = 5_000;
const LOCK_RETRY_MS = 100;
/** Readers re-read the archive's version this often even if a notification was missed. */
const POLL_MS = 2000;
const CHANNEL = 'epistola_changes';

type Db = pg.Pool | pg.PoolClient;

/** The embargo rule (release/embargo.ts) in PostgreSQL's words. */
const PG_EMBARGO: EmbargoSql = {
  always: 'TRUE',
  inReleases: (alias, numbers) => `${alias}.release_number = ANY('{${numbers.join(',')}}'::int[])`,
  notWithdrawn: (alias) => `NOT EXISTS (SELECT 1 FROM withdrawn w WHERE w.message = ${alias}.id)`,
};

export interface PostgresOpenOptions {
  readonly readonly?: boolean;
  readonly audience?: Audience;
  readonly now?: () => Date;
  /** Follow writes by other processes (LISTEN/NOTIFY + a poll): what a long-running server needs. */
  readonly watch?: boolean;
  /** For a new archive: stemming of the full-text index (default none: words as written). */
  readonly stemming?: Stemming;
  /** No in-memory search columns unless facets are asked for (openStore.ts OpenOptions). */
  readonly shortLived?: boolean;
}

/** A query's rows, typed by the caller. */
async function rows<T = Row>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}

/**
 * The PostgreSQL store (node-postgres): the same tables and behaviour as the SQLite store, for
 * archives that outgrow one file and for several web nodes sharing one database. One process
 * writes at a time (an advisory lock); any number read.
 */
export class PostgresStore implements ArchiveWriter {
  readonly #pool: pg.Pool;
  /** The pool (and the writer's connection) as the shared store half (store/sql/) uses them. */
  readonly #sql: sql.SqlDriver;
  readonly #audience: Audience;
  readonly #now: () => Date;
  readonly #textSearch: string;
  #version: number;
  #releaseTimes: ReleaseTime[];
  #lock: pg.PoolClient | null = null;
  #listener: pg.Client | null = null;
  #poll: NodeJS.Timeout | null = null;

  private constructor(pool: pg.Pool, audience: Audience, now: () => Date, textSearch: string, version: number, releaseTimes: ReleaseTime[]) {
    this.#pool = pool;
    this.#audience = audience;
    this.#now = now;
    this.#sql = postgresDriver(pool, (work) => this.#write(work));
    this.#textSearch = textSearch;
    this.#version = version;
    this.#releaseTimes = releaseTimes;
  }

  /** Connects; a writer takes the writer lock (waiting up to LOCK_WAIT_MS) and creates or migrates the schema. */
  static async open(url: string, options: PostgresOpenOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.readonly ? 8 : 4 });
    // An idle client's error (the server restarting) must not crash a web node: the pool reconnects.
    pool.on('error', () => undefined);
    let lock: pg.PoolClient | null = null;
    try {
      if (!options.readonly) {
        lock = await pool.connect();
        // A writer that just exited may still hold the lock for a moment (its server process ends after
        // the client: seen under load between two commands of a script), so the lock is asked for a few times.
        let taken = false;
        for (let waited = 0; !taken; waited += LOCK_RETRY_MS) {
          taken = (await lock.query('SELECT pg_try_advisory_lock($1) AS ok', [WRITER_LOCK])).rows[0].ok as boolean;
          if (!taken && waited >= LOCK_WAIT_MS) throw new DataDirError(`another epistola process is writing to ${describeConnection(url)}`);
          if (!taken) await new Promise((done) => setTimeout(done, LOCK_RETRY_MS));
        }
        await migrate(lock, options.stemming ?? 'none');
      }
      const schema = await pool.query("SELECT to_regclass('epistola_schema') IS NOT NULL AS ok").catch((error: Error) => {
        throw new DataDirError(`cannot connect to PostgreSQL at ${describeConnection(url)}: ${error.message}`);
      });
      if (!schema.rows[0].ok) throw new DataDirError(`${describeConnection(url)} holds no Epistola archive: run "epistola init --database <url>" first`);
      const version = Number((await pool.query('SELECT max(version) AS v FROM epistola_schema')).rows[0].v);
      if (version > PG_MIGRATIONS.length)
        throw new DataDirError(`${describeConnection(url)} was written by a newer Epistola (schema ${version}); upgrade Epistola`);
      if (version < PG_MIGRATIONS.length)
        throw new DataDirError(`${describeConnection(url)} needs a schema upgrade: run any writing command (epistola ingest) first`);
      const state = (await pool.query('SELECT version, text_search::text AS text_search FROM archive_state')).rows[0] as {
        version: number;
        text_search: string;
      };
      const store = new PostgresStore(
        pool,
        options.audience ?? 'publisher',
        options.now ?? (() => new Date()),
        state.text_search,
        state.version,
        await releaseTimes(pool),
      );
      store.#lock = lock;
      store.#shortLived = options.shortLived ?? false;
      if (options.watch) await store.#watch(url);
      return store;
    } catch (error) {
      lock?.release();
      await pool.end();
      if (error instanceof DataDirError) throw error;
      throw new DataDirError(`cannot use PostgreSQL at ${describeConnection(url)}: ${(error as Error).message}`);
    }
  }

  /** Keeps the version and release times current: a notification on each write, a poll in case one is missed. */
  async #watch(url: string): Promise<void> {
    const listener = new pg.Client({ connectionString: url });
    listener.on('error', () => undefined);
    try {
      await listener.connect();
      await listener.query(`LISTEN ${CHANNEL}`);
      listener.on('notification', () => void this.#refresh());
      this.#listener = listener;
    } catch {
      // A read replica (hot standby) cannot LISTEN: the poll alone keeps it current.
      await listener.end().catch(() => undefined);
    }
    this.#poll = setInterval(() => void this.#refresh(), POLL_MS);
    this.#poll.unref();
  }

  async #refresh(): Promise<void> {
    try {
      const version = Number((await this.#pool.query('SELECT version FROM archive_state')).rows[0].version);
      if (version !== this.#version) {
        this.#releaseTimes = await releaseTimes(this.#pool);
        this.#version = version;
      }
    } catch {
      // The database is unreachable for a moment: keep serving what is known, try again on the next tick.
    }
  }

  /** Release numbers public now (computed from the cached release times: no query per request). */
  #publicNumbers(): number[] {
    return publicNumbers(this.#releaseTimes, this.#now());
  }

  /** SQL true for the messages this store may show (release/embargo.ts: the rule of both stores). */
  #visible(alias: string): string {
    return visibleSql(PG_EMBARGO, this.#audience, alias, () => this.#publicNumbers());
  }

  dataVersion(): string {
    return this.#audience === 'publisher' ? String(this.#version) : `${this.#version}/${this.#publicNumbers().join(',')}`;
  }

  /** Runs `work` in one transaction that also bumps the archive's version and tells the readers. */
  async #write<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const db = this.#lock;
    if (!db) throw new Error('this PostgreSQL store was opened read-only');
    await db.query('BEGIN');
    try {
      const result = await work(db);
      const version = (await db.query(`UPDATE archive_state SET version = version + 1 RETURNING version`)).rows[0].version as number;
      await db.query(`SELECT pg_notify('${CHANNEL}', $1)`, [String(version)]);
      await db.query('COMMIT');
      this.#version = version;
      this.#releaseTimes = await releaseTimes(db);
      return result;
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
  }

  async messageCount(): Promise<number> {
    return sql.messageCountOf(this.#sql);
  }

  async sourceState(key: string): Promise<SourceState | undefined> {
    return sql.sourceStateOf(this.#sql, key);
  }

  async commit(batch: IngestBatch): Promise<CommitOutcome[]> {
    return this.#write((db) => commitBatch(db, batch));
  }

  async recordRun(run: { startedAt: string; finishedAt: string; summary: unknown }): Promise<void> {
    await sql.recordRunIn(this.#sql, run);
  }

  async stats(): Promise<ArchiveStats> {
    const db = this.#pool;
    const vis = this.#visible('messages');
    const publisher = this.#audience === 'publisher';
    const ofVisible = `message IN (SELECT id FROM messages WHERE ${vis})`;
    const [[m], [locations], [a], warningRows, problemRows, [sources], folders, verdicts, [keys]] = await Promise.all([
      rows(
        db,
        `SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes, count(copy_of) AS copies, coalesce(sum(headers_only), 0) AS headers_only,
        min(date_utc) AS first, max(date_utc) AS last FROM messages WHERE ${vis}`,
      ),
      rows(db, `SELECT count(*) AS n FROM locations WHERE ${ofVisible}`),
      rows(db, `SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM attachments WHERE ${ofVisible}`),
      rows(db, `SELECT kind, count(*) AS n FROM warnings WHERE ${ofVisible} GROUP BY kind ORDER BY kind`),
      publisher ? rows(db, 'SELECT kind, count(*) AS n FROM source_problems GROUP BY kind ORDER BY kind') : Promise.resolve([]),
      rows(db, 'SELECT count(*) AS n FROM sources'),
      rows(db, `SELECT folder, count(*) AS n FROM messages WHERE ${vis} GROUP BY folder ORDER BY n DESC, folder LIMIT 20`),
      this.#verdictCounts(vis),
      rows(db, 'SELECT count(*) AS n FROM dkim_keys'),
    ]);
    const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);
    return {
      messages: m!.n as number,
      rawBytes: m!.bytes as number,
      duplicates: (locations!.n as number) - (m!.n as number),
      copies: m!.copies as number,
      attachments: a!.n as number,
      attachmentBytes: a!.bytes as number,
      headersOnly: m!.headers_only as number,
      firstDate: iso(m!.first),
      lastDate: iso(m!.last),
      warnings: Object.fromEntries(warningRows.map((r) => [r.kind as WarningKind, r.n as number])),
      sourceProblems: Object.fromEntries(problemRows.map((r) => [r.kind as string, r.n as number])),
      sources: publisher ? (sources!.n as number) : 0,
      folders: folders.map((r) => ({ folder: r.folder as string, messages: r.n as number })),
      dkim: verdicts,
      keyRecords: keys!.n as number,
    };
  }

  async #verdictCounts(vis: string): Promise<Record<string, number>> {
    const list = await rows(
      this.#pool,
      `SELECT coalesce(dkim_verdict, 'unverified') AS v, count(*) AS n FROM messages WHERE ${vis} GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
    return Object.fromEntries(list.map((r) => [r.v as string, r.n as number]));
  }

  async rawBlob(id: number): Promise<{ sha256: string; size: number } | undefined> {
    return sql.rawBlobOf(this.#sql, id, this.#visible('messages'));
  }

  async getMessage(id: number): Promise<StoredMessage | undefined> {
    return sql.storedMessageIn(this.#sql, id, this.#visible('messages'));
  }

  async threadInputs(): Promise<ThreadInput[]> {
    const list = await rows(this.#pool, 'SELECT id, message_id, in_reply_to, references_json, subject FROM messages ORDER BY id');
    return list.map((r) => ({
      id: r.id as number,
      messageId: r.message_id as string | null,
      inReplyTo: r.in_reply_to as string | null,
      references: JSON.parse(r.references_json as string) as string[],
      subject: r.subject as string | null,
    }));
  }

  async saveThreads(assignments: readonly ThreadAssignment[]): Promise<number> {
    const current = new Map<number, string>();
    for (const r of await rows(this.#pool, 'SELECT id, thread_id, parent_id, parent_message_id, parent_evidence FROM messages')) {
      current.set(r.id as number, JSON.stringify([r.thread_id, r.parent_id, r.parent_message_id, r.parent_evidence]));
    }
    const changed = assignments.filter((a) => current.get(a.id) !== JSON.stringify([a.threadId, a.parentId, a.parentMessageId, a.evidence]));
    if (changed.length === 0) return 0;
    await this.#write(async (db) => {
      for (let i = 0; i < changed.length; i += 10000) {
        const part = changed.slice(i, i + 10000);
        await db.query(
          `UPDATE messages m SET thread_id = u.thread_id, parent_id = u.parent_id, parent_message_id = u.parent_message_id, parent_evidence = u.evidence
           FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS u(id, thread_id, parent_id, parent_message_id, evidence) WHERE m.id = u.id`,
          [part.map((a) => a.id), part.map((a) => a.threadId), part.map((a) => a.parentId), part.map((a) => a.parentMessageId), part.map((a) => a.evidence)],
        );
      }
    });
    return changed.length;
  }

  async #summariesWhere(where: string, params: unknown[]): Promise<MessageSummary[]> {
    return (await rows(this.#pool, `SELECT ${SUMMARY_COLUMNS} FROM messages WHERE (${where}) AND ${this.#visible('messages')} ORDER BY id`, params)).map(
      summaryOf,
    );
  }

  /** Summaries in the order of `ids`. */
  async #summariesOf(ids: readonly number[]): Promise<MessageSummary[]> {
    if (ids.length === 0) return [];
    const byId = new Map((await this.#summariesWhere('id = ANY($1::bigint[])', [ids])).map((m) => [m.id, m]));
    return ids.map((id) => byId.get(id)).filter((m): m is MessageSummary => m !== undefined);
  }

  #shortLived = false;

  async search(query: QueryNode, options: SearchOptions): Promise<SearchResult> {
    return searchPostgres(this.#pool, this.#textSearch, query, options, {
      summaries: (ids) => this.#summariesOf(ids),
      visible: this.#visible('m'),
      memory: !this.#shortLived || options.facets === true,
      facetIndex: () => this.#facetIndex(),
      visibleIds: () => this.#visibleIds(),
    });
  }

  async matchingIds(query: QueryNode): Promise<number[]> {
    return matchingIdsPostgres(this.#pool, this.#textSearch, query, this.#visible('m'));
  }

  async wordCounts(words: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return sql.wordCountsOf(this.#sql, words);
  }

  async prepareSearch(): Promise<void> {
    await Promise.all([this.#facetIndex(), this.#visibleIds()]);
  }

  #visibleBitmap: { key: string; bitmap: Promise<Uint8Array> } | undefined;

  /** #visible in memory, one byte per message number (null: the publisher sees all); made again when the archive or the public releases change. */
  #visibleIds(): Promise<Uint8Array | null> {
    if (this.#audience === 'publisher') return Promise.resolve(null);
    const numbers = this.#publicNumbers();
    const key = `${this.#version}|${numbers.join(',')}`;
    if (this.#visibleBitmap?.key !== key) {
      const bitmap = Promise.all([this.#facetIndex(), rows<{ message: number }>(this.#pool, 'SELECT message FROM withdrawn')]).then(([index, withdrawn]) =>
        index.visibleTo(numbers, new Set(withdrawn.map((r) => Number(r.message)))),
      );
      this.#visibleBitmap = { key, bitmap };
      bitmap.catch(() => {
        if (this.#visibleBitmap?.bitmap === bitmap) this.#visibleBitmap = undefined;
      });
    }
    return this.#visibleBitmap.bitmap;
  }

  #facets: { version: number; index: Promise<FacetIndex> } | undefined;

  /** The in-memory facet index, rebuilt when the archive's version changes (a write here, or one heard of). */
  #facetIndex(): Promise<FacetIndex> {
    if (this.#facets?.version !== this.#version) this.#facets = { version: this.#version, index: facetIndexPostgres(this.#pool) };
    return this.#facets.index;
  }

  async related(id: number, limit: number): Promise<MessageSummary[]> {
    return relatedPostgres(this.#pool, this.#textSearch, id, limit, (ids) => this.#summariesOf(ids), this.#visible('m'));
  }

  async thread(threadId: number): Promise<MessageSummary[]> {
    return this.#summariesWhere('thread_id = $1', [threadId]);
  }

  async summaries(ids: readonly number[]): Promise<MessageSummary[]> {
    return this.#summariesOf(ids);
  }

  async messageIds(release?: number): Promise<number[]> {
    return sql.messageIdsOf(this.#sql, this.#visible('m'), release);
  }

  async latest(limit: number): Promise<MessageSummary[]> {
    return this.#summariesOf(await sql.latestIdsOf(this.#sql, this.#visible('messages'), limit));
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

  async replaceContent(id: number, record: MessageRecord, redaction: RedactionRecord | null): Promise<void> {
    await this.#write((db) => replaceContent(db, id, record, redaction));
  }

  async pendingAttachments(options: { readonly retry: boolean }): Promise<PendingAttachment[]> {
    return sql.pendingAttachmentsOf(this.#sql, options);
  }

  async saveAttachmentTexts(items: readonly AttachmentText[]): Promise<void> {
    await this.#write((db) => saveAttachmentTexts(db, items));
  }

  async attachmentText(sha256: string): Promise<AttachmentText | null> {
    return sql.attachmentTextIn(this.#sql, sha256, this.#visible('m'));
  }

  async attachmentMessages(sha256: string): Promise<MessageSummary[]> {
    return this.#summariesWhere('id IN (SELECT message FROM attachments WHERE sha256 = $1)', [sha256]);
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

  async addKeyRecords(records: readonly KeyRecord[]): Promise<KeyImportOutcome> {
    return this.#write(async (db) => {
      let added = 0;
      let sightings = 0;
      for (const r of records) {
        added += (await db.query('INSERT INTO dkim_keys (name, record) VALUES ($1, $2) ON CONFLICT DO NOTHING', [r.name, r.record])).rowCount ?? 0;
        const id = (await db.query('SELECT id FROM dkim_keys WHERE name = $1 AND record = $2', [r.name, r.record])).rows[0].id as number;
        for (const s of r.sightings) {
          sightings +=
            (await db.query('INSERT INTO dkim_key_sightings (key, source, seen) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [id, s.source, s.seen]))
              .rowCount ?? 0;
        }
      }
      return { added, sightings };
    });
  }

  async saveVerifications(items: readonly VerificationItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.#write(async (db) => {
      await db.query('UPDATE messages m SET dkim_verdict = u.verdict FROM unnest($1::bigint[], $2::text[]) AS u(id, verdict) WHERE m.id = u.id', [
        items.map((i) => i.id),
        items.map((i) => i.report.verdict),
      ]);
      await db.query('DELETE FROM signatures WHERE message = ANY($1::bigint[])', [items.map((i) => i.id)]);
      await writeVerifications(db, items);
    });
  }

  async refreshStatistics(): Promise<void> {
    await this.#write((db) => refreshTermDocs(db));
    // VACUUM marks the new rows all-visible, so that searches can read the narrow index alone.
    await this.#pool.query('VACUUM (ANALYZE) messages');
    await this.#pool.query('ANALYZE');
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

  /** Its tables, for `epistola migrate` (written through the writer's connection, which holds the lock). */
  transfer(): TableTransfer {
    return postgresTransfer(this.#pool, this.#lock);
  }

  async close(): Promise<void> {
    if (this.#poll) clearInterval(this.#poll);
    await this.#listener?.end().catch(() => undefined);
    if (this.#lock) {
      await this.#lock.query('SELECT pg_advisory_unlock($1)', [WRITER_LOCK]).catch(() => undefined);
      this.#lock.release();
    }
    await this.#pool.end();
  }
}

async function releaseTimes(db: Db): Promise<ReleaseTime[]> {
  return (await rows(db, 'SELECT number, publish_at FROM releases ORDER BY number')).map((r) => ({
    number: r.number as number,
    publishAt: r.publish_at as string | null,
  }));
}

/**
 * Schema 2 for an archive that already has messages: each message's language and word forms,
 * computed as ingest now does, added to its vector (which had none).
 */
async function backfillWordForms(db: pg.PoolClient): Promise<void> {
  for (let after = 0; ;) {
    const { rows: batch } = await db.query<{ id: string; subject: string | null; text_body: string | null; search_extra: string }>(
      'SELECT id, subject, text_body, search_extra FROM messages WHERE id > $1 ORDER BY id LIMIT 1000',
      [after],
    );
    if (batch.length === 0) return;
    const analysed = batch.map((r) => textAnalysis(r.subject, r.text_body, r.search_extra));
    await db.query(
      `UPDATE messages m SET lang = u.lang, forms_subject = u.fs, forms_body = u.fb,
         fts = m.fts || setweight(to_tsvector(c.ts, u.ws), 'A') || setweight(to_tsvector(c.ts, u.wb), 'D')
       FROM (SELECT text_search AS ts FROM archive_state) c, unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(id, lang, fs, fb, ws, wb)
       WHERE m.id = u.id`,
      [
        batch.map((r) => r.id),
        analysed.map((a) => a.language),
        analysed.map((a) => a.forms.subject),
        analysed.map((a) => a.forms.body),
        analysed.map((a) => tsvectorWords(a.forms.subject)),
        analysed.map((a) => tsvectorWords(a.forms.body)),
      ],
    );
    after = Number(batch.at(-1)!.id);
  }
}

/** Creates or upgrades the schema (inside the writer lock, so two writers never race). */
async function migrate(db: pg.PoolClient, stemming: Stemming): Promise<void> {
  await db.query('CREATE TABLE IF NOT EXISTS epistola_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
  const current = Number((await db.query('SELECT coalesce(max(version), 0) AS v FROM epistola_schema')).rows[0].v);
  if (current > PG_MIGRATIONS.length) return;
  for (let v = current; v < PG_MIGRATIONS.length; v++) {
    await db.query('BEGIN');
    try {
      await db.query(PG_MIGRATIONS[v]!);
      if (v === 1) await backfillWordForms(db);
      if (v === 0) await db.query('UPDATE archive_state SET text_search = $1::regconfig', [TEXT_SEARCH[stemming]]);
      await db.query('INSERT INTO epistola_schema (version) VALUES ($1)', [v + 1]);
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
  }
}
