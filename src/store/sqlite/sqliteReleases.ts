import type Database from 'better-sqlite3';
import type { Release } from '../archiveStore.js';
import { publishRefusal, type PublishRefusal } from '../../release/publishRules.js';

/** Releases in SQLite (schema 6): numbered parts; a message belongs to at most one, for good. */

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

export function releasesSqlite(db: Database.Database, now: Date): Release[] {
  return (
    db
      .prepare(`SELECT r.*, (SELECT count(*) FROM messages m WHERE m.release_number = r.number) AS messages FROM releases r ORDER BY r.number`)
      .all() as ReleaseRow[]
  ).map((row) => toRelease(row, now));
}

/**
 * A new release of the given messages that are in no release yet (a published release is never
 * rewritten: later releases add). Returns the release, and how many of the ids were already in one.
 */
export function createReleaseSqlite(
  db: Database.Database,
  input: { title: string; selection: string; ids: readonly number[] | 'all-remaining'; now: Date },
): { release: Release; alreadyReleased: number } {
  return db
    .transaction(() => {
      const number = ((db.prepare('SELECT coalesce(max(number), 0) FROM releases').pluck().get() as number) ?? 0) + 1;
      db.prepare('INSERT INTO releases (number, title, selection, created_at) VALUES (?, ?, ?, ?)').run(
        number,
        input.title,
        input.selection,
        input.now.toISOString(),
      );
      let alreadyReleased = 0;
      if (input.ids === 'all-remaining') {
        db.prepare('UPDATE messages SET release_number = ? WHERE release_number IS NULL').run(number);
      } else {
        const json = JSON.stringify(input.ids);
        alreadyReleased = db
          .prepare('SELECT count(*) FROM messages WHERE id IN (SELECT value FROM json_each(?)) AND release_number IS NOT NULL')
          .pluck()
          .get(json) as number;
        db.prepare('UPDATE messages SET release_number = ? WHERE id IN (SELECT value FROM json_each(?)) AND release_number IS NULL').run(number, json);
      }
      const release = releasesSqlite(db, input.now).find((r) => r.number === number)!;
      return { release, alreadyReleased };
    })
    .immediate();
}

/** Sets when a release becomes public. A release already public cannot be moved or withdrawn. */
export function publishReleaseSqlite(db: Database.Database, number: number, at: Date, now: Date): Release | PublishRefusal {
  return db
    .transaction((): Release | PublishRefusal => {
      const refusal = publishRefusal(
        number,
        releasesSqlite(db, now).find((r) => r.number === number),
      );
      if (refusal) return refusal;
      db.prepare('UPDATE releases SET publish_at = ? WHERE number = ?').run(at.toISOString(), number);
      return releasesSqlite(db, now).find((r) => r.number === number)!;
    })
    .immediate();
}
