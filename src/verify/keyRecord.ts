import { createPublicKey } from 'node:crypto';

/**
 * DKIM key records as the key archive keeps them: the TXT record of `<selector>._domainkey.<domain>`
 * exactly as published, and every place and date it was seen. Keys rotate and vanish from DNS, so
 * the archive keeps all of them; the dates bound when a message signed with the key can have been sent.
 */

/** Where and when one key record was seen: "dns 127.0.0.1:53", "file keys.txt", "demo". */
export interface KeySighting {
  readonly source: string;
  /** ISO date (YYYY-MM-DD or a full timestamp). */
  readonly seen: string;
}

export interface KeyRecord {
  /** `<selector>._domainkey.<domain>`, lower case, without the trailing dot. */
  readonly name: string;
  /** The TXT record, its strings joined. */
  readonly record: string;
  readonly sightings: readonly KeySighting[];
}

/** What a key record says, read for display and for the verdict (the verifier reads it again itself). */
export interface KeyFacts {
  readonly selector: string;
  readonly domain: string;
  /** rsa, ed25519, or what k= claims when the key cannot be read. */
  readonly type: string;
  /** RSA modulus length; 256 for ed25519; null when unreadable. */
  readonly bits: number | null;
  /** p= is empty: the domain revoked the key. */
  readonly revoked: boolean;
  /** The key data could not be read (not base64, not a key): the reason. */
  readonly problem: string | null;
  readonly testing: boolean;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
}

/** Key records larger than this are refused at import: a real 4096-bit record is under 800 bytes. */
export const MAX_KEY_RECORD_BYTES = 16 * 1024;

export function keyName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`.toLowerCase().replace(/\.$/, '');
}

export function splitKeyName(name: string): { selector: string; domain: string } {
  const at = name.indexOf('._domainkey.');
  return at < 0 ? { selector: '', domain: name } : { selector: name.slice(0, at), domain: name.slice(at + '._domainkey.'.length) };
}

/** Tag=value pairs of a key record (RFC 6376 3.2 tag-list); later duplicates are ignored. */
export function keyTags(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !tags.has(name)) tags.set(name, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

export function keyFacts(key: KeyRecord): KeyFacts {
  const tags = keyTags(key.record);
  const p = tags.get('p') ?? '';
  const declared = (tags.get('k') ?? 'rsa').toLowerCase();
  const seen = key.sightings.map((s) => s.seen).sort();
  const base = {
    ...splitKeyName(key.name),
    testing: (tags.get('t') ?? '').split(':').includes('y'),
    firstSeen: seen[0] ?? null,
    lastSeen: seen.at(-1) ?? null,
  };
  if (p === '') return { ...base, type: declared, bits: null, revoked: true, problem: null };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(p)) return { ...base, type: declared, bits: null, revoked: false, problem: 'the key data is not base64' };
  const der = Buffer.from(p, 'base64');
  try {
    if (declared === 'ed25519' || der.length === 32) {
      if (der.length !== 32) throw new Error(`an ed25519 key is 32 bytes, this one ${der.length}`);
      return { ...base, type: 'ed25519', bits: 256, revoked: false, problem: null };
    }
    let key;
    try {
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    } catch {
      key = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
    }
    return { ...base, type: key.asymmetricKeyType ?? declared, bits: key.asymmetricKeyDetails?.modulusLength ?? null, revoked: false, problem: null };
  } catch (error) {
    return { ...base, type: declared, bits: null, revoked: false, problem: `the key data is not a public key (${(error as Error).message})` };
  }
}
