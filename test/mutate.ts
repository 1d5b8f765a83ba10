import { prng } from '../src/demo/prng.js';

/**
 * Mutations of real messages for the ingest fuzz test (fixed seed): each takes a message's bytes and
 * returns hostile bytes, and says whether the header block is left as it was (then the archive must
 * still find the message's From, Subject and Message-ID).
 */
export interface Mutant {
  readonly kind: string;
  readonly bytes: Buffer;
  /** The original header fields are all still there, unchanged (the mutation is elsewhere or adds fields). */
  readonly headersKept: boolean;
}

type Mutator = (raw: Buffer, random: () => number) => { bytes: Buffer; headersKept: boolean };

function headerEnd(raw: Buffer): number {
  const lf = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\r\n\r\n');
  const ends = [lf, crlf].filter((n) => n >= 0);
  return ends.length > 0 ? Math.min(...ends) : raw.length;
}

const int = (random: () => number, n: number) => Math.floor(random() * n);
const body = (raw: Buffer) => headerEnd(raw) + 2;
const insertAfterFirstLine = (raw: Buffer, text: string) => {
  // After the first header line, so the message still starts like a message.
  const nl = raw.indexOf('\n');
  return Buffer.concat([raw.subarray(0, nl + 1), Buffer.from(text, 'latin1'), raw.subarray(nl + 1)]);
};

const MUTATORS: Record<string, Mutator> = {
  'byte-flips': (raw, random) => {
    const out = Buffer.from(raw);
    for (let i = 0; i < 1 + int(random, 20); i++) out[int(random, out.length)] = int(random, 256);
    return { bytes: out, headersKept: false };
  },
  'body-byte-flips': (raw, random) => {
    const out = Buffer.from(raw);
    const from = body(raw);
    if (from >= out.length) return { bytes: out, headersKept: true };
    for (let i = 0; i < 1 + int(random, 50); i++) out[from + int(random, out.length - from)] = int(random, 256);
    return { bytes: out, headersKept: true };
  },
  truncated: (raw, random) => {
    const cut = Math.max(1, int(random, raw.length));
    return { bytes: raw.subarray(0, cut), headersKept: cut > headerEnd(raw) };
  },
  'nul-bytes': (raw, random) => {
    const at = body(raw) + int(random, Math.max(1, raw.length - body(raw)));
    return { bytes: Buffer.concat([raw.subarray(0, at), Buffer.alloc(1 + int(random, 500)), raw.subarray(at)]), headersKept: true };
  },
  'bogus-charset': (raw) => {
    const text = raw.toString('latin1');
    const changed = /charset=/i.test(text)
      ? text.replace(/charset="?[\w-]+"?/gi, 'charset="x-no-such-charset-\u00ff"')
      : text.replace(/\r?\n\r?\n/, '\nContent-Type: text/plain; charset=utf-99\n\n');
    return { bytes: Buffer.from(changed, 'latin1'), headersKept: false };
  },
  'broken-base64': (raw, random) => {
    const text = raw.toString('latin1');
    const head = text.slice(0, headerEnd(raw));
    const junk = Array.from({ length: 2000 }, () => String.fromCharCode(33 + int(random, 90))).join('');
    const mime = `MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="zz"\n\n--zz\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n${junk}\n--zz\nContent-Type: application/pdf; name="a.pdf"\nContent-Transfer-Encoding: base64\n\n%%%${junk}===\n--zz--\n`;
    return {
      bytes: Buffer.from(`${head.replace(/^(content-type|mime-version|content-transfer-encoding):.*(\r?\n[ \t].*)*\r?\n?/gim, '')}\n${mime}`, 'latin1'),
      headersKept: false,
    };
  },
  'boundary-confusion': (raw) => {
    const text = raw.toString('latin1');
    const head = text.slice(0, headerEnd(raw)).replace(/^(content-type|mime-version|content-transfer-encoding):.*(\r?\n[ \t].*)*\r?\n?/gim, '');
    const mime = `MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="a"\n\n--a\nContent-Type: multipart/alternative; boundary="a"\n\n--a\nContent-Type: text/plain\n\nfirst\n--a--\n--a\nContent-Type: text/html\n\n<p>second\n--a-\n--b--\n`;
    return { bytes: Buffer.from(`${head}\n${mime}`, 'latin1'), headersKept: false };
  },
  'deep-nesting': (raw, random) => {
    const depth = 200 + int(random, 3000);
    const text = raw.toString('latin1');
    const head = text.slice(0, headerEnd(raw)).replace(/^(content-type|mime-version|content-transfer-encoding):.*(\r?\n[ \t].*)*\r?\n?/gim, '');
    const open = Array.from({ length: depth }, (_, i) => `--b${i}\nContent-Type: multipart/mixed; boundary="b${i + 1}"\n\n`).join('');
    return {
      bytes: Buffer.from(
        `${head}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b0"\n\n${open}--b${depth}\nContent-Type: text/plain\n\ndeep\n`,
        'latin1',
      ),
      headersKept: false,
    };
  },
  'huge-subject': (raw) => ({ bytes: insertAfterFirstLine(raw, `X-Huge-Subject: ${'S'.repeat(1_200_000)}\n`), headersKept: true }),
  'many-recipients': (raw, random) => ({
    bytes: insertAfterFirstLine(
      raw,
      `Cc: ${Array.from({ length: 20_000 + int(random, 20_000) }, (_, i) => `"Person ${i}" <p${i}@example.com>`).join(',\n ')}\n`,
    ),
    headersKept: true,
  }),
  'huge-header-line': (raw) => ({ bytes: insertAfterFirstLine(raw, `X-Long: ${'x'.repeat(2_000_000)}\n`), headersKept: true }),
  'many-header-fields': (raw, random) => ({
    bytes: insertAfterFirstLine(raw, Array.from({ length: 30_000 + int(random, 30_000) }, (_, i) => `X-F${i}: ${'v'.repeat(30)}\n`).join('')),
    headersKept: true,
  }),
  'hostile-references': (raw, random) => ({
    bytes: insertAfterFirstLine(
      raw,
      `X-Refs-Origin: fuzz\nReferences: ${Array.from({ length: 5000 + int(random, 20_000) }, (_, i) => `<r${i}.${int(random, 1e9)}@fuzz>`).join(' ')}\n`,
    ),
    headersKept: false,
  }),
  'line-endings': (raw, random) => {
    const text = raw.toString('latin1');
    const mixed = text.replace(/\r?\n/g, () => ['\n', '\r\n', '\r', '\n\r'][int(random, 4)]!);
    return { bytes: Buffer.from(mixed, 'latin1'), headersKept: false };
  },
  'long-body-line': (raw) => ({ bytes: Buffer.concat([raw, Buffer.from(`\n${'y'.repeat(3_000_000)}\n`)]), headersKept: true }),
  'encoded-word-junk': (raw, random) => ({
    bytes: insertAfterFirstLine(
      raw,
      `X-Words: ${Array.from({ length: 200 }, () => `=?${['utf-8', 'x-bad', 'iso-2022-jp'][int(random, 3)]}?${['B', 'Q', 'Z'][int(random, 3)]}?${'%%=='.repeat(int(random, 20))}?=`).join(' ')}\n`,
    ),
    headersKept: true,
  }),
};

export const MUTATION_KINDS = Object.keys(MUTATORS);

/** `count` mutants of the given messages, the same on every run for the same seed. */
export function* mutants(originals: readonly Buffer[], count: number, seed = 20261201): Generator<Mutant & { original: number }> {
  const random = prng(seed);
  for (let i = 0; i < count; i++) {
    // Every kind in turn, so even a short run covers them all.
    const kind = MUTATION_KINDS[i % MUTATION_KINDS.length]!;
    const original = int(random, originals.length);
    const { bytes, headersKept } = MUTATORS[kind]!(originals[original]!, random);
    yield { kind, bytes, headersKept, original };
  }
}
