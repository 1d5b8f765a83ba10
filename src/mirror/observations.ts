import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprintOf, verifyBytes } from '../publish/collectionKey.js';
import type { MirrorSite } from '../publish/manifest.js';
import type { Origin } from './origin.js';
import type { StatusReport } from './mirrorStatus.js';

/**
 * Reachability seen from everywhere: every mirror checks every site from where it stands (`mirror
 * status --as <its name> --publish <its mirror dir>`, on a schedule) and serves what it saw, signed
 * with its own observer key, at observations/<name>.json. The publisher pins each observer's public
 * key in mirrors.json (itself signed through the manifest), so the origin and anyone else can
 * gather the observations into one matrix, "seen from Oslo: Paris up and fresh, Frankfurt down",
 * and refuse one that was altered or signed by another key.
 */

export const OBSERVATIONS_DIR = 'observations';

/** What one site saw of every site, at one time. */
export interface Observation {
  readonly format: 1;
  readonly observer: string;
  readonly checkedAt: string;
  readonly originSequence: number;
  readonly sites: ReadonlyArray<{
    readonly name: string;
    readonly up: boolean;
    readonly latencyMs: number | null;
    readonly sequence: number | null;
    readonly behind: number | null;
    readonly problem: string | null;
  }>;
}

/** A row of the matrix: an observer's latest observation, or why there is none to trust. */
export interface ObservationRow {
  readonly observer: string;
  readonly country: string;
  readonly observation: Observation | null;
  readonly problem: string | null;
}

/** A site of mirrors.json as the publisher lists it, with the public key (PEM) it signs its observations with. */
export interface ObservedSite extends MirrorSite {
  readonly observer?: string;
}

export const observationPath = (observer: string) => `${OBSERVATIONS_DIR}/${encodeURIComponent(observer)}.json`;

/** Creates an observer key at `path` when there is none; returns its public half and fingerprint. */
export async function ensureObserverKey(path: string): Promise<{ privateKey: KeyObject; publicPem: string; fingerprint: string; created: boolean }> {
  let pem = await readFile(path, 'utf8').catch(() => null);
  const created = pem === null;
  if (pem === null) {
    pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFile(path, pem, { flag: 'wx', mode: 0o600 });
    await chmod(path, 0o600);
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: fingerprintOf(publicKey), created };
}

export function observationOf(observer: string, report: StatusReport): Observation {
  return {
    format: 1,
    observer,
    checkedAt: report.checkedAt,
    originSequence: report.originSequence,
    sites: report.sites.map((s) => ({ name: s.name, up: s.up, latencyMs: s.latencyMs, sequence: s.sequence, behind: s.behind, problem: s.problem })),
  };
}

/** Writes the signed observation where the mirror's web server serves it (the directory it serves: <mirror dir>/current). */
export async function publishObservation(servedDir: string, observation: Observation, privateKey: KeyObject): Promise<string> {
  const bytes = Buffer.from(`${JSON.stringify(observation, null, 1)}\n`);
  const path = join(servedDir, observationPath(observation.observer));
  await mkdir(join(servedDir, OBSERVATIONS_DIR), { recursive: true });
  // The signature first, then the observation: a reader never sees a new observation with an old signature for long.
  await writeFile(`${path}.sig.tmp`, `${sign(null, bytes, privateKey).toString('base64')}\n`);
  await writeFile(`${path}.tmp`, bytes);
  await rename(`${path}.sig.tmp`, `${path}.sig`);
  await rename(`${path}.tmp`, path);
  return path;
}

/** Each listed observer's latest observation, from its own site, checked against the key mirrors.json pins for it. */
export async function gatherObservations(sites: readonly ObservedSite[], open: (url: string) => Origin): Promise<ObservationRow[]> {
  return Promise.all(
    sites
      .filter((s) => s.observer)
      .map(async (site): Promise<ObservationRow> => {
        const row = { observer: site.name, country: site.country };
        try {
          const origin = open(site.url);
          const [bytes, signature] = await Promise.all([origin.get(observationPath(site.name)), origin.get(`${observationPath(site.name)}.sig`)]);
          if (!bytes || !signature) return { ...row, observation: null, problem: 'no observation published' };
          if (!verifyBytes(site.observer!, bytes, signature.toString().trim()))
            return { ...row, observation: null, problem: 'refused: not signed by the key mirrors.json pins for it' };
          const observation = JSON.parse(bytes.toString('utf8')) as Observation;
          if (observation.format !== 1 || observation.observer !== site.name || !Array.isArray(observation.sites))
            return { ...row, observation: null, problem: 'refused: not an observation of this site' };
          return { ...row, observation, problem: null };
        } catch (error) {
          return { ...row, observation: null, problem: `unreachable from here: ${(error as Error).message}` };
        }
      }),
  );
}
