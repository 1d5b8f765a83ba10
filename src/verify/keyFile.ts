import { keyName, MAX_KEY_RECORD_BYTES, type KeyRecord, type KeySighting } from './keyRecord.js';

/**
 * Key files, read by `keys import` and `verify-file --keys`, written by `keys export`:
 * - zone style, as `dig` prints and zone files hold: `sel._domainkey.example.com. [ttl] [IN] TXT "v=DKIM1; ..." "..."`,
 *   parentheses may span lines; a comment `; seen <date> <source>` just above a record gives its provenance;
 * - JSON, one object a line or one array: `{"name" | "selector"+"domain", "txt" | "record", "source", "seen"}`.
 */

export interface KeyFileProblem {
  readonly line: number;
  readonly reason: string;
}

export interface KeyFileContents {
  readonly records: KeyRecord[];
  readonly problems: KeyFileProblem[];
}

/** Provenance for records the file does not date or attribute. */
export interface KeyFileDefaults {
  readonly source: string;
  readonly seen: string;
}

export function parseKeyFile(text: string, defaults: KeyFileDefaults): KeyFileContents {
  const trimmed = text.trimStart();
  return trimmed.startsWith('{') || trimmed.startsWith('[') ? parseJsonKeys(text, defaults) : parseZoneKeys(text, defaults);
}

function checkRecord(name: string, record: string): string | null {
  if (!name.includes('._domainkey.')) return `"${name}" is not a DKIM key name (<selector>._domainkey.<domain>)`;
  if (Buffer.byteLength(record) > MAX_KEY_RECORD_BYTES) return `the record is ${Buffer.byteLength(record)} bytes, more than ${MAX_KEY_RECORD_BYTES}`;
  return null;
}

function parseJsonKeys(text: string, defaults: KeyFileDefaults): KeyFileContents {
  const records: KeyRecord[] = [];
  const problems: KeyFileProblem[] = [];
  let entries: Array<{ line: number; value: unknown }>;
  if (text.trimStart().startsWith('[')) {
    try {
      entries = (JSON.parse(text) as unknown[]).map((value, i) => ({ line: i + 1, value }));
    } catch (error) {
      return { records, problems: [{ line: 1, reason: `not valid JSON: ${(error as Error).message}` }] };
    }
  } else {
    entries = [];
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        entries.push({ line: i + 1, value: JSON.parse(line) });
      } catch (error) {
        problems.push({ line: i + 1, reason: `not valid JSON: ${(error as Error).message}` });
      }
    });
  }
  for (const { line, value } of entries) {
    const o = (value ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    const name = str('name') ?? (str('selector') && str('domain') ? keyName(str('selector')!, str('domain')!) : undefined);
    const record = str('txt') ?? str('record') ?? str('value');
    if (!name || record === undefined) {
      problems.push({ line, reason: 'needs "name" (or "selector" and "domain") and "txt"' });
      continue;
    }
    const sightings: KeySighting[] = Array.isArray(o.sightings)
      ? (o.sightings as Array<Record<string, unknown>>).map((s) => ({ source: String(s.source ?? defaults.source), seen: String(s.seen ?? defaults.seen) }))
      : [{ source: str('source') ?? defaults.source, seen: str('seen') ?? str('date') ?? defaults.seen }];
    const problem = checkRecord(normaliseName(name), record);
    if (problem) problems.push({ line, reason: problem });
    else records.push({ name: normaliseName(name), record, sightings });
  }
  return { records, problems };
}

function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Splits a zone line into tokens, quoted strings kept whole (with their escapes undone). */
function zoneTokens(text: string): Array<{ value: string; quoted: boolean }> {
  const tokens: Array<{ value: string; quoted: boolean }> = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c) || c === '(' || c === ')') {
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && /^\d{3}/.test(text.slice(i + 1, i + 4))) {
          value += String.fromCharCode(Number(text.slice(i + 1, i + 4)));
          i += 4;
        } else if (text[i] === '\\') {
          value += text[i + 1] ?? '';
          i += 2;
        } else value += text[i++];
      }
      i++;
      tokens.push({ value, quoted: true });
    } else {
      let value = '';
      while (i < text.length && !/[\s()"]/.test(text[i]!)) value += text[i++];
      tokens.push({ value, quoted: false });
    }
  }
  return tokens;
}

/** Removes a `;` comment that is not inside a quoted string; returns [code, comment]. */
function splitComment(line: string): [string, string | null] {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ';' && !quoted) return [line.slice(0, i), line.slice(i + 1).trim()];
  }
  return [line, null];
}

function parseZoneKeys(text: string, defaults: KeyFileDefaults): KeyFileContents {
  const records: KeyRecord[] = [];
  const problems: KeyFileProblem[] = [];
  let pending: KeySighting[] = [];
  let statement = '';
  let startLine = 0;
  let depth = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, i) => {
    const [code, comment] = splitComment(rawLine);
    if (depth === 0 && comment !== null && !code.trim()) {
      const seen = /^seen\s+(\S+)\s+(.+)$/.exec(comment);
      if (seen) pending.push({ seen: seen[1]!, source: seen[2]!.trim() });
      return;
    }
    if (!code.trim() && depth === 0) return;
    if (depth === 0) startLine = i + 1;
    statement += ` ${code}`;
    for (const ch of code.replace(/"(?:[^"\\]|\\.)*"/g, '')) depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth > 0) return;
    depth = 0;
    const tokens = zoneTokens(statement);
    statement = '';
    const sightings = pending.length > 0 ? pending : [{ source: defaults.source, seen: defaults.seen }];
    pending = [];
    const txt = tokens.findIndex((t) => !t.quoted && t.value.toUpperCase() === 'TXT');
    if (txt < 1) {
      problems.push({ line: startLine, reason: 'expected "<name> [ttl] [IN] TXT \\"<record>\\""' });
      return;
    }
    const name = normaliseName(tokens[0]!.value);
    const record = tokens
      .slice(txt + 1)
      .map((t) => t.value)
      .join('');
    const problem = checkRecord(name, record);
    if (problem) problems.push({ line: startLine, reason: problem });
    else records.push({ name, record, sightings });
  });
  if (depth > 0) problems.push({ line: startLine, reason: 'unclosed parenthesis' });
  return { records, problems };
}

/** Zone style, strings cut at 255 bytes as DNS needs, provenance in comments that parseKeyFile reads back. */
export function formatKeyFile(records: readonly KeyRecord[]): string {
  const out: string[] = [];
  for (const key of records) {
    for (const s of key.sightings) out.push(`; seen ${s.seen} ${s.source}`);
    const chunks = key.record.match(/.{1,255}/gs) ?? [''];
    out.push(`${key.name}. IN TXT ${chunks.map((c) => `"${c.replace(/["\\]/g, '\\$&')}"`).join(' ')}`);
  }
  return out.join('\n') + '\n';
}
