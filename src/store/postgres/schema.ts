/**
 * PostgreSQL schema, versioned in epistola_schema. Tables and columns carry the same names and
 * values as the SQLite store (src/store/sqlite/schema.ts), so `epistola migrate` copies rows as they
 * are; what differs is the search index: a tsvector per message (GIN) instead of FTS5.
 *
 * Text search: the configuration `epistola` is `simple` with `unaccent` in front, so case and
 * diacritics fold as SQLite's `unicode61 remove_diacritics 2` does ("equatorien" finds
 * "Équatorien"); `epistola_english` and `epistola_french` add stemming (`init --stemming`).
 * Words are cut on the same boundaries as SQLite's tokenizer before they reach PostgreSQL
 * (textSearch.ts), so both stores find the same messages. Text columns that are sorted on use the
 * "C" collation: byte order, as SQLite sorts, whatever the server's locale.
 */
const configuration = (name: string, stemmer: string) => `
  CREATE TEXT SEARCH CONFIGURATION ${name} (COPY = ${stemmer === 'simple' ? 'simple' : stemmer});
  ALTER TEXT SEARCH CONFIGURATION ${name} ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword,
    hword_asciipart, hword_part, hword_numpart WITH unaccent, ${stemmer === 'simple' ? 'simple' : `${stemmer}_stem`};`;

export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE EXTENSION IF NOT EXISTS unaccent;
  ${configuration('epistola', 'simple')}
  ${configuration('epistola_english', 'english')}
  ${configuration('epistola_french', 'french')}

  -- One row: a counter every write bumps (web nodes cache pages per value) and the settings.
  CREATE TABLE archive_state (
    single BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (single),
    version BIGINT NOT NULL DEFAULT 0,
    text_search REGCONFIG NOT NULL DEFAULT 'epistola'
  );
  INSERT INTO archive_state DEFAULT VALUES;

  CREATE TABLE messages (
    id BIGINT PRIMARY KEY,             -- permanent public number, assigned once in ingest order
    sha256 TEXT NOT NULL UNIQUE,
    size BIGINT NOT NULL,
    message_id TEXT,
    subject TEXT,
    date_utc BIGINT,                   -- ms since epoch
    date_header TEXT,
    from_name TEXT,
    from_addr TEXT COLLATE "C",
    sender_json TEXT,
    to_json TEXT NOT NULL,
    cc_json TEXT NOT NULL,
    bcc_json TEXT NOT NULL,
    reply_to_json TEXT NOT NULL,
    in_reply_to TEXT,
    references_json TEXT NOT NULL,
    text_body TEXT,
    html_body TEXT,
    folder TEXT COLLATE "C" NOT NULL,
    attachment_count INTEGER NOT NULL,
    headers_only INTEGER NOT NULL,
    copy_of BIGINT REFERENCES messages(id),
    thread_id BIGINT,
    release_number INTEGER,
    search_addresses TEXT NOT NULL DEFAULT '',
    search_attachments TEXT NOT NULL,
    search_extra TEXT NOT NULL,
    parent_id BIGINT,
    parent_evidence TEXT,
    parent_message_id TEXT,
    dkim_verdict TEXT,
    search_from TEXT NOT NULL DEFAULT '',
    search_to TEXT NOT NULL DEFAULT '',
    search_cc TEXT NOT NULL DEFAULT '',
    search_bcc TEXT NOT NULL DEFAULT '',
    -- The index: subject A, From/Sender B, To/Cc/Bcc and attachment names C, text D.
    fts TSVECTOR NOT NULL,
    -- Per-field vectors that recheck to:, cc:, bcc:, attachment: on the rows the index found.
    fts_to TSVECTOR NOT NULL,
    fts_cc TSVECTOR NOT NULL,
    fts_bcc TSVECTOR NOT NULL,
    fts_attachments TSVECTOR NOT NULL
  );
  CREATE INDEX messages_fts ON messages USING gin (fts);
  CREATE INDEX messages_message_id ON messages(message_id);
  CREATE INDEX messages_date ON messages(date_utc);
  CREATE INDEX messages_folder ON messages(lower(folder));
  CREATE INDEX messages_thread ON messages(thread_id);
  CREATE INDEX messages_from ON messages(from_addr);
  CREATE INDEX messages_release ON messages(release_number);
  -- Every column a search filters, sorts or counts on, beside the id: searches and facets read it
  -- with index-only scans instead of the wide rows (bodies inline), as SQLite's messages_narrow.
  CREATE INDEX messages_narrow ON messages(id) INCLUDE (date_utc, from_addr, folder, release_number, dkim_verdict, attachment_count, thread_id);

  CREATE TABLE addresses (
    message BIGINT NOT NULL REFERENCES messages(id),
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    address TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (message, role, position)
  );
  CREATE INDEX addresses_address ON addresses(address, role);

  CREATE TABLE attachments (
    message BIGINT NOT NULL REFERENCES messages(id),
    idx INTEGER NOT NULL,
    filename TEXT,
    content_type TEXT COLLATE "C" NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    inline INTEGER NOT NULL,
    content_id TEXT,
    embedded_subject TEXT,
    PRIMARY KEY (message, idx)
  );
  CREATE INDEX attachments_sha256 ON attachments(sha256);

  CREATE TABLE warnings (
    message BIGINT NOT NULL REFERENCES messages(id),
    kind TEXT COLLATE "C" NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (message, kind)
  );
  CREATE INDEX warnings_kind ON warnings(kind);

  CREATE TABLE locations (
    source TEXT COLLATE "C" NOT NULL,
    locator TEXT COLLATE "C" NOT NULL,
    message BIGINT NOT NULL REFERENCES messages(id),
    byte_offset BIGINT,
    folder TEXT NOT NULL,
    envelope TEXT,
    PRIMARY KEY (source, locator)
  );
  CREATE INDEX locations_message ON locations(message);

  CREATE TABLE sources (
    key TEXT PRIMARY KEY,
    cursor TEXT,
    fingerprint TEXT,
    done INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE source_problems (
    source TEXT NOT NULL,
    locator TEXT NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (source, locator)
  );

  CREATE TABLE ingest_runs (
    id BIGSERIAL PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    summary_json TEXT NOT NULL
  );

  CREATE TABLE dkim_keys (
    id BIGSERIAL PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    record TEXT NOT NULL,
    UNIQUE (name, record)
  );
  CREATE TABLE dkim_key_sightings (
    key BIGINT NOT NULL REFERENCES dkim_keys(id),
    source TEXT COLLATE "C" NOT NULL,
    seen TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (key, source, seen)
  );
  CREATE TABLE verifications (
    message BIGINT PRIMARY KEY REFERENCES messages(id),
    verdict TEXT NOT NULL,
    domain TEXT,
    as_of TEXT NOT NULL,
    verifier TEXT NOT NULL,
    report_json TEXT NOT NULL
  );
  CREATE TABLE signatures (
    message BIGINT NOT NULL REFERENCES messages(id),
    idx INTEGER NOT NULL,
    key_name TEXT COLLATE "C",
    outcome TEXT NOT NULL,
    PRIMARY KEY (message, idx)
  );
  CREATE INDEX signatures_key ON signatures(key_name, outcome);

  CREATE TABLE releases (
    number INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    selection TEXT NOT NULL,
    created_at TEXT NOT NULL,
    publish_at TEXT
  );

  CREATE TABLE amendments (
    seq INTEGER PRIMARY KEY,
    entry_json TEXT NOT NULL,
    signature TEXT NOT NULL
  );
  -- In how many messages each word is (from ts_stat after each ingest): "read also" skips common words.
  CREATE TABLE term_docs (
    term TEXT COLLATE "C" PRIMARY KEY,
    docs INTEGER NOT NULL
  );

  CREATE TABLE withdrawn (
    message BIGINT PRIMARY KEY REFERENCES messages(id),
    amendment INTEGER NOT NULL REFERENCES amendments(seq)
  );
  `,
  // 2: search in every language, as SQLite's schema 10: each message's language, and its word forms
  // (text/forms.ts) in the vector with the weight of their part: subject forms A, body forms D. An
  // archive that has messages gets them from backfillWordForms (pgStore.ts).
  `
  ALTER TABLE messages ADD COLUMN lang TEXT;
  ALTER TABLE messages ADD COLUMN forms_subject TEXT NOT NULL DEFAULT '';
  ALTER TABLE messages ADD COLUMN forms_body TEXT NOT NULL DEFAULT '';
  CREATE INDEX messages_lang ON messages(lang);
  `,
  // 3: redactions, as SQLite's schema 11: the private record of each redacted message (original
  // hash, salts, removed bytes) and its public notice; the messages row describes the redacted bytes.
  `
  CREATE TABLE redactions (
    message BIGINT PRIMARY KEY REFERENCES messages(id),
    original_sha256 TEXT NOT NULL,
    original_size BIGINT NOT NULL,
    redacted_at TEXT NOT NULL,
    spans_json TEXT NOT NULL,
    notice_json TEXT NOT NULL
  );
  CREATE INDEX redactions_original ON redactions(original_sha256);
  `,
  // 4: attachment text, as SQLite's schema 12: one row per distinct attachment content, and each
  // message's search_attachment_text in the vector with the body's weight (D), rechecked by doc: on
  // fts_attachment_text of its own.
  `
  CREATE TABLE attachment_texts (
    sha256 TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    method TEXT,
    pages INTEGER,
    text TEXT NOT NULL,
    ocr_pages INTEGER NOT NULL,
    detail TEXT,
    extracted_at TEXT NOT NULL
  );
  CREATE INDEX attachment_texts_status ON attachment_texts(status);
  ALTER TABLE messages ADD COLUMN search_attachment_text TEXT NOT NULL DEFAULT '';
  ALTER TABLE messages ADD COLUMN fts_attachment_text TSVECTOR NOT NULL DEFAULT ''::tsvector;
  `,
];

/** The text search configurations `init --stemming` chooses between. */
export const TEXT_SEARCH = { none: 'epistola', english: 'epistola_english', french: 'epistola_french' } as const;
export type Stemming = keyof typeof TEXT_SEARCH;
