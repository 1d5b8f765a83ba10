import type Database from 'better-sqlite3';
import type { KeyRecord } from '../../verify/keyRecord.js';
import { keyName } from '../../verify/keyRecord.js';
import type { KeyImportOutcome, VerificationItem } from '../archiveStore.js';

export function addKeyRecordsSqlite(db: Database.Database, records: readonly KeyRecord[]): KeyImportOutcome {
  const insertKey = db.prepare('INSERT OR IGNORE INTO dkim_keys (name, record) VALUES (?, ?)');
  const keyId = db.prepare('SELECT id FROM dkim_keys WHERE name = ? AND record = ?').pluck();
  const insertSighting = db.prepare('INSERT OR IGNORE INTO dkim_key_sightings (key, source, seen) VALUES (?, ?, ?)');
  let added = 0;
  let sightings = 0;
  db.transaction(() => {
    for (const r of records) {
      added += insertKey.run(r.name, r.record).changes;
      const id = keyId.get(r.name, r.record) as number;
      for (const s of r.sightings) sightings += insertSighting.run(id, s.source, s.seen).changes;
    }
  }).immediate();
  return { added, sightings };
}

/** Prepared once per store: writes one message's report, verdict and signature rows (inside the caller's transaction). */
export function verificationWriter(db: Database.Database): (item: VerificationItem, options?: { verdictWritten: boolean }) => void {
  const upsert = db.prepare(`INSERT INTO verifications (message, verdict, domain, as_of, verifier, report_json) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT(message) DO UPDATE SET verdict = excluded.verdict, domain = excluded.domain, as_of = excluded.as_of,
    verifier = excluded.verifier, report_json = excluded.report_json`);
  const setVerdict = db.prepare('UPDATE messages SET dkim_verdict = ? WHERE id = ?');
  const clearSignatures = db.prepare('DELETE FROM signatures WHERE message = ?');
  const insertSignature = db.prepare('INSERT INTO signatures (message, idx, key_name, outcome) VALUES (?, ?, ?, ?)');
  return ({ id, report }, options) => {
    upsert.run(id, report.verdict, report.domain, report.at, report.verifier, JSON.stringify(report));
    // A new message's row already carries its verdict (set in the INSERT: one index update, not two).
    if (!options?.verdictWritten) {
      setVerdict.run(report.verdict, id);
      clearSignatures.run(id);
    }
    for (const s of report.signatures) {
      insertSignature.run(id, s.index, s.domain && s.selector ? keyName(s.selector, s.domain) : null, s.outcome);
    }
  };
}
