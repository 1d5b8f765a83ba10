import type { Facets, MessageSummary, SearchResult, SnippetPart } from '../store/archiveStore.js';

const n = (value: number) => value.toLocaleString('en-US');

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

export function formatFacets(f: Facets): string {
  const row = (title: string, counts: Facets['senders'], limit = 5) =>
    counts.length === 0
      ? null
      : `${title.padEnd(12)} ${counts
          .slice(0, limit)
          .map((c) => `${c.value} (${n(c.count)})`)
          .join(', ')}${counts.length > limit ? ', …' : ''}`;
  return [
    row('senders', f.senders),
    row('recipients', f.recipients),
    row('months', f.months, 12),
    row('folders', f.folders),
    row('releases', f.releases),
    row('dkim', f.dkim),
    row('attachments', f.attachmentTypes),
    row('languages', f.languages),
  ]
    .filter((l): l is string => l !== null)
    .join('\n');
}

/** The readable table for a terminal: a line per hit with its snippet under it. */
export function formatSearch(result: SearchResult, options: { color: boolean }): string {
  const lines = [`${n(result.total)} message${result.total === 1 ? '' : 's'} (by ${result.sort})`];
  for (const hit of result.hits) {
    lines.push(messageLine(hit.message));
    const snippet = snippetText(hit.snippet, options.color).trim();
    if (snippet) lines.push(`         ${snippet.slice(0, 300)}`);
  }
  if (result.facets) lines.push('', formatFacets(result.facets));
  if (result.nextCursor) lines.push('', `more: --cursor ${result.nextCursor}`);
  return lines.join('\n');
}
