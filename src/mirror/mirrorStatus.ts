import { checkManifest, findFile, MANIFEST_FILE, MIRRORS_FILE, SIGNATURE_FILE, sha256Of, type MirrorSite } from '../publish/manifest.js';
import { openOrigin } from './origin.js';
import type { ObservedSite } from './observations.js';

/**
 * Every site of mirrors.json: reachable or not, how fast, and whether its signed manifest is the
 * origin's latest (fresh) or how many exports behind it is.
 */

export interface SiteStatus extends MirrorSite {
  readonly up: boolean;
  readonly latencyMs: number | null;
  readonly sequence: number | null;
  /** Exports behind the origin; 0 is fresh; null when down or its manifest was refused. */
  readonly behind: number | null;
  readonly problem: string | null;
}

export interface StatusReport {
  readonly checkedAt: string;
  readonly origin: string;
  readonly originSequence: number;
  readonly sites: readonly SiteStatus[];
}

/** The origin's mirrors.json, checked against its signed manifest (with each observer's pinned key). */
export interface CheckedStatus {
  readonly report: StatusReport;
  readonly listed: readonly ObservedSite[];
}

export async function mirrorStatus(originLocation: string, fingerprint: string): Promise<StatusReport> {
  return (await checkMirrors(originLocation, fingerprint)).report;
}

export async function checkMirrors(originLocation: string, fingerprint: string): Promise<CheckedStatus> {
  const origin = openOrigin(originLocation);
  const [bytes, signature, mirrorsJson] = await Promise.all([origin.get(MANIFEST_FILE), origin.get(SIGNATURE_FILE), origin.get(MIRRORS_FILE)]);
  if (!bytes || !signature) throw new Error(`no signed manifest at ${origin.label}`);
  const check = checkManifest(bytes, signature.toString(), fingerprint);
  if (!check.ok) throw new Error(`the origin's manifest is refused: ${check.reason}`);
  // mirrors.json is one of the signed files: the sites (and observer keys) it lists are the publisher's.
  const listedFile = await findFile(check.manifest, MIRRORS_FILE, (path) => origin.get(path));
  if (mirrorsJson && listedFile && sha256Of(mirrorsJson) !== listedFile.sha256)
    throw new Error(`the origin's ${MIRRORS_FILE} does not match its signed manifest`);
  const sites = mirrorsJson ? (JSON.parse(mirrorsJson.toString('utf8')) as ObservedSite[]) : [];
  const statuses = await Promise.all(
    sites.map(async ({ observer: _pinned, ...site }: ObservedSite): Promise<SiteStatus> => {
      const started = performance.now();
      try {
        const o = openOrigin(site.url);
        const [m, s] = await Promise.all([o.get(MANIFEST_FILE), o.get(SIGNATURE_FILE)]);
        const latencyMs = Math.round(performance.now() - started);
        if (!m || !s) return { ...site, up: true, latencyMs, sequence: null, behind: null, problem: 'no signed manifest' };
        const siteCheck = checkManifest(m, s.toString(), fingerprint);
        if (!siteCheck.ok) return { ...site, up: true, latencyMs, sequence: null, behind: null, problem: siteCheck.reason };
        return {
          ...site,
          up: true,
          latencyMs,
          sequence: siteCheck.manifest.sequence,
          behind: Math.max(0, check.manifest.sequence - siteCheck.manifest.sequence),
          problem: null,
        };
      } catch (error) {
        return {
          ...site,
          up: false,
          latencyMs: null,
          sequence: null,
          behind: null,
          problem: (error as Error).cause ? String((error as Error & { cause: Error }).cause.message) : (error as Error).message,
        };
      }
    }),
  );
  return { report: { checkedAt: new Date().toISOString(), origin: origin.label, originSequence: check.manifest.sequence, sites: statuses }, listed: sites };
}
