import { createRequire } from 'node:module';
import type { dkimVerify as DkimVerify, DNSResolver } from 'mailauth';

/**
 * mailauth's DKIM verifier with one change: a key record is parsed once per process, not once per
 * message. mailauth makes a fresh key cache for every message (createKeyCache in lib/tools.js), so
 * each message checks and converts the same few keys again (base64 check, DER → KeyObject → PEM):
 * 23–29% of the time per message, profiled on the demo. Our cache remembers getPublicKey's answer
 * by everything that decides it, including the record text the resolver returned, so an answer is
 * never reused for another question (a different archived record under the same name, another
 * clock or bit limit). If mailauth's internals change shape, nothing is patched: verification stays
 * correct, only slower (test/unit/verifyMessage.test.ts checks every verdict either way).
 */

const require = createRequire(import.meta.url);

interface Tools {
  createKeyCache?: (resolver: DNSResolver) => unknown;
  getPublicKey?: (type: string, name: string, minBitLength: number, resolver: DNSResolver, options: object) => Promise<unknown>;
}

/** Parsed keys kept at most: a process verifying an archive meets far fewer distinct records. */
const MAX_CACHED_KEYS = 10_000;

function installSharedKeyCache(): void {
  const tools = require('mailauth/lib/tools.js') as Tools;
  const { getPublicKey } = tools;
  if (typeof tools.createKeyCache !== 'function' || typeof getPublicKey !== 'function') return;
  const parsed = new Map<string, Promise<unknown>>();
  tools.createKeyCache = (resolver: DNSResolver) => ({
    resolver,
    get(type: string, name: string, minBitLength: number, options: { strict?: boolean; hashAlgo?: string } = {}) {
      const lookup = (async () => {
        const answer = await resolver(name, 'TXT');
        const key = JSON.stringify([type, minBitLength ?? null, Boolean(options.strict), options.hashAlgo ?? null, name, answer]);
        let result = parsed.get(key);
        if (!result) {
          if (parsed.size >= MAX_CACHED_KEYS) parsed.clear();
          result = getPublicKey(type, name, minBitLength, async () => answer, options);
          result.catch(() => undefined);
          parsed.set(key, result);
        }
        return result;
      })();
      // mailauth prefetches lookups before it awaits them (as its own cache does): a failure is an
      // answer every caller still sees, never an unhandled rejection.
      lookup.catch(() => undefined);
      return lookup;
    },
  });
  // The verifier takes createKeyCache when it is loaded: load it (again) after the change.
  for (const path of ['mailauth/lib/dkim/dkim-verifier.js', 'mailauth/lib/dkim/verify.js']) delete require.cache[require.resolve(path)];
}

installSharedKeyCache();
export const dkimVerify = (require('mailauth/lib/dkim/verify.js') as { dkimVerify: typeof DkimVerify }).dkimVerify;
