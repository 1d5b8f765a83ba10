import { lstat, mkdir, readdir, realpath, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';

/**
 * How an export replaces the served copy in one step, as mirror sync does: the new copy is built
 * beside the live one (unchanged files hard-linked from it), then the export's directory — a
 * symlink — is pointed at it by renaming a new symlink over the old. A reader or a mirror sees the
 * old copy or the new one, never a mix; a killed export leaves the live copy untouched.
 *
 *   site -> .site.snapshots/<sequence>     what the web server serves (`root /srv/site;` follows it)
 *   .site.snapshots/<sequence>/            complete, signed copies (the one replaced is kept one round)
 *   .site.snapshots/staging/               an export in progress (started again by the next run)
 */
export interface SiteSnapshots {
  /** The copy served now (null on a first export). */
  readonly live: string | null;
  /** Where this export writes. */
  readonly staging: string;
  /** Makes the staged copy the served one, under its manifest's sequence number. */
  commit(sequence: number): Promise<void>;
  /** Nothing changed: the staged copy goes, the live one stays. */
  abandon(): Promise<void>;
}

export async function openSnapshots(outDir: string): Promise<SiteSnapshots> {
  const site = resolve(outDir);
  const base = join(dirname(site), `.${basename(site)}.snapshots`);
  const kind = await lstat(site).catch(() => null);
  // A directory there is an export made before snapshots (or by hand): it is the live copy until the first switch.
  const live = kind?.isSymbolicLink() ? await realpath(site) : kind?.isDirectory() ? site : null;
  const staging = join(base, 'staging');
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  return {
    live,
    staging,
    async commit(sequence: number) {
      const target = join(base, String(sequence));
      await rm(target, { recursive: true, force: true });
      await rename(staging, target);
      if (kind?.isDirectory()) {
        // Once only: the old directory moves aside (a moment with no site), then the symlink takes its place.
        await rename(site, join(base, `before-${sequence}`));
      }
      const link = join(dirname(site), `.${basename(site)}.${process.pid}.link`);
      await rm(link, { force: true });
      await symlink(relative(dirname(site), target), link);
      await rename(link, site);
      // The copy just replaced stays for readers still in it; older ones go.
      const keep = new Set([basename(target), live && dirname(live) === base ? basename(live) : `before-${sequence}`]);
      for (const name of await readdir(base)) if (!keep.has(name)) await rm(join(base, name), { recursive: true, force: true });
    },
    async abandon() {
      await rm(staging, { recursive: true, force: true });
    },
  };
}
