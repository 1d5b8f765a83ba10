import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What each message and thread page of an export was rendered from, as a hash (its stamp), kept
 * beside the copy under the export's sequence: the next export renders again only the pages whose
 * stamp changed, and keeps the others as they are (hard links), so its time grows with the change,
 * not with the archive. The file of a sequence is written before that copy is switched in, and
 * only the one matching the live copy's manifest is read: a killed export never leaves stamps that
 * describe pages the live copy does not have.
 */
export type Stamps = Map<string, string>;

const fileOf = (dir: string, sequence: number) => join(dir, `${sequence}.tsv`);

export async function readStamps(dir: string, sequence: number | null): Promise<Stamps> {
  const stamps: Stamps = new Map();
  if (sequence === null) return stamps;
  const text = await readFile(fileOf(dir, sequence), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) stamps.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return stamps;
}

/** Writes the stamps of `sequence`; the older files but the live one's go. */
export async function writeStamps(dir: string, sequence: number, stamps: Stamps, liveSequence: number | null): Promise<void> {
  await mkdir(dir, { recursive: true });
  const lines: string[] = [];
  for (const [key, stamp] of stamps) lines.push(`${key}\t${stamp}\n`);
  await writeFile(`${fileOf(dir, sequence)}.tmp`, lines.join(''));
  await rename(`${fileOf(dir, sequence)}.tmp`, fileOf(dir, sequence));
  const keep = new Set([`${sequence}.tsv`, `${liveSequence}.tsv`]);
  for (const name of await readdir(dir)) if (!keep.has(name)) await rm(join(dir, name), { force: true });
}
