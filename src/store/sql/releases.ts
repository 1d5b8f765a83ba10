import type { Audience, Release } from '../../model/release.js';
import { publishRefusal, type PublishRefusal } from '../../release/publishRules.js';
import { one, type SqlDriver } from './driver.js';

/** Releases (schema 6 on SQLite, the same table on PostgreSQL): numbered parts; a message belongs to at most one, for good. */

interface ReleaseRow {
  number: number;
  title: string;
  selection: string;
  created_at: string;
  publish_at: string | null;
  messages: number;
}

function toRelease(row: ReleaseRow, now: Date): Release {
  return {
    number: row.number,
    title: row.title,
    selection: row.selection,
    createdAt: row.created_at,
    publishAt: row.publish_at,
    published: row.publish_at !== null && row.publish_at <= now.toISOString(),
    messages: row.messages,
  };
}

/** Every release for the publisher; the published ones for the public. */
export async function releasesOf(d: SqlDriver, now: Date, audience: Audience = 'publisher'): Promise<Release[]> {
  const rows = await d.all<ReleaseRow>(
    'SELECT r.*, (SELECT count(*) FROM messages m WHERE m.release_number = r.number) AS messages FROM releases r ORDER BY r.number',
  );
  const all = rows.map((row) => toRelease(row, now));
  return audience === 'publisher' ? all : all.filter((r) => r.published);
}

/**
 * A new release of the given messages that are in no release yet (a published release is never
 * rewritten: later releases add). Returns the release, and how many of the ids were already in one.
 */
export async function createReleaseIn(
  d: SqlDriver,
  input: { readonly title: string; readonly selection: string; readonly ids: readonly number[] | 'all-remaining'; readonly now: Date },
): Promise<{ release: Release; alreadyReleased: number }> {
  return d.write(async (tx) => {
    const number = ((await one<{ n: number }>(tx, 'SELECT coalesce(max(number), 0) + 1 AS n FROM releases'))?.n ?? 1) as number;
    await tx.run('INSERT INTO releases (number, title, selection, created_at) VALUES (?, ?, ?, ?)', [
      number,
      input.title,
      input.selection,
      input.now.toISOString(),
    ]);
    let alreadyReleased = 0;
    if (input.ids === 'all-remaining') await tx.run('UPDATE messages SET release_number = ? WHERE release_number IS NULL', [number]);
    else {
      const ids = tx.dialect.idsParam(input.ids);
      alreadyReleased = (await one<{ n: number }>(tx, `SELECT count(*) AS n FROM messages WHERE ${tx.dialect.idIn('id')} AND release_number IS NOT NULL`, [
        ids,
      ]))!.n;
      await tx.run(`UPDATE messages SET release_number = ? WHERE ${tx.dialect.idIn('id')} AND release_number IS NULL`, [number, ids]);
    }
    const release = (await releasesOf(tx, input.now)).find((r) => r.number === number)!;
    return { release, alreadyReleased };
  });
}

/** Sets when a release becomes public, unless the rules refuse it (release/publishRules.ts). */
export async function publishReleaseIn(d: SqlDriver, number: number, at: Date, now: Date): Promise<Release | PublishRefusal> {
  return d.write(async (tx) => {
    const refusal = publishRefusal(
      number,
      (await releasesOf(tx, now)).find((r) => r.number === number),
    );
    if (refusal) return refusal;
    await tx.run('UPDATE releases SET publish_at = ? WHERE number = ? AND (publish_at IS NULL OR publish_at > ?)', [
      at.toISOString(),
      number,
      now.toISOString(),
    ]);
    return (await releasesOf(tx, now)).find((r) => r.number === number)!;
  });
}
