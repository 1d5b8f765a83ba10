/** The store half both backends share, over a SqlDriver (driver.ts): each store calls these as `sql.…`. */
export * from './amendments.js';
export * from './attachments.js';
export * from './keys.js';
export * from './messages.js';
export * from './redactions.js';
export * from './releases.js';
export type { SqlDriver } from './driver.js';
