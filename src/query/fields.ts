import { VERDICTS } from '../verify/report.js';
/**
 * The search language's fields: one table drives the parser, every store's compiler and the help
 * (`epistola search --help-query`, docs/query-syntax.md). Add a field here and the parser knows it;
 * the compilers must then handle its `kind` (the type system checks they do).
 */
export type FieldKind =
  | 'text' // words or "phrases" in one part of the full-text index
  | 'address' // a name, an address, or @domain in one address role
  | 'date' // 2015, 2015-03, 2015-03-01
  | 'integer'
  | 'enum'
  | 'string'; // an exact name (folder)

export interface FieldSpec {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly kind: FieldKind;
  /** Repeats of a single-valued field (from:a from:b) can only mean "either": they combine with OR. */
  readonly repeats: 'and' | 'or';
  readonly values?: readonly string[];
  readonly help: string;
  readonly example: string;
}

export const FIELDS = [
  {
    name: 'from',
    aliases: ['sender'],
    kind: 'address',
    repeats: 'or',
    help: 'sender name or address; @domain for a whole domain',
    example: 'from:@example.org',
  },
  { name: 'to', aliases: [], kind: 'address', repeats: 'and', help: 'a To recipient (name, address or @domain)', example: 'to:"Hélène Dubois"' },
  { name: 'cc', aliases: [], kind: 'address', repeats: 'and', help: 'a Cc recipient', example: 'cc:finance' },
  { name: 'bcc', aliases: [], kind: 'address', repeats: 'and', help: 'a Bcc recipient (when the archive has them)', example: 'bcc:board@example.org' },
  { name: 'subject', aliases: [], kind: 'text', repeats: 'and', help: 'words or a "phrase" in the subject', example: 'subject:"budget review"' },
  {
    name: 'body',
    aliases: [],
    kind: 'text',
    repeats: 'and',
    help: 'words or a "phrase" in the text (and in attached messages and documents)',
    example: 'body:dredging',
  },
  {
    name: 'doc',
    aliases: ['document'],
    kind: 'text',
    repeats: 'and',
    help: 'words or a "phrase" inside attachments (the text of PDFs, Word, Excel, scans read by OCR)',
    example: 'doc:"invoice total"',
  },
  { name: 'attachment', aliases: ['file'], kind: 'text', repeats: 'and', help: 'attachment file name (words in it)', example: 'attachment:report' },
  { name: 'has', aliases: [], kind: 'enum', repeats: 'and', values: ['attachment'], help: 'messages with at least one attachment', example: 'has:attachment' },
  {
    name: 'filetype',
    aliases: ['type'],
    kind: 'string',
    repeats: 'or',
    help: 'an attachment of this type (extension or MIME subtype)',
    example: 'filetype:pdf',
  },
  { name: 'after', aliases: ['since'], kind: 'date', repeats: 'and', help: 'on or after the start of this year, month or day (UTC)', example: 'after:2015-03' },
  { name: 'before', aliases: ['until'], kind: 'date', repeats: 'and', help: 'before the start of this year, month or day (UTC)', example: 'before:2016' },
  { name: 'release', aliases: ['part'], kind: 'integer', repeats: 'or', help: 'published in this numbered release', example: 'release:15' },
  { name: 'folder', aliases: ['in'], kind: 'string', repeats: 'or', help: 'filed in this folder (or a sub-folder of it)', example: 'folder:Sent' },
  {
    name: 'dkim',
    aliases: [],
    kind: 'enum',
    repeats: 'or',
    values: ['pass', 'fail', 'none', 'unverified', ...VERDICTS],
    help: 'DKIM: pass (verified), fail (body altered or signature invalid), none (unsigned or not checked), or an exact verdict such as warning, expired, key-unavailable',
    example: 'dkim:pass',
  },
  {
    name: 'lang',
    aliases: ['language'],
    kind: 'string',
    repeats: 'or',
    help: 'written in this language (a two-letter code such as en, fr, de, zh, ja), as detected at ingest',
    example: 'lang:fr',
  },
  { name: 'thread', aliases: [], kind: 'integer', repeats: 'or', help: 'in the thread of this message number', example: 'thread:1234' },
  { name: 'id', aliases: ['mid'], kind: 'string', repeats: 'or', help: 'a message number, or a Message-ID', example: 'id:1234' },
] as const satisfies readonly FieldSpec[];

export type FieldName = (typeof FIELDS)[number]['name'];

const BY_NAME = new Map<string, FieldSpec & { name: FieldName }>();
for (const field of FIELDS) for (const key of [field.name, ...field.aliases]) BY_NAME.set(key, field);

/** The field a prefix names (`from`, or an alias such as `sender`), case-insensitive. */
export function fieldNamed(prefix: string): (FieldSpec & { name: FieldName }) | undefined {
  return BY_NAME.get(prefix.toLowerCase());
}

/** The help text: one line per field. */
export function fieldsHelp(): string {
  const rows = FIELDS.map((f) => `  ${[f.name, ...f.aliases].join('|').padEnd(20)} ${f.help}  (e.g. ${f.example})`);
  return [
    'Words match anywhere (subject, addresses, text, attachment names); "a phrase" matches in order;',
    'word* matches a prefix; -word or NOT word excludes; OR, AND and (parentheses) combine; words',
    'side by side must all match. Diacritics and case are ignored: equatorien finds Équatorien.',
    "Unquoted words also find their other forms in the message's language (run finds running,",
    'economique finds économiques); "quoted" words are exact. Chinese and Japanese words are found',
    'inside the runs they are written in (港口 finds 港口报告).',
    '',
    'Fields:',
    ...rows,
  ].join('\n');
}
