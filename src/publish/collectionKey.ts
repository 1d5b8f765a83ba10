import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The collection's Ed25519 signing key (node:crypto): it signs every export manifest, so a mirror
 * or a reader can check that a copy is the publisher's. The private half never leaves the data
 * directory (mode 0600); the public half and its fingerprint are shown on the site.
 */

export const PRIVATE_KEY_FILE = 'collection-key.pem';
export const PUBLIC_KEY_FILE = 'collection-key.pub.pem';

export interface CollectionKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicPem: string;
  readonly fingerprint: string;
}

/** sha256 of the raw 32-byte Ed25519 public key, hex: what `mirror sync --key` pins. */
export function fingerprintOf(publicKey: KeyObject): string {
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  return createHash('sha256').update(raw).digest('hex');
}

/** Creates the key when the data directory has none; returns whether it did. */
export async function ensureCollectionKey(dataDir: string): Promise<boolean> {
  const path = join(dataDir, PRIVATE_KEY_FILE);
  const existing = await readFile(path).catch(() => null);
  if (existing) return false;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // 'wx': never overwrite a key that appeared meanwhile; mode 0600 from the start.
  await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
  await chmod(path, 0o600);
  await writeFile(join(dataDir, PUBLIC_KEY_FILE), publicKey.export({ type: 'spki', format: 'pem' }));
  return true;
}

export async function loadCollectionKey(dataDir: string): Promise<CollectionKey> {
  await ensureCollectionKey(dataDir);
  const privateKey = createPrivateKey(await readFile(join(dataDir, PRIVATE_KEY_FILE)));
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKey, publicPem, fingerprint: fingerprintOf(publicKey) };
}

/** The public half only (what the web server and readers need). */
export async function loadPublicKey(dataDir: string): Promise<{ publicPem: string; fingerprint: string } | null> {
  const pem = await readFile(join(dataDir, PUBLIC_KEY_FILE), 'utf8').catch(() => null);
  return pem ? { publicPem: pem, fingerprint: fingerprintOf(createPublicKey(pem)) } : null;
}

export function signBytes(key: CollectionKey, data: Buffer): string {
  return sign(null, data, key.privateKey).toString('base64');
}

export function verifyBytes(publicKey: KeyObject | string, data: Buffer, signature: string): boolean {
  try {
    return verify(null, data, typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
