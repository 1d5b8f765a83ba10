import { createHash } from 'node:crypto';

/** Hex sha256 of some bytes: the identity of raw messages and attachment blobs. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
