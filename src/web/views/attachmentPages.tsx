import type { VNode } from 'preact';
import type { AttachmentIndex } from '../../model/attachments.js';
import type { MessageSummary } from '../../model/message.js';
import type { AttachmentText } from '../../extract/attachmentText.js';
import { formatDate, formatNumber } from '../i18n.js';
import { jsonHref, Layout, type PageContext } from './layout.js';

/**
 * Attachments as first-class things: one page per distinct attachment (by its bytes) with its text
 * and every email it appears in, and an index of them all. The same views serve the live site and
 * the static edition.
 */

export interface AttachmentView {
  readonly sha256: string;
  readonly filename: string | null;
  readonly contentType: string;
  readonly size: number;
  /** Where to download it: the first email that has it. */
  readonly download: string;
}

const STATUS_TEXT: Record<string, string> = {
  ok: 'text extracted',
  empty: 'no text in it',
  encrypted: 'encrypted (password-protected): not read',
  failed: 'could not be read',
  timeout: 'took too long to read',
  unsupported: 'no reader for this type',
};

export function AttachmentPage(props: {
  ctx: PageContext;
  attachment: AttachmentView;
  text: AttachmentText | null;
  messages: readonly MessageSummary[];
}): VNode {
  const { ctx, attachment: a, text, messages } = props;
  const pages = text?.text.split('\f') ?? [];
  return (
    <Layout ctx={ctx} title={a.filename ?? a.sha256.slice(0, 12)}>
      <h1>{a.filename ?? 'Attachment'}</h1>
      <dl class="headers">
        <dt>Type</dt>
        <dd>{a.contentType}</dd>
        <dt>Size</dt>
        <dd>
          {formatNumber(a.size, ctx.lang)} {ctx.t.bytes}
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <code>{a.sha256}</code>
        </dd>
        <dt>Text</dt>
        <dd>
          {text ? STATUS_TEXT[text.status] : 'not read yet'}
          {text?.method ? ` (${text.method}${text.ocrPages > 0 ? `, ${text.ocrPages} page${text.ocrPages === 1 ? '' : 's'} by OCR` : ''})` : ''}
          {text?.detail ? <span class="meta"> — {text.detail}</span> : null}
        </dd>
      </dl>
      <p class="actions">
        <a href={a.download} download={a.filename ?? undefined}>
          Download
        </a>{' '}
        · <a href={jsonHref(ctx, `/api/attachments/${a.sha256}`)}>JSON</a>
      </p>
      <section>
        <h2>
          Appears in {formatNumber(messages.length, ctx.lang)} email{messages.length === 1 ? '' : 's'}
        </h2>
        <ol class="messages">
          {messages.map((m) => (
            <li key={m.id}>
              <a href={`/emails/${m.id}`}>{m.subject || '(no subject)'}</a> <time>{formatDate(m.dateUtc, ctx.lang, false)}</time>{' '}
              <span class="id">#{m.id}</span>
            </li>
          ))}
        </ol>
      </section>
      {text && text.status === 'ok' ? (
        <section id="text">
          <h2>Text</h2>
          {pages.map((page, i) => (
            <div key={i} class="attachment-page">
              {pages.length > 1 ? <h3 id={`page-${i + 1}`}>Page {i + 1}</h3> : null}
              <pre class="body">{page}</pre>
            </div>
          ))}
        </section>
      ) : null}
    </Layout>
  );
}

export function AttachmentIndexPage(props: { ctx: PageContext; index: AttachmentIndex; type: string | null; page: number; perPage: number }): VNode {
  const { ctx, index, type, page, perPage } = props;
  const pages = Math.max(1, Math.ceil(index.total / perPage));
  const link = (n: number) => `/attachments?${new URLSearchParams({ ...(type ? { type } : {}), ...(n > 1 ? { page: String(n) } : {}) }).toString()}`;
  return (
    <Layout ctx={ctx} title="Attachments">
      <h1>Attachments</h1>
      <p>
        {formatNumber(index.total, ctx.lang)} distinct attachment{index.total === 1 ? '' : 's'}
        {type ? ` of type ${type}` : ''}, the most shared first.
        {ctx.staticCopy ? null : (
          <>
            {' '}
            Type:{' '}
            {['pdf', 'docx', 'xlsx', 'doc', 'xls', 'odt', 'jpeg', 'png', 'csv'].map((t) => (
              <span key={t}>
                <a href={`/attachments?type=${t}`}>{t}</a>{' '}
              </span>
            ))}
            {type ? <a href="/attachments">all</a> : null}
          </>
        )}
      </p>
      <div class="table-scroll" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th>File</th>
              <th>Type</th>
              <th>Size</th>
              <th>Emails</th>
              <th>Text</th>
            </tr>
          </thead>
          <tbody>
            {index.rows.map((r) => (
              <tr key={r.sha256}>
                <td>
                  <a href={`/attachments/${r.sha256}`}>{r.filename ?? r.sha256.slice(0, 12)}</a>
                </td>
                <td>{r.contentType}</td>
                <td>{formatNumber(r.size, ctx.lang)}</td>
                <td>{formatNumber(r.messages, ctx.lang)}</td>
                <td>{r.status ? (STATUS_TEXT[r.status] ?? r.status) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && !ctx.staticCopy ? (
        <p class="pager">
          {page > 1 ? <a href={link(page - 1)}>← previous</a> : null} page {page} of {pages} {page < pages ? <a href={link(page + 1)}>next →</a> : null}
        </p>
      ) : null}
    </Layout>
  );
}
