/**
 * The tolerant header pass: when the MIME library refuses a message's header block (mailsplit stops
 * at 1 MB of headers: a 1 MB Subject, 20,000 recipients, one enormous line), a smaller block is made
 * from it and given to the same library, so the message still gets its From, To, Subject, Date and
 * Message-ID and can be found. Only field boundaries are found here (a field starts on a line that
 * does not begin with a space or tab); decoding stays the library's. Every bound is named.
 */

/** How much of the header block is looked at, at most. */
export const REDUCED_SCAN_BYTES = 8 * 1024 * 1024;
/** The fields a reader and the index need, each kept up to this size (about 800 recipients). */
export const REDUCED_KEY_FIELD_BYTES = 32 * 1024;
/** Every other field, kept up to this size while the block has room. */
export const REDUCED_OTHER_FIELD_BYTES = 4 * 1024;
/** The reduced block, at most: well under the library's 1 MB. */
export const REDUCED_BLOCK_BYTES = 512 * 1024;

const KEY_FIELDS = new Set(['from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'date', 'message-id', 'in-reply-to', 'references']);

export interface ReducedHeaders {
  /** The reduced header block followed by an empty body, or by the message's own. */
  readonly block: Buffer;
  /** Fields shortened to their bound. */
  readonly cut: number;
  /** Fields left out (the block was full, or it was a body's Content-* field). */
  readonly dropped: number;
}

/** Where the header block ends: the first empty line, or the scan limit. */
function headerLength(raw: Buffer): number {
  const limit = Math.min(raw.length, REDUCED_SCAN_BYTES);
  const lf = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\r\n\r\n');
  const ends = [lf, crlf].filter((n) => n >= 0 && n < limit);
  return ends.length > 0 ? Math.min(...ends) : limit;
}

/** The header fields of the raw message as byte ranges, unfolded lines kept together. */
function* fields(head: Buffer): Generator<{ name: string; start: number; end: number }> {
  let start = 0;
  let at = 0;
  while (at < head.length) {
    const newline = head.indexOf(0x0a, at);
    const next = newline < 0 ? head.length : newline + 1;
    const following = head[next];
    // The field goes on while the next line is a continuation.
    if (next < head.length && (following === 0x20 || following === 0x09)) {
      at = next;
      continue;
    }
    // A field name is short: the colon is looked for in the first 200 bytes only (linear on any input).
    const colon = head.subarray(start, Math.min(next, start + 200)).indexOf(0x3a);
    const name =
      colon > 0
        ? head
            .subarray(start, start + colon)
            .toString('latin1')
            .trim()
            .toLowerCase()
        : '';
    yield { name, start, end: next };
    start = at = next;
  }
}

/**
 * The reduced header block; with `body`, the message's own Content-* fields are kept and its body
 * follows, so the library can read the text and attachments too.
 */
export function reducedHeaders(raw: Buffer, options: { body?: boolean } = {}): ReducedHeaders {
  const length = headerLength(raw);
  const head = raw.subarray(0, length);
  const kept: Buffer[] = [];
  let size = 0;
  let cut = 0;
  let dropped = 0;
  // Key fields first (the first of each kind, then repeats while there is room), then the others.
  const all = [...fields(head)].filter((f) => f.name !== '');
  const order = [...all.filter((f) => KEY_FIELDS.has(f.name)), ...all.filter((f) => !KEY_FIELDS.has(f.name))];
  for (const field of order) {
    // Headers only: a Content-Type here would make the library look for a body that is not there.
    if (!options.body && field.name.startsWith('content-')) {
      dropped++;
      continue;
    }
    const bound = KEY_FIELDS.has(field.name) ? REDUCED_KEY_FIELD_BYTES : REDUCED_OTHER_FIELD_BYTES;
    let bytes = head.subarray(field.start, field.end);
    const long = bytes.length > bound;
    if (long) {
      // Cut at the last comma or space before the bound, so an address or a word is not split.
      const room = bytes.subarray(0, bound);
      const at = Math.max(room.lastIndexOf(0x2c), room.lastIndexOf(0x20));
      bytes = room.subarray(0, at > bound / 2 ? at : bound);
      cut++;
    }
    if (size + bytes.length + 2 > REDUCED_BLOCK_BYTES) {
      dropped++;
      continue;
    }
    // A list cut after a comma would end in one: that comma goes.
    const text = bytes.toString('latin1').replace(/[\r\n]+$/, '');
    kept.push(Buffer.from(long ? text.replace(/,\s*$/, '') : text, 'latin1'), Buffer.from('\r\n'));
    size += bytes.length + 2;
  }
  const body = options.body ? raw.subarray(Math.min(raw.length, length + (raw[length] === 0x0d ? 4 : 2))) : Buffer.alloc(0);
  return { block: Buffer.concat([...kept, Buffer.from('\r\n'), body]), cut, dropped };
}
