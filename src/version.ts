import { createRequire } from 'node:module';

/** This Epistola's version, from package.json (named in proof bundles and manifests). */
export const EPISTOLA_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
