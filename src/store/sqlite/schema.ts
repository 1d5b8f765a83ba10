/**
 * SQLite schema, versioned with PRAGMA user_version. Every table here can be rebuilt from the blob
 * store (raw messages) and the release records; see docs/storage-format.md.
 */
import type Database from 'better-sqlite3';
import { textAnalysis } from '../../text/analysis.js';
import { STEM_MARK } from '../../text/stems.js';
import { quotedText } from '../../text/quotes.js';

/** Rebuilds term_docs from the full-text index's vocabulary (words in more than one message). */
export const REFRESH_TERM_DOCS = `
  CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, 'messages_fts', 'row');
  DELETE FROM term_docs;
  INSERT INTO term_docs (term, docs) SELECT term, doc FROM temp.fts_vocab WHERE doc > 1 AND term NOT LIKE '%${STEM_MARK}%';
`;

/** The full-text table of schema 10: the texts as written, then their word forms (text/forms.ts) by part. */
const FTS_COLUMNS_10 = 'subject, search_from, search_to, search_cc, search_bcc, text_body, search_attachments, search_extra, forms_subject, forms_body';
/** Schema 12 adds the text of the message's attachments (extract/), schema 13 the body's quoted lines (text/quotes.ts). */
const FTS_COLUMNS_12 = `${FTS_COLUMNS_10}, search_attachment_text`;
export const FTS_COLUMNS = `${FTS_COLUMNS_12}, search_quoted`;

/** The full-text table over these columns of `messages` (external content: the text is stored once). */
function ftsTable(columns: string): string {
  return `CREATE VIRTUAL TABLE messages_fts USING fts5(${columns}, content='messages', content_rowid='id', tokenize = "unicode61 remove_diacritics 2");`;
}

/** A migration step: SQL, or code for what SQL alone cannot compute (run in the same transaction). */
export type Migration = string | ((db: Database.Database) => void);

/**
 * Schema 10 for an archive that already has messages: each message's language and word forms,
 * computed as ingest now does, then the full-text index rebuilt over the new columns.
 */
function backfillWordForms(db: Database.Database): void {
  const update = db.prepare('UPDATE messages SET lang = ?, forms_subject = ?, forms_body = ? WHERE id = ?');
  const read = db.prepare('SELECT id, subject, text_body, search_extra FROM messages WHERE id > ? ORDER BY id LIMIT 1000').raw();
  for (let after = 0; ;) {
    const rows = read.all(after) as Array<[number, string | null, string | null, string]>;
    if (rows.length === 0) break;
    for (const [id, subject, text, extra] of rows) {
      const { language, forms } = textAnalysis(subject, text, extra);
      update.run(language, forms.subject, forms.body, id);
      after = id;
    }
  }
  db.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild'); ${REFRESH_TERM_DOCS}`);
}

/**
 * Each message's quoted lines (schema 13) from its text, as ingest keeps them: for an archive
 * upgraded to schema 13 and for one copied in by `epistola migrate` (the other store has no such
 * column). The caller rebuilds the full-text index after.
 */
export function fillQuotedLines(db: Database.Database): void {
  const update = db.prepare('UPDATE messages SET search_quoted = ? WHERE id = ?');
  const read = db.prepare("SELECT id, text_body FROM messages WHERE id > ? AND text_body LIKE '%>%' ORDER BY id LIMIT 1000").raw();
  for (let after = 0; ;) {
    const rows = read.all(after) as Array<[number, string]>;
    if (rows.length === 0) break;
    for (const [id, text] of rows) {
      const quoted = quotedText(text);
      if (quoted) update.run(quoted, id);
      after = id;
    }
  }
}

function backfillQuotedLines(db: Database.Database): void {
  fillQuotedLines(db);
  db.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild'); ${REFRESH_TERM_DOCS}`);
}

export const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,            -- permanent public number, assigned once in ingest order
    sha256 TEXT NOT NULL UNIQUE,       -- of the raw bytes; the blob's name
    size INTEGER NOT NULL,
    message_id TEXT,                   -- normalised, without angle brackets
    subject TEXT,
    date_utc INTEGER,                  -- ms since epoch; NULL when Date is missing or unreadable
    date_header TEXT,                  -- as written
    from_name TEXT,
    from_addr TEXT,
    sender_json TEXT,
    to_json TEXT NOT NULL,
    cc_json TEXT NOT NULL,
    bcc_json TEXT NOT NULL,
    reply_to_json TEXT NOT NULL,
    in_reply_to TEXT,
    references_json TEXT NOT NULL,
    text_body TEXT,
    html_body TEXT,                    -- untrusted, sanitised when rendered, never here
    folder TEXT NOT NULL,
    attachment_count INTEGER NOT NULL,
    headers_only INTEGER NOT NULL,
    copy_of INTEGER REFERENCES messages(id),
    thread_id INTEGER,
    release_number INTEGER,            -- NULL: embargoed
    search_addresses TEXT NOT NULL,    -- the columns below feed the full-text index only
    search_attachments TEXT NOT NULL,
    search_extra TEXT NOT NULL
  );
  CREATE INDEX messages_message_id ON messages(message_id);
  CREATE INDEX messages_date ON messages(date_utc);
  CREATE INDEX messages_folder ON messages(folder);

  CREATE TABLE addresses (
    message INTEGER NOT NULL REFERENCES messages(id),
    role TEXT NOT NULL,                -- from, sender, to, cc, bcc, reply-to
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,             -- lower-cased
    PRIMARY KEY (message, role, position)
  ) WITHOUT ROWID;
  CREATE INDEX addresses_address ON addresses(address, role);

  CREATE TABLE attachments (
    message INTEGER NOT NULL REFERENCES messages(id),
    idx INTEGER NOT NULL,
    filename TEXT,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    inline INTEGER NOT NULL,
    content_id TEXT,
    embedded_subject TEXT,
    PRIMARY KEY (message, idx)
  ) WITHOUT ROWID;
  CREATE INDEX attachments_sha256 ON attachments(sha256);

  CREATE TABLE warnings (
    message INTEGER NOT NULL REFERENCES messages(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (message, kind)
  ) WITHOUT ROWID;
  CREATE INDEX warnings_kind ON warnings(kind);

  CREATE TABLE locations (
    source TEXT NOT NULL,
    locator TEXT NOT NULL,
    message INTEGER NOT NULL REFERENCES messages(id),
    byte_offset INTEGER,
    folder TEXT NOT NULL,
    envelope TEXT,
    PRIMARY KEY (source, locator)
  ) WITHOUT ROWID;
  CREATE INDEX locations_message ON locations(message);

  CREATE TABLE sources (
    key TEXT PRIMARY KEY,
    cursor TEXT,
    fingerprint TEXT,
    done INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;

  CREATE TABLE source_problems (
    source TEXT NOT NULL,
    locator TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (source, locator)
  ) WITHOUT ROWID;

  CREATE TABLE ingest_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    summary_json TEXT NOT NULL
  );

  -- External-content FTS5: the text lives once, in messages; diacritics and case are folded,
  -- so "equatorien" finds "Équatorien".
  CREATE VIRTUAL TABLE messages_fts USING fts5(
    subject, search_addresses, text_body, search_attachments, search_extra,
    content='messages', content_rowid='id',
    tokenize = "unicode61 remove_diacritics 2"
  );
  `,
  // 2: threads (parent links with their evidence), a DKIM verdict column, and per-role address
  // columns in the full-text index so that from:/to:/cc:/bcc: are index look-ups.
  `
  ALTER TABLE messages ADD COLUMN parent_id INTEGER;
  ALTER TABLE messages ADD COLUMN parent_evidence TEXT;      -- references, in-reply-to, subject
  ALTER TABLE messages ADD COLUMN parent_message_id TEXT;    -- also when the parent was never ingested
  ALTER TABLE messages ADD COLUMN dkim_verdict TEXT;         -- NULL until verified
  ALTER TABLE messages ADD COLUMN search_from TEXT NOT NULL DEFAULT '';
  ALTER TABLE messages ADD COLUMN search_to TEXT NOT NULL DEFAULT '';
  ALTER TABLE messages ADD COLUMN search_cc TEXT NOT NULL DEFAULT '';
  ALTER TABLE messages ADD COLUMN search_bcc TEXT NOT NULL DEFAULT '';
  CREATE INDEX messages_thread ON messages(thread_id);
  CREATE INDEX messages_from ON messages(from_addr);
  UPDATE messages SET
    search_from = coalesce((SELECT group_concat(name || ' ' || address, ' ') FROM addresses a WHERE a.message = messages.id AND a.role IN ('from', 'sender')), ''),
    search_to = coalesce((SELECT group_concat(name || ' ' || address, ' ') FROM addresses a WHERE a.message = messages.id AND a.role = 'to'), ''),
    search_cc = coalesce((SELECT group_concat(name || ' ' || address, ' ') FROM addresses a WHERE a.message = messages.id AND a.role = 'cc'), ''),
    search_bcc = coalesce((SELECT group_concat(name || ' ' || address, ' ') FROM addresses a WHERE a.message = messages.id AND a.role = 'bcc'), ''),
    search_addresses = '';
  DROP TABLE messages_fts;
  CREATE VIRTUAL TABLE messages_fts USING fts5(
    subject, search_from, search_to, search_cc, search_bcc, text_body, search_attachments, search_extra,
    content='messages', content_rowid='id',
    tokenize = "unicode61 remove_diacritics 2"
  );
  INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
  `,
  // 3: folder: is case-insensitive; an index in that collation keeps it a range scan, not a table scan.
  `
  CREATE INDEX messages_folder_nocase ON messages(folder COLLATE NOCASE);
  `,
  // 4: a narrow covering index of every column a search filters, sorts or counts on. Searches name
  // it (INDEXED BY): reading these columns from the wide rows (bodies inline) made facets and
  // counts over large result sets 10-30x slower (measured: 4,540 hits, 168 ms → 5 ms).
  `
  CREATE INDEX messages_narrow ON messages(id, date_utc, from_addr, folder, release_number, dkim_verdict,
    attachment_count, thread_id, message_id);
  `,
  // 5: the DKIM key archive (every record of a name, with each place and date it was seen) and
  // verification results (the report as JSON, the verdict also in messages.dkim_verdict for search,
  // one row per signature so that a key page can list the messages it signed).
  `
  CREATE TABLE dkim_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,                -- <selector>._domainkey.<domain>, lower case, no trailing dot
    record TEXT NOT NULL,              -- the TXT record as published, strings joined
    UNIQUE (name, record)
  );
  CREATE TABLE dkim_key_sightings (
    key INTEGER NOT NULL REFERENCES dkim_keys(id),
    source TEXT NOT NULL,              -- "dns 127.0.0.1:53", "file keys.txt", "demo"
    seen TEXT NOT NULL,                -- ISO date or timestamp
    PRIMARY KEY (key, source, seen)
  ) WITHOUT ROWID;
  CREATE TABLE verifications (
    message INTEGER PRIMARY KEY REFERENCES messages(id),
    verdict TEXT NOT NULL,
    domain TEXT,
    as_of TEXT NOT NULL,               -- the time x= expiry was judged against
    verifier TEXT NOT NULL,            -- e.g. "mailauth 7.1.0"
    report_json TEXT NOT NULL
  );
  CREATE TABLE signatures (
    message INTEGER NOT NULL REFERENCES messages(id),
    idx INTEGER NOT NULL,
    key_name TEXT,                     -- <selector>._domainkey.<domain> as signed
    outcome TEXT NOT NULL,
    PRIMARY KEY (message, idx)
  ) WITHOUT ROWID;
  CREATE INDEX signatures_key ON signatures(key_name, outcome);
  `,
  // 6: releases. messages.release_number (since schema 1) says which release holds a message; a
  // message is public once its release's publish_at has passed. Nothing else is ever public.
  `
  CREATE TABLE releases (
    number INTEGER PRIMARY KEY,        -- "Part 15": numbered from 1, in creation order
    title TEXT NOT NULL,
    selection TEXT NOT NULL,           -- how its messages were chosen (a query, a file of ids)
    created_at TEXT NOT NULL,
    publish_at TEXT                    -- NULL: embargoed; an ISO time: public from then on
  );
  CREATE INDEX messages_release ON messages(release_number);
  `,
  // 7: amendments. A published message taken down (a court order, a victim's private data) is
  // recorded as a signed entry saying what and why; the public sees the log, never a silent gap.
  `
  CREATE TABLE amendments (
    seq INTEGER PRIMARY KEY,
    entry_json TEXT NOT NULL,          -- exactly the bytes that were signed
    signature TEXT NOT NULL            -- Ed25519 by the collection key, base64
  );
  CREATE TABLE withdrawn (
    message INTEGER PRIMARY KEY REFERENCES messages(id),
    amendment INTEGER NOT NULL REFERENCES amendments(seq)
  );
  `,
  // 8: in how many messages each word is, for "read also": fts5vocab answers a look-up by term
  // with a scan (0.4 ms a word, 18 ms a page at 100k messages, measured); this table is rebuilt
  // from it after each ingest (refreshStatistics) and looked up by key.
  `
  CREATE TABLE term_docs (
    term TEXT PRIMARY KEY,
    docs INTEGER NOT NULL
  ) WITHOUT ROWID;
  ${REFRESH_TERM_DOCS}
  `,
  // 9: the best-ranked messages of each common word, in bm25 order (rankedWords.ts): FTS5 scores
  // every match before it can sort, 23 ms for "the" in 49k of 100k messages. Made after each
  // ingest; used only while the archive holds exactly the messages it was made from.
  `
  CREATE TABLE ranked_words (
    term TEXT NOT NULL,
    position INTEGER NOT NULL,
    message INTEGER NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (term, position)
  ) WITHOUT ROWID;
  CREATE TABLE ranked_words_state (
    messages INTEGER NOT NULL,
    max_id INTEGER NOT NULL
  );
  `,
  // 10: search in every language. Each message's language (a facet and `lang:`), and its word forms
  // (stems in its language, words of Chinese, Japanese and Thai runs cut apart) in two full-text
  // columns of their own, so that a stem never passes for the word as written (text/forms.ts).
  `
  ALTER TABLE messages ADD COLUMN lang TEXT;
  ALTER TABLE messages ADD COLUMN forms_subject TEXT NOT NULL DEFAULT '';
  ALTER TABLE messages ADD COLUMN forms_body TEXT NOT NULL DEFAULT '';
  CREATE INDEX messages_lang ON messages(lang);
  DROP TABLE messages_fts;
  ${ftsTable(FTS_COLUMNS_10)}
  `,
  backfillWordForms,
  // 11: redactions. The messages row of a redacted message describes its redacted bytes (what the
  // public sees); this table keeps, privately, the original's hash, each span's salt and removed
  // bytes (redact --reveal), and the public notice (spans, commitments, part tree). The original
  // blob is never changed. A later ingest of the original bytes finds it here: no second copy.
  `
  CREATE TABLE redactions (
    message INTEGER PRIMARY KEY REFERENCES messages(id),
    original_sha256 TEXT NOT NULL,
    original_size INTEGER NOT NULL,
    redacted_at TEXT NOT NULL,
    spans_json TEXT NOT NULL,          -- private: salts and removed bytes
    notice_json TEXT NOT NULL          -- public: what every page and export says of the redaction
  );
  CREATE INDEX redactions_original ON redactions(original_sha256);
  `,
  // 12: attachment text. One row per distinct attachment content (its sha256): status, method, the
  // text (pages split by form feeds). Each message's search_attachment_text joins the texts of its
  // attachments, as a full-text column of its own (the doc: field; free words and body: find it too).
  `
  CREATE TABLE attachment_texts (
    sha256 TEXT PRIMARY KEY,
    status TEXT NOT NULL,              -- ok, empty, encrypted, failed, timeout, unsupported
    method TEXT,                       -- pdf-text, pdf-text+ocr, ocr, office, doc, xls, text, html
    pages INTEGER,
    text TEXT NOT NULL,
    ocr_pages INTEGER NOT NULL,
    detail TEXT,
    extracted_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX attachment_texts_status ON attachment_texts(status);
  ALTER TABLE messages ADD COLUMN search_attachment_text TEXT NOT NULL DEFAULT '';
  DROP TABLE messages_fts;
  ${ftsTable(FTS_COLUMNS_12)}
  INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
  `,
  // 13: the quoted lines of each body again, in a column of their own, weighted so that a word a
  // reply quotes counts for less than a word it writes (compileQuery.ts BM25_WEIGHTS).
  `
  ALTER TABLE messages ADD COLUMN search_quoted TEXT NOT NULL DEFAULT '';
  DROP TABLE messages_fts;
  ${ftsTable(FTS_COLUMNS)}
  `,
  backfillQuotedLines,
  // 14: the archive's figures (`epistola stats`, the home page) read from one narrow index instead
  // of the wide rows, for the publisher and the public (release_number): 173 ms → 18 ms at 100k
  // messages (measured, docs/benchmarks.md "Command-line start").
  `
  CREATE INDEX IF NOT EXISTS messages_figures ON messages(dkim_verdict, release_number, size, copy_of, headers_only, date_utc);
  `,
];
