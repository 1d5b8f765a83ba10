import iconv from 'iconv-lite';

/**
 * Just enough MIME *writing* to produce the demo collection (parsing is mailparser's job).
 * Lines end in LF, as in a Unix Maildir or mbox.
 */

/** RFC 2047 encoded-word for non-ASCII header text, in UTF-8 or a legacy charset. */
export function encodeWord(text: string, charset = 'utf-8'): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;

  // Keep each encoded word under 75 characters (RFC 2047 §2) by splitting on characters.
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    const next = chunk + ch;
    const size = ((charset === 'utf-8' ? Buffer.byteLength(next) : iconv.encode(next, charset).length) * 4) / 3;
    if (size > 40 && chunk) {
      words.push(chunk);
      chunk = ch;
    } else chunk = next;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?${charset}?B?${(charset === 'utf-8' ? Buffer.from(w, 'utf8') : iconv.encode(w, charset)).toString('base64')}?=`).join('\n ');
}

export function formatAddress(person: { name: string; address: string }): string {
  const name = encodeWord(person.name);
  return name === person.name && /[",;<>@]/.test(name) ? `"${name}" <${person.address}>` : `${name} <${person.address}>`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date in a fixed-offset zone. */
export function formatDate(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return (
    `${DAYS[local.getUTCDay()]}, ${pad(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

export function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
}

/** A MIME part: headers and an already-encoded body. */
export interface Part {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

export function textPart(text: string, options: { subtype?: string; charset?: string; encoding?: '8bit' | 'base64' } = {}): Part {
  const charset = options.charset ?? 'utf-8';
  const encoded = charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, charset);
  const encoding = options.encoding ?? '8bit';
  return {
    headers: [
      ['Content-Type', `text/${options.subtype ?? 'plain'}; charset=${charset}`],
      ['Content-Transfer-Encoding', encoding],
    ],
    body: encoding === 'base64' ? Buffer.from(base64Lines(encoded)) : encoded,
  };
}

export function filePart(filename: string, contentType: string, content: Buffer, options: { inlineCid?: string } = {}): Part {
  const headers: Array<[string, string]> = [
    ['Content-Type', `${contentType}; name="${filename}"`],
    ['Content-Transfer-Encoding', 'base64'],
    ['Content-Disposition', `${options.inlineCid ? 'inline' : 'attachment'}; filename="${filename}"`],
  ];
  if (options.inlineCid) headers.push(['Content-ID', `<${options.inlineCid}>`]);
  return { headers, body: Buffer.from(base64Lines(content)) };
}

export function messagePart(raw: Buffer, filename: string): Part {
  return {
    headers: [
      ['Content-Type', 'message/rfc822'],
      ['Content-Disposition', `attachment; filename="${filename}"`],
    ],
    body: raw,
  };
}

export function multipart(subtype: string, boundary: string, parts: readonly Part[]): Part {
  const chunks: Buffer[] = [Buffer.from('This is a multi-part message in MIME format.\n')];
  for (const part of parts) chunks.push(Buffer.from(`\n--${boundary}\n`), serialisePart(part));
  chunks.push(Buffer.from(`\n--${boundary}--\n`));
  return { headers: [['Content-Type', `multipart/${subtype}; boundary="${boundary}"`]], body: Buffer.concat(chunks) };
}

function serialisePart(part: Part): Buffer {
  const head = part.headers.map(([k, v]) => `${k}: ${v}\n`).join('');
  return Buffer.concat([Buffer.from(`${head}\n`), part.body]);
}

/** A whole message: top-level headers, then the body part's own headers and body. */
export function message(headers: ReadonlyArray<readonly [string, string]>, body: Part): Buffer {
  const all = [...headers, ['MIME-Version', '1.0'] as const, ...body.headers];
  const text = all.map(([k, v]) => `${k}: ${v}\n`).join('');
  const end = body.body.length > 0 && body.body[body.body.length - 1] === 0x0a ? '' : '\n';
  return Buffer.concat([Buffer.from(`${text}\n`), body.body, Buffer.from(end)]);
}
