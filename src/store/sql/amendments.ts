import type { AmendmentEntry, SignedAmendment } from '../../model/amendment.js';
import { sha256Hex } from '../../mail/contentHash.js';
import { one, type SqlDriver } from './driver.js';

/** The signed amendment log and the withdrawals it makes, in both stores. */

interface AmendmentRow {
  entry_json: string;
  signature: string;
}

const signedOf = (row: AmendmentRow): SignedAmendment => ({
  entry: JSON.parse(row.entry_json) as AmendmentEntry,
  json: row.entry_json,
  signature: row.signature,
});

export async function amendmentsOf(d: SqlDriver): Promise<SignedAmendment[]> {
  return (await d.all<AmendmentRow>('SELECT entry_json, signature FROM amendments ORDER BY seq')).map(signedOf);
}

/** The entry that withdrew message `id`, while it is withdrawn. */
export async function withdrawalOf(d: SqlDriver, id: number): Promise<SignedAmendment | null> {
  const row = await one<AmendmentRow>(d, 'SELECT a.entry_json, a.signature FROM withdrawn w JOIN amendments a ON a.seq = w.amendment WHERE w.message = ?', [
    id,
  ]);
  return row ? signedOf(row) : null;
}

/**
 * Appends the entry `make` signs (given its sequence number and the hash of the entry before it, so
 * the log is a chain), and applies it: a withdrawal takes its messages down, a restore puts them back.
 */
export async function appendAmendmentTo(d: SqlDriver, make: (seq: number, previous: string | null) => SignedAmendment): Promise<SignedAmendment> {
  return d.write(async (tx) => {
    const last = await one<{ seq: number; entry_json: string }>(tx, 'SELECT seq, entry_json FROM amendments ORDER BY seq DESC LIMIT 1');
    const signed = make((last?.seq ?? 0) + 1, last ? sha256Hex(Buffer.from(last.entry_json)) : null);
    await tx.run('INSERT INTO amendments (seq, entry_json, signature) VALUES (?, ?, ?)', [signed.entry.seq, signed.json, signed.signature]);
    const { action, restores, messages, seq } = signed.entry;
    const ids = tx.dialect.idsParam(messages);
    // SQLite wants a WHERE in an INSERT … SELECT … ON CONFLICT (to tell the clauses apart).
    if (action === 'withdraw')
      await tx.run(
        `INSERT INTO withdrawn (message, amendment) SELECT m.id, CAST(? AS INTEGER) FROM messages m WHERE ${tx.dialect.idIn('m.id')} ON CONFLICT DO NOTHING`,
        [seq, ids],
      );
    else if (action === 'restore' && restores === 'withdrawal') await tx.run(`DELETE FROM withdrawn WHERE ${tx.dialect.idIn('message')}`, [ids]);
    return signed;
  });
}
