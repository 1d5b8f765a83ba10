import type { VNode } from 'preact';
import type { Address } from '../../mail/messageFields.js';
import type { MessageSummary } from '../../model/message.js';
import { formatDate } from '../i18n.js';
import type { PageContext } from './layout.js';

/** A person as a line: "Name <address>", or the address alone. */
export function who(a: Address | null): string {
  if (!a) return '—';
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

/** Messages as a numbered list: subject (a link), sender, date, number. */
export function MessageList(props: { ctx: PageContext; messages: readonly MessageSummary[] }): VNode {
  return (
    <ol class="messages">
      {props.messages.map((m) => (
        <li key={m.id}>
          <a href={`/emails/${m.id}`}>{m.subject || '(no subject)'}</a> <span class="meta">{who(m.from)}</span>{' '}
          <time>{formatDate(m.dateUtc, props.ctx.lang, false)}</time> <span class="id">#{m.id}</span>
        </li>
      ))}
    </ol>
  );
}
