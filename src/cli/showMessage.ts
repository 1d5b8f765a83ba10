import type { Address } from '../mail/messageFields.js';
import type { StoredMessage } from '../model/message.js';

const addr = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);

/** A message as a terminal reader wants it: headers, provenance, attachments, warnings, text. */
export function formatMessage(m: StoredMessage): string {
  const lines: string[] = [];
  const header = (name: string, value: string | null | undefined) => {
    if (value) lines.push(`${name.padEnd(12)}${value}`);
  };
  header('Number', String(m.id));
  header('From', m.from ? addr(m.from) : '(none)');
  header('To', m.to.map(addr).join(', '));
  header('Cc', m.cc.map(addr).join(', '));
  header('Subject', m.subject ?? '(no subject)');
  header(
    'Date',
    m.dateUtc !== null ? `${new Date(m.dateUtc).toISOString()} (header: ${m.dateHeader})` : m.dateHeader ? `unreadable: ${m.dateHeader}` : '(none)',
  );
  header('Message-ID', m.messageId ? `<${m.messageId}>` : '(none)');
  header('In-Reply-To', m.inReplyTo ? `<${m.inReplyTo}>` : null);
  header('Folder', m.folder);
  header('SHA-256', `${m.sha256} (${m.size} bytes raw)`);
  if (m.copyOf !== null || m.copies.length > 0) header('Copies', `same Message-ID, other bytes: ${m.copies.join(', ')}`);
  for (const l of m.locations) header('Found in', `${l.sourceKey} @ ${l.locator}`);
  for (const a of m.attachments) {
    header(
      'Attachment',
      `#${a.index} ${a.filename ?? '(unnamed)'} ${a.contentType} ${a.size} bytes${a.inline ? ' inline' : ''}${a.embeddedSubject ? ` — "${a.embeddedSubject}"` : ''}`,
    );
  }
  for (const w of m.warnings) header('Warning', `${w.kind}: ${w.detail}`);
  lines.push('', m.text ?? (m.html ? '(HTML only; see --json)' : '(no text)'));
  return lines.join('\n');
}
