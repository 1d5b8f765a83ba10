import type { DataDir } from '../config/dataDir.js';
import type { SignedAmendment } from '../model/amendment.js';
import type { RedactOutcome, RedactRequestTarget } from '../redact/applyRedaction.js';
import type { ArchiveWriter } from '../store/archiveStore.js';
import { BlobStore } from '../store/blobStore.js';
import { openReader, type DatabaseLocation } from '../store/openStore.js';
import { RefusedError } from '../errors.js';
import { withWriterAt } from './context.js';

/**
 * One redaction (or its undoing) as the publisher asks for it, from the command line or from the
 * preview server: under the write lock, then a signed amendment when the message is public, then
 * the word statistics brought up to date.
 */

export interface RedactAction {
  readonly id: number;
  readonly targets: readonly RedactRequestTarget[];
  readonly reason: string;
  readonly dryRun?: boolean;
  readonly undo?: boolean;
  /** `epistola correct`: these bytes replace the published ones (no targets then). */
  readonly correctWith?: Buffer;
}

export interface RedactActionResult {
  readonly outcome: RedactOutcome | null;
  /** Undo: the original's sha256, published again; correct: the corrected bytes' sha256. */
  readonly restoredSha256: string | null;
  readonly amendment: SignedAmendment | null;
}

/** Whether the public can see a message now (a published release, not withdrawn): then a change is an amendment. */
async function isPublic(database: DatabaseLocation, id: number): Promise<boolean> {
  const reader = await openReader(database, { audience: 'public' });
  try {
    return (await reader.getMessage(id)) !== undefined;
  } finally {
    await reader.close();
  }
}

async function signedEntry(
  dir: DataDir,
  store: ArchiveWriter,
  entry: { action: 'redact' | 'restore' | 'correct'; id: number; reason: string; sha256: string; outcome?: RedactOutcome },
): Promise<SignedAmendment> {
  const { loadCollectionKey } = await import('../publish/collectionKey.js');
  const { signAmendment } = await import('../publish/amendments.js');
  const key = await loadCollectionKey(dir.root);
  return store.appendAmendment((seq, previous) =>
    signAmendment(key, {
      seq,
      action: entry.action,
      messages: [entry.id],
      reason: entry.reason,
      at: new Date().toISOString(),
      previous,
      sha256: { [entry.id]: entry.sha256 },
      ...(entry.outcome ? { spans: entry.outcome.spans.map((s) => ({ message: entry.id, span: s.span, where: s.where, commitment: s.commitment })) } : {}),
      ...(entry.action === 'restore' ? { restores: 'redaction' as const } : {}),
    }),
  );
}

export async function runRedaction(dir: DataDir, database: DatabaseLocation, action: RedactAction): Promise<RedactActionResult> {
  const { correct, redact, unredact, RedactionIncomplete, RedactionRefused } = await import('../redact/applyRedaction.js');
  const { KeyArchive } = await import('../verify/keyArchive.js');
  return withWriterAt(dir, database, async (store) => {
    const published = await isPublic(database, action.id);
    const context = { store, blobs: new BlobStore(dir.root), keys: new KeyArchive(await store.keyRecords()) };
    try {
      if (action.correctWith) {
        const { sha256 } = await correct(context, { id: action.id, raw: action.correctWith, reason: action.reason });
        const amendment = published ? await signedEntry(dir, store, { action: 'correct', id: action.id, reason: action.reason, sha256 }) : null;
        await store.refreshStatistics();
        return { outcome: null, restoredSha256: sha256, amendment };
      }
      if (action.undo) {
        const { sha256 } = await unredact(context, action.id);
        const amendment = published ? await signedEntry(dir, store, { action: 'restore', id: action.id, reason: action.reason, sha256 }) : null;
        await store.refreshStatistics();
        return { outcome: null, restoredSha256: sha256, amendment };
      }
      const outcome = await redact(context, { id: action.id, targets: action.targets, reason: action.reason, dryRun: action.dryRun });
      const amendment =
        outcome.written && published
          ? await signedEntry(dir, store, { action: 'redact', id: action.id, reason: action.reason, sha256: outcome.sha256, outcome })
          : null;
      if (outcome.written) await store.refreshStatistics();
      return { outcome, restoredSha256: null, amendment };
    } catch (error) {
      if (error instanceof RedactionIncomplete || error instanceof RedactionRefused) throw new RefusedError(error.message);
      throw error;
    }
  });
}

/** What a redaction did, in a few lines for people (the CLI prints it; the preview server shows it). */
export function describeOutcome(o: RedactOutcome): string[] {
  const lines = [
    `${o.written ? 'Redacted' : 'Would redact'} message ${o.id}: ${o.spans.length} span${o.spans.length === 1 ? '' : 's'}.`,
    ...o.spans.map((s) => `  [${s.span}] ${s.where}: ${s.by === 'part' ? `${s.removed.length} bytes withheld` : JSON.stringify(s.removed.toString('utf8'))}`),
  ];
  const n = o.notice;
  if (n.signedHeadersTouched.length > 0)
    lines.push(`Signed header fields changed (${n.signedHeadersTouched.join(', ')}): readers can no longer check the DKIM signature.`);
  else if (n.headersProven) {
    lines.push(`Readers can still check the signature over the published headers (bh=${n.bodyHash}).`);
    // bh= is an unsalted hash of the whole original body: with the rest of the body public, a span
    // with few possible values (a phone number, a short name) can be found by trying them all.
    if (o.spans.some((s) => s.by !== 'part' && s.by !== 'header' && s.removed.length < 24))
      lines.push(
        'Note: the signature keeps the original body hash (bh=). Anyone can test guesses of a short span against it; if that matters, also take out the signature (--header DKIM-Signature), giving up the header proof.',
      );
  }
  if (o.alsoIn.length > 0)
    lines.push(
      `The same text is also in message${o.alsoIn.length === 1 ? '' : 's'} ${o.alsoIn.slice(0, 20).join(', ')}${o.alsoIn.length > 20 ? ', …' : ''}: redact ${o.alsoIn.length === 1 ? 'it' : 'them'} too.`,
    );
  lines.push(`Part tree root: ${n.root}`);
  if (!o.written) lines.push('Nothing was changed (dry run).');
  return lines;
}
