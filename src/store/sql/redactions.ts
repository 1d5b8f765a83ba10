import type { RedactionRecord, RedactionSummary } from '../../redact/redactionRecord.js';
import { summaryOfRedaction } from '../../redact/redactionRecord.js';
import { redactionOf } from '../messageRows.js';
import { one, type SqlDriver } from './driver.js';

/** The private records of redactions (salts, removed bytes): the publisher's only. */

export async function redactionIn(d: SqlDriver, id: number): Promise<RedactionRecord | null> {
  const row = await one(d, 'SELECT * FROM redactions WHERE message = ?', [id]);
  return row ? redactionOf(row) : null;
}

export async function redactionsIn(d: SqlDriver): Promise<RedactionSummary[]> {
  return (await d.all('SELECT * FROM redactions ORDER BY message')).map((row) => summaryOfRedaction(redactionOf(row)));
}
