import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { BlobStore } from '../../src/store/blobStore.js';
import type { IngestSummary } from '../../src/pipeline/ingest.js';
import { cliJson, corpusDir, noCorpusReason, tempDir } from '../helpers.js';
import { MUTATION_KINDS, mutants } from '../mutate.js';
import { parseMessage, type ParsedMessage } from '../../src/parse/parseMessage.js';

/**
 * Real messages (the SpamAssassin corpus) mutated at random with a fixed seed — byte flips,
 * truncations, NULs, bogus charsets, broken base64, boundary confusion, deep nesting, huge headers,
 * many recipients, hostile References — ingested by the real CLI: it ends, every file is a message
 * or a skipped file with its reason, every message's raw bytes are the file's, and a message whose
 * header block was left intact is still found by its From and Message-ID (the tolerant header pass
 * when the MIME parse fails). `EPISTOLA_FUZZ_MUTANTS` makes the run longer (bench/fuzz-ingest.sh).
 */
const COUNT = Number(process.env.EPISTOLA_FUZZ_MUTANTS ?? 320);

/** An .eml may start with an mbox envelope line (`From sender date`): it is not part of the message. */
const withoutEnvelope = (bytes: Buffer) => (bytes.subarray(0, 5).toString('latin1') === 'From ' ? bytes.subarray(bytes.indexOf(0x0a) + 1) : bytes);

interface OracleRow {
  file: string;
  messageId: unknown;
  messageId_agree: boolean;
  from: unknown;
  from_agree: boolean;
}

test(
  'mutated real mail: the ingest ends, nothing is lost, raw bytes stay exact, headers are recovered',
  { skip: noCorpusReason, timeout: 1_800_000 },
  async () => {
    const root = tempDir();
    const oracle = new Map<string, OracleRow>();
    for (const line of readFileSync(join(corpusDir, 'parse-oracle', 'parse-oracle.jsonl'), 'utf8')
      .trim()
      .split('\n')) {
      const row = JSON.parse(line) as OracleRow;
      oracle.set(row.file, row);
    }
    // Every 40th message of each folder: ham and spam, old and new, plain and MIME.
    const originals: Array<{ bytes: Buffer; row: OracleRow | undefined }> = [];
    for (const folder of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']) {
      const names = readdirSync(join(corpusDir, 'spamassassin', folder))
        .filter((n) => n.endsWith('.eml'))
        .sort();
      for (let i = 0; i < names.length; i += 40) {
        originals.push({
          bytes: readFileSync(join(corpusDir, 'spamassassin', folder, names[i]!)),
          row: oracle.get(`spamassassin-public-corpus/${folder}/${names[i]}`),
        });
      }
    }
    const dir = join(root, 'mutants');
    mkdirSync(dir);
    const made: Array<{ file: string; bytes: Buffer; kind: string; headersKept: boolean; row: OracleRow | undefined; clean: ParsedMessage }> = [];
    const cleanOf = new Map<number, ParsedMessage>();
    let n = 0;
    for (const m of mutants(
      originals.map((o) => o.bytes),
      COUNT,
    )) {
      const file = `${String(++n).padStart(5, '0')}-${m.kind}.eml`;
      writeFileSync(join(dir, file), m.bytes);
      const original = originals[m.original]!;
      let clean = cleanOf.get(m.original);
      if (!clean) cleanOf.set(m.original, (clean = await parseMessage(withoutEnvelope(original.bytes))));
      made.push({ file, bytes: m.bytes, kind: m.kind, headersKept: m.headersKept, row: original.row, clean });
    }
    const data = join(root, 'data');
    const summary = await cliJson<IngestSummary>(['--data', data, 'ingest', dir, '--json']);

    const skipped = new Set(summary.skippedFiles.map((s) => s.path.split('/').pop()!));
    const store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true });
    const blobs = new BlobStore(data);
    const byFile = new Map<string, number>();
    try {
      const { messages } = await store.stats();
      for (let id = 1; id <= messages; id++) {
        const message = (await store.getMessage(id))!;
        for (const location of message.locations) byFile.set(location.locator.split('/').pop()!, id);
      }
      let recovered = 0;
      let oracleAgreed = 0;
      for (const m of made) {
        const id = byFile.get(m.file);
        assert.ok(id !== undefined || skipped.has(m.file), `${m.file}: neither stored nor reported as skipped`);
        if (id === undefined) continue;
        const message = (await store.getMessage(id))!;
        // The stored bytes are the file's, less the mbox envelope line an .eml may start with.
        const raw = await blobs.read(message.sha256);
        assert.ok(raw.equals(m.bytes) || raw.equals(withoutEnvelope(m.bytes)), `${m.file}: raw bytes differ from the file`);
        if (m.headersKept) {
          // What the clean original gives (itself checked against two other parsers in corpusIngest).
          const clean = m.clean;
          assert.equal(
            message.from?.address.toLowerCase(),
            clean.from?.address.toLowerCase(),
            `${m.file}: From (${m.kind}) ${JSON.stringify(message.warnings)}`,
          );
          assert.equal(message.messageId, clean.messageId, `${m.file}: Message-ID (${m.kind})`);
          assert.equal(message.dateUtc, clean.dateUtc, `${m.file}: Date (${m.kind})`);
          if (m.kind !== 'encoded-word-junk') assert.equal(message.subject, clean.subject, `${m.file}: Subject (${m.kind})`);
          if (clean.from && m.row?.from_agree && m.row.from === clean.from.address.toLowerCase()) oracleAgreed++;
          recovered++;
        }
      }
      assert.equal(made.length, COUNT);
      assert.ok(skipped.size < COUNT / 10, `${skipped.size} skipped`);
      assert.ok(recovered > COUNT / 3, `${recovered} mutants checked for their header fields`);
      assert.ok(oracleAgreed > recovered / 2, `${oracleAgreed} of them with a From the parser oracle agrees on`);
      // The large-header mutants are among them: the tolerant pass did its work.
      assert.ok((summary.warnings['headers-reduced'] ?? 0) >= (COUNT / MUTATION_KINDS.length) * 2, JSON.stringify(summary.warnings));
    } finally {
      await store.close();
    }
  },
);
