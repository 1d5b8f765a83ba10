import type { Suggestion } from '../query/spelling.js';
import type { FacetName, Facets, SearchResult, SnippetPart } from '../model/search.js';
import type { MessageSummary } from '../model/message.js';
import { thousands } from './thousands.js';

const n = thousands;

function cut(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

export function snippetText(parts: readonly SnippetPart[], color: boolean): string {
  return parts.map((p) => (p.hit ? (color ? `\x1b[1m${p.text}\x1b[22m` : `*${p.text}*`) : p.text)).join('');
}

/** One line per message: number, date, sender, subject. */
export function messageLine(m: MessageSummary): string {
  const date = m.dateUtc !== null ? new Date(m.dateUtc).toISOString().slice(0, 10) : '----------';
  const from = m.from ? m.from.name || m.from.address : '(no sender)';
  return `${String(m.id).padStart(7)}  ${date}  ${cut(from, 22)}  ${m.subject ?? '(no subject)'}`;
}

/** Facets a row each: the first few values, or every one with `all`; "…" and how many there are when cut. */
export function formatFacets(f: Facets, all = false): string {
  const row = (key: FacetName, title: string, first = 5) => {
    const counts = f[key];
    const shown = all ? counts : counts.slice(0, first);
    if (counts.length === 0) return null;
    const more = f.distinct[key] > shown.length ? `, … (${n(f.distinct[key])} in all)` : '';
    return `${title.padEnd(12)} ${shown.map((c) => `${c.value} (${n(c.count)})`).join(', ')}${more}`;
  };
  return [
    row('senders', 'senders'),
    row('recipients', 'recipients'),
    row('months', 'months', 12),
    row('folders', 'folders'),
    row('releases', 'releases'),
    row('dkim', 'dkim'),
    row('attachmentTypes', 'attachments'),
    row('languages', 'languages'),
  ]
    .filter((l): l is string => l !== null)
    .join('\n');
}

/** The readable table for a terminal: a line per hit with its snippet under it. */
export function formatSearch(result: SearchResult, options: { color: boolean; allFacets?: boolean; suggestion?: Suggestion | null }): string {
  const lines = [`${n(result.total)} message${result.total === 1 ? '' : 's'} (by ${result.sort})`];
  if (options.suggestion)
    lines.push(`Did you mean: ${options.suggestion.query}  (${n(options.suggestion.total)} message${options.suggestion.total === 1 ? '' : 's'})`);
  for (const hit of result.hits) {
    lines.push(messageLine(hit.message));
    const snippet = snippetText(hit.snippet, options.color).trim();
    if (snippet) lines.push(`         ${snippet.slice(0, 300)}`);
  }
  if (result.facets) lines.push('', formatFacets(result.facets, options.allFacets));
  if (result.nextCursor) lines.push('', `more: --cursor ${result.nextCursor}`);
  return lines.join('\n');
}
