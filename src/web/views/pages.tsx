import type { VNode } from 'preact';
import type { Address } from '../../mail/messageFields.js';
import type { ArchiveStats } from '../../model/stats.js';
import type { FacetCount, FacetName, Facets, SearchResult } from '../../model/search.js';
import type { MessageSummary, StoredMessage } from '../../model/message.js';
import type { Release } from '../../model/release.js';
import type { Suggestion } from '../../query/spelling.js';
import type { KeyFacts, KeyRecord } from '../../verify/keyRecord.js';
import type { SignatureReport, VerificationReport } from '../../verify/report.js';
import type { SignedAmendment } from '../../model/amendment.js';
import { formatDate, formatNumber, verdictText, type Lang } from '../i18n.js';
import { EMAIL_IFRAME_SANDBOX } from '../securityHeaders.js';
import { jsonHref, Layout, type PageContext } from './layout.js';
import { threadOrder } from '../../thread/threadTree.js';
import { RedactForm, RedactionPanel } from './redactionPanel.js';
import { CorrespondentsGraph, MonthsChart, ThreadPicture } from './charts.js';
import { monthQuery } from '../../query/dateQueries.js';
import { MailBody } from './mailBody.js';
import { glossaryHref, SearchHelp, VerdictGlossary, verdictName, type QueryExample } from './readerHelp.js';
import { VerdictBanner } from './verdictBanner.js';
import { MessageList, who } from './messageList.js';
import type { Alias } from '../../model/people.js';
import { ContactLink } from './accessibilityPage.js';
export { AccessibilityPage } from './accessibilityPage.js';

function PersonLink(props: { a: Address | null }): VNode {
  if (!props.a) return <span>—</span>;
  return <a href={`/people/${encodeURIComponent(props.a.address.toLowerCase())}`}>{who(props.a)}</a>;
}

function ReleaseList(props: { ctx: PageContext; releases: readonly Release[] }): VNode {
  return (
    <ol class="releases">
      {props.releases.map((r) => (
        <li key={r.number} value={r.number}>
          <a href={`/releases/${r.number}`}>{r.title}</a>{' '}
          <span class="meta">
            {formatNumber(r.messages, props.ctx.lang)} {props.ctx.t.messages} ·{' '}
            {formatDate(r.publishAt ? Date.parse(r.publishAt) : null, props.ctx.lang, false)}
          </span>
        </li>
      ))}
    </ol>
  );
}

export function HomePage(props: {
  ctx: PageContext;
  stats: ArchiveStats;
  latest: readonly MessageSummary[];
  releases: readonly Release[];
  /** Messages per month over the whole archive (the months facet of everything). */
  months?: readonly FacetCount[];
}): VNode {
  const { ctx, stats } = props;
  const verdicts = Object.entries(stats.dkim);
  return (
    <Layout ctx={ctx} title={ctx.t.home}>
      <h1>{ctx.collection}</h1>
      {ctx.about?.description ? <p class="description">{ctx.about.description}</p> : null}
      {ctx.about?.publisher ? (
        <p class="meta">
          {ctx.lang === 'fr' ? 'Publié par ' : 'Published by '}
          {ctx.about.publisher} · <a href="/about#collection">{ctx.lang === 'fr' ? 'sources et licence' : 'sources and licence'}</a>
        </p>
      ) : null}
      <p class="lede">
        {formatNumber(stats.messages, ctx.lang)} {ctx.t.messages} · {ctx.t.dates}
        {ctx.t.colon} {stats.firstDate?.slice(0, 10) ?? '—'} – {stats.lastDate?.slice(0, 10) ?? '—'}
      </p>
      {props.months ? <MonthsChart lang={ctx.lang} months={monthRange(props.months)} id="months" linked={!ctx.staticCopy} /> : null}
      <h2>{ctx.t.releases}</h2>
      {props.releases.length > 0 ? <ReleaseList ctx={ctx} releases={props.releases} /> : <p>{ctx.t.noReleases}</p>}
      <h2>{ctx.t.verification}</h2>
      <VerdictSummary ctx={ctx} verdicts={verdicts} />
      <h2>{ctx.t.latest}</h2>
      <MessageList ctx={ctx} messages={props.latest} />
    </Layout>
  );
}

/**
 * The verdicts of a set of messages (the archive, a release): a stacked bar, then each verdict with
 * its number, a link to its messages (`within` narrows that search: `release:3`) and to the glossary.
 */
function VerdictSummary(props: { ctx: PageContext; verdicts: ReadonlyArray<readonly [string, number]>; within?: string }): VNode {
  const { ctx, verdicts } = props;
  const checked = verdicts.reduce((n, [, c]) => n + c, 0);
  return (
    <>
      {checked > 0 ? <VerdictBar verdicts={verdicts} total={checked} /> : null}
      <ul class="facet verdicts">
        {verdicts.map(([verdict, count]) => (
          <li key={verdict}>
            <span class={`dot verdict-${verdict}`} aria-hidden="true" />{' '}
            {ctx.staticCopy ? (
              verdictName(verdict, ctx.lang)
            ) : (
              <a href={`/search?q=${encodeURIComponent([props.within, `dkim:${verdict}`].filter(Boolean).join(' '))}`}>{verdictName(verdict, ctx.lang)}</a>
            )}{' '}
            ({formatNumber(count, ctx.lang)}){' '}
            <a href={glossaryHref(verdict)} aria-label={`${verdictName(verdict, ctx.lang)}: ${ctx.lang === 'fr' ? 'ce que cela veut dire' : 'what it means'}`}>
              ?
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The share of each verdict as one stacked bar (the list under it says the same in words and numbers). */
function VerdictBar(props: { verdicts: ReadonlyArray<readonly [string, number]>; total: number }): VNode {
  let x = 0;
  return (
    <svg class="verdict-bar" viewBox="0 0 1000 14" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      {props.verdicts.map(([verdict, count]) => {
        const w = (count / props.total) * 1000;
        const rect = <rect key={verdict} class={`verdict-${verdict}`} x={x.toFixed(1)} y="0" width={w.toFixed(1)} height="14" />;
        x += w;
        return rect;
      })}
    </svg>
  );
}

/** A facet value as a link that narrows the current query. */
function facetTerm(kind: FacetName, value: string): string | null {
  const quote = (v: string) => (/[\s"()]/.test(v) ? `"${v.replace(/"/g, '')}"` : v);
  switch (kind) {
    case 'senders':
      return `from:${quote(value)}`;
    case 'recipients':
      return `to:${quote(value)}`;
    case 'months':
      return monthQuery(value);
    case 'folders':
      return `folder:${quote(value)}`;
    case 'dkim':
      return `dkim:${value}`;
    case 'attachmentTypes':
      return value.includes('/') ? null : `filetype:${quote(value)}`;
    case 'releases':
      return /^\d+$/.test(value) ? `release:${value}` : null;
    case 'languages':
      return `lang:${value}`;
  }
}

/** Every month from the first to the last of a months facet, those without messages at 0: a range reads as time, with its gaps. */
export function monthRange(months: readonly FacetCount[]): FacetCount[] {
  const counts = new Map(months.map((m) => [m.value, m.count]));
  const dated = months.map((m) => m.value).filter((v) => /^\d{4}-\d{2}$/.test(v));
  if (dated.length === 0) return [...months];
  const [first, last] = [dated[0]!, dated.at(-1)!];
  const range: FacetCount[] = [];
  for (let [y, m] = first.split('-').map(Number) as [number, number]; `${y}-${String(m).padStart(2, '0')}` <= last; m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
    const value = `${y}-${String(m).padStart(2, '0')}`;
    range.push({ value, count: counts.get(value) ?? 0 });
  }
  return range;
}

/** A facet's values as links that narrow the query; `more` links to the page of all its values when the list was cut. */
function FacetValues(props: { lang: Lang; query: string; kind: FacetName; values: readonly FacetCount[]; linked: boolean }): VNode {
  return (
    <ul>
      {props.values.map((f) => {
        const term = f.count > 0 && props.linked ? facetTerm(props.kind, f.value) : null;
        return (
          <li key={f.value}>
            {term ? <a href={`/search?q=${encodeURIComponent(`${props.query} ${term}`.trim())}`}>{f.value}</a> : f.value} ({formatNumber(f.count, props.lang)})
          </li>
        );
      })}
    </ul>
  );
}

function FacetList(props: { ctx: PageContext; query: string; sort: string; kind: FacetName; title: string; facets: Facets }): VNode | null {
  const values = props.kind === 'months' ? monthRange(props.facets.months) : props.facets[props.kind];
  if (values.length === 0) return null;
  const distinct = props.facets.distinct[props.kind];
  return (
    <section class="facet">
      <h3>{props.title}</h3>
      {/* A static copy's search knows words, not fields: its facets are counts without links. */}
      <FacetValues lang={props.ctx.lang} query={props.query} kind={props.kind} values={values} linked={!props.ctx.staticCopy} />
      {distinct > props.facets[props.kind].length && !props.ctx.staticCopy ? (
        <a href={facetPageHref(props.query, props.sort, props.kind)}>
          {props.ctx.t.moreValues} ({formatNumber(distinct, props.ctx.lang)})
        </a>
      ) : null}
    </section>
  );
}

export function facetPageHref(query: string, sort: string, kind: FacetName): string {
  return `/search/facet?q=${encodeURIComponent(query)}&sort=${sort}&facet=${kind}`;
}

/** The titles of the facets, in the order the search page shows them. */
function facetTitles(ctx: PageContext): ReadonlyArray<readonly [FacetName, string]> {
  return [
    ['senders', ctx.t.facetsSenders],
    ['recipients', ctx.t.facetsRecipients],
    ['months', ctx.t.facetsMonths],
    ['folders', ctx.t.facetsFolders],
    ['dkim', ctx.t.facetsDkim],
    ['attachmentTypes', ctx.t.facetsTypes],
    ['languages', ctx.t.facetsLanguages],
  ];
}

/** Every value of one facet of a search (`/search/facet`), each a link that narrows the search. */
export function FacetPage(props: { ctx: PageContext; query: string; sort: string; kind: FacetName; result: SearchResult | null; error: string | null }): VNode {
  const { ctx, query, result } = props;
  const title = facetTitles(ctx).find(([k]) => k === props.kind)?.[1] ?? props.kind;
  const values = result?.facets ? (props.kind === 'months' ? monthRange(result.facets.months) : result.facets[props.kind]) : [];
  return (
    <Layout ctx={ctx} title={`${title} · ${query}`} query={query}>
      <h1>{title}</h1>
      <p>
        <a href={`/search?q=${encodeURIComponent(query)}&sort=${props.sort}`}>{query}</a>
        {result ? ` · ${formatNumber(result.total, ctx.lang)} ${ctx.t.results} · ${formatNumber(values.length, ctx.lang)} ${ctx.t.values}` : null}
      </p>
      {props.error ? (
        <div class="error" role="alert">
          <pre class="query-error">{props.error}</pre>
        </div>
      ) : null}
      <FacetValues lang={props.ctx.lang} query={query} kind={props.kind} values={values} linked />
    </Layout>
  );
}

export function SearchPage(props: {
  ctx: PageContext;
  query: string;
  sort: string;
  result: SearchResult | null;
  error: string | null;
  /** Examples of the syntax that find something in this archive (readerHelp.tsx). */
  help?: readonly QueryExample[];
  /** For a query that found nothing: the nearest one that finds something (query/spelling.ts). */
  suggestion?: Suggestion | null;
}): VNode {
  const { ctx, result, query } = props;
  const sortLink = (sort: string) => `/search?q=${encodeURIComponent(query)}&sort=${sort}`;
  const stuck = props.error !== null || result?.total === 0 || !query;
  return (
    <Layout ctx={ctx} title={query || ctx.t.search} query={query}>
      <h1>{ctx.t.search}</h1>
      {props.help ? <SearchHelp lang={ctx.lang} examples={props.help} open={stuck} /> : null}
      {props.error ? (
        <div class="error" role="alert">
          <p>{ctx.t.queryError}:</p>
          {/* Preformatted: the caret line is spaces up to the column, and only keeps its place in monospace. */}
          <pre class="query-error">{props.error}</pre>
        </div>
      ) : null}
      {result ? (
        <div class="results">
          <p>
            {formatNumber(result.total, ctx.lang)} {ctx.t.results} ·{' '}
            {props.sort === 'date' ? <a href={sortLink('relevance')}>{ctx.t.sortRelevance}</a> : <a href={sortLink('date')}>{ctx.t.sortDate}</a>}
          </p>
          {result.facets ? (
            <aside aria-labelledby="refine">
              <h2 id="refine">{ctx.lang === 'fr' ? 'Affiner' : 'Narrow down'}</h2>
              {facetTitles(ctx).map(([kind, title]) => (
                <FacetList key={kind} ctx={ctx} query={query} sort={props.sort} kind={kind} title={title} facets={result.facets!} />
              ))}
            </aside>
          ) : null}
          {result.facets && !ctx.staticCopy ? (
            <MonthsChart lang={ctx.lang} months={monthRange(result.facets.months)} id="result-months" linked narrow={query} />
          ) : null}
          {result.hits.length === 0 ? <p>{ctx.t.noResults}</p> : null}
          {props.suggestion ? (
            <p class="suggestion">
              {ctx.lang === 'fr' ? 'Vouliez-vous dire ' : 'Did you mean '}
              <a href={`/search?q=${encodeURIComponent(props.suggestion.query)}`}>{props.suggestion.query}</a> ({formatNumber(props.suggestion.total, ctx.lang)}{' '}
              {ctx.t.results}) ?
            </p>
          ) : null}
          <ol class="hits">
            {result.hits.map((hit) => (
              <li key={hit.message.id}>
                <a href={`/emails/${hit.message.id}`}>{hit.message.subject || '(no subject)'}</a>{' '}
                <span class="meta">
                  {who(hit.message.from)} · <time>{formatDate(hit.message.dateUtc, ctx.lang, false)}</time> · #{hit.message.id}
                </span>
                <p class="snippet">{hit.snippet.map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : part.text))}</p>
              </li>
            ))}
          </ol>
          {result.nextCursor ? (
            <a rel="next" href={`/search?q=${encodeURIComponent(query)}&sort=${props.sort}&cursor=${encodeURIComponent(result.nextCursor)}`}>
              {ctx.t.next}
            </a>
          ) : null}
        </div>
      ) : null}
    </Layout>
  );
}

function SignatureDetails(props: { s: SignatureReport }): VNode {
  const s = props.s;
  const yes = (v: boolean | null, ok: string, bad: string) => (v === null ? 'not checked' : v ? ok : bad);
  return (
    <details open={s.outcome !== 'pass'}>
      <summary>
        {s.outcome} — d={s.domain ?? '?'} s={s.selector ?? '?'}
      </summary>
      <p>{s.reason}</p>
      <dl>
        <dt>Algorithm</dt>
        <dd>
          {s.algorithm ?? '?'}
          {s.key ? `, ${s.key.type}${s.key.bits ? ` ${s.key.bits}-bit` : ''} key` : ''}; canonicalization {s.canonicalization ?? '?'}
        </dd>
        <dt>Body</dt>
        <dd>{yes(s.bodyHashOk, 'as signed', 'changed after signing')}</dd>
        <dt>Signature</dt>
        <dd>{yes(s.signatureOk, 'valid for this key', 'does not verify')}</dd>
        {s.signatureOk !== true && s.headersOk !== undefined && s.headersOk !== null ? (
          <>
            <dt>Signed headers</dt>
            <dd>{s.headersOk ? 'as signed (the signature over them verifies; only the body differs)' : 'changed after signing'}</dd>
          </>
        ) : null}
        {s.identity ? (
          <>
            <dt>Identity (i=)</dt>
            <dd>
              <code>{s.identity}</code>
            </dd>
          </>
        ) : null}
        {s.bodyHash ? (
          <>
            <dt>Body hash (bh=)</dt>
            <dd>
              <code>{s.bodyHash}</code>
            </dd>
          </>
        ) : null}
        <dt>Body length</dt>
        <dd>
          {s.bodyLength ? `l=${s.bodyLength.limit}: ${s.bodyLength.unsignedBytes} bytes after it are unsigned` : 'whole body signed'}
          {s.bodyLength?.unsignedTail ? (
            <>
              {' '}
              — anyone could have added them; they read:
              <pre class="unsigned-tail">{s.bodyLength.unsignedTail}</pre>
            </>
          ) : null}
        </dd>
        <dt>Signed headers</dt>
        <dd>
          {s.signedHeaders.join(', ')}
          {s.fromSigned ? '' : ' — From is NOT signed'}
        </dd>
        {s.unsignedHeaders.length > 0 ? (
          <>
            <dt>Unsigned copies</dt>
            <dd>{s.unsignedHeaders.map((u) => `${u.name}: ${u.present} present, ${u.signed} signed`).join('; ')}</dd>
          </>
        ) : null}
        <dt>Time</dt>
        <dd>
          signed {s.signedAt ?? '(no t=)'}; expires {s.expiresAt ?? 'never'}
        </dd>
        <dt>Alignment</dt>
        <dd>{s.aligned ? 'd= is the From domain' : 'd= is not the From domain'}</dd>
        <dt>Key</dt>
        <dd>
          {s.key ? (
            <>
              <a href={`/keys#${encodeURIComponent(s.key.name)}`}>{s.key.name}</a>, seen {s.key.firstSeen ?? '?'} to {s.key.lastSeen ?? '?'} (
              {[...new Set(s.key.sightings.map((x) => x.source))].join(', ')})
            </>
          ) : (
            'not in the key archive'
          )}
        </dd>
      </dl>
      {s.warnings.length > 0 ? (
        <ul class="warnings">
          {s.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}

function DkimPanel(props: { ctx: PageContext; report: VerificationReport | null; converted?: boolean }): VNode {
  const r = props.report;
  return (
    <section class="dkim" aria-labelledby="dkim-title">
      <h2 id="dkim-title">{props.ctx.t.verification}</h2>
      {props.converted ? (
        <p class="badge verdict-no-signature">
          <strong>
            {props.ctx.lang === 'fr'
              ? 'Non vérifiable : converti depuis Outlook. Outlook ne garde pas les octets du message tel qu’envoyé ; ce qui est montré en est un rendu, que la signature DKIM ne couvre pas.'
              : 'Not checkable: converted from Outlook. Outlook keeps no bytes of the message as it was sent; what is shown is a rendering of it, which no DKIM signature covers.'}
          </strong>
        </p>
      ) : null}
      {r ? (
        <>
          <p class={`badge verdict-${r.verdict}`}>
            <strong>{verdictText(r, props.ctx.lang)}</strong>
          </p>
          <p>{r.reason}</p>
          {r.signatures.map((s) => (
            <SignatureDetails key={s.index} s={s} />
          ))}
          {r.arc.instances > 0 ? (
            <p>
              ARC: {r.arc.result} ({r.arc.instances}: {r.arc.sealers.join(' → ')})
            </p>
          ) : null}
          <p class="meta">
            {r.verifier}, as of {r.at}
          </p>
        </>
      ) : (
        <p>Not verified yet.</p>
      )}
    </section>
  );
}

export function EmailPage(props: {
  ctx: PageContext;
  message: StoredMessage;
  thread: readonly MessageSummary[];
  related: readonly MessageSummary[];
  permalink: string;
}): VNode {
  const { ctx, message: m } = props;
  const t = ctx.t;
  const addresses = (list: readonly Address[]) =>
    list.map((a, i) => (
      <span key={a.address + i}>
        {i > 0 ? ', ' : ''}
        <PersonLink a={a} />
      </span>
    ));
  return (
    <Layout ctx={ctx} title={m.subject || `#${m.id}`}>
      <article>
        <h1>{m.subject || '(no subject)'}</h1>
        <VerdictBanner
          lang={ctx.lang}
          report={m.verification}
          redacted={m.redaction !== null}
          converted={m.warnings.some((w) => w.kind === 'converted-from-outlook')}
        />
        <dl class="headers">
          <dt>{t.from}</dt>
          <dd>
            <PersonLink a={m.from} />
          </dd>
          <dt>{t.to}</dt>
          <dd>{addresses(m.to)}</dd>
          {m.cc.length > 0 ? (
            <>
              <dt>{t.cc}</dt>
              <dd>{addresses(m.cc)}</dd>
            </>
          ) : null}
          {m.bcc.length > 0 ? (
            <>
              <dt>{t.bcc}</dt>
              <dd>{addresses(m.bcc)}</dd>
            </>
          ) : null}
          <dt>{t.date}</dt>
          <dd>
            <time dateTime={m.dateUtc !== null ? new Date(m.dateUtc).toISOString() : undefined}>{formatDate(m.dateUtc, ctx.lang)}</time>{' '}
            <span class="meta">({m.dateHeader ?? '—'})</span>
          </dd>
          <dt>Message-ID</dt>
          <dd>
            <code>{m.messageId ?? '—'}</code>
          </dd>
          {m.copies.length > 0 ? (
            <>
              <dt>{t.copies}</dt>
              <dd>
                {m.copies.map((id, i) => (
                  <span key={id}>
                    {i > 0 ? ', ' : null}
                    <a href={`/emails/${id}`}>#{id}</a>
                  </span>
                ))}{' '}
                <span class="meta">{t.copiesNote}</span>
              </dd>
            </>
          ) : null}
        </dl>
        <p class="actions">
          <a href={`/emails/${m.id}/raw`} download={`${m.id}.eml`}>
            {t.raw}
          </a>{' '}
          {ctx.staticCopy ? null : (
            <>
              {' '}
              · <a href={`/emails/${m.id}/proof.tar.gz`}>{t.proof}</a>
            </>
          )}{' '}
          · <a href={jsonHref(ctx, `/api/emails/${m.id}`)}>JSON</a>
        </p>
        {m.text ? <MailBody text={m.text} lang={ctx.lang} /> : null}
        {m.html ? (
          <section>
            <h2>{t.htmlVersion}</h2>
            <iframe class="email-html" title={t.htmlVersion} sandbox={EMAIL_IFRAME_SANDBOX} src={`/emails/${m.id}/html`} referrerpolicy="no-referrer" />
          </section>
        ) : null}
        {m.attachments.length > 0 ? (
          <section>
            <h2>{t.attachments}</h2>
            <ul>
              {m.attachments.map((a) => (
                <li key={a.index}>
                  <a href={`/emails/${m.id}/attachments/${a.index}`} download={a.filename ?? `attachment-${a.index}`}>
                    {a.filename ?? `attachment ${a.index}`}
                  </a>{' '}
                  <span class="meta">
                    {a.contentType}, {formatNumber(a.size, ctx.lang)} {ctx.t.bytes}
                  </span>{' '}
                  {a.inline ? null : <a href={`/attachments/${a.sha256}`}>{ctx.lang === 'fr' ? 'texte, autres e-mails' : 'text, other emails'}</a>}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {m.redaction ? <RedactionPanel ctx={ctx} notice={m.redaction} /> : null}
        <RedactForm ctx={ctx} id={m.id} />
        <DkimPanel ctx={ctx} report={m.verification} converted={m.warnings.some((w) => w.kind === 'converted-from-outlook')} />
        <section class="cite">
          <h2>{t.cite}</h2>
          <dl>
            <dt>{t.permalink}</dt>
            <dd>
              <a href={props.permalink}>{props.permalink}</a>
            </dd>
            <dt>SHA-256</dt>
            <dd>
              <code>{m.sha256}</code>
            </dd>
            <dt>DKIM</dt>
            <dd>
              {m.verification ? verdictText(m.verification, ctx.lang) : '—'}
              {m.verification && m.redaction
                ? ` (${ctx.lang === 'fr' ? 'message non caviardé, vérifié par l’éditeur' : 'the unredacted message, checked by the publisher'})`
                : ''}
            </dd>
          </dl>
        </section>
        {props.thread.length > 1 ? (
          <section>
            <h2>
              <a href={`/threads/${m.threadId}`}>{t.thread}</a>
            </h2>
            <ThreadTree ctx={ctx} order={threadOrder(props.thread)} current={m.id} />
          </section>
        ) : null}
        {props.related.length > 0 ? (
          <section>
            <h2>{t.related}</h2>
            <MessageList ctx={ctx} messages={props.related} />
          </section>
        ) : null}
      </article>
    </Layout>
  );
}

/** Indentation steps drawn (site.css has a class for each); deeper replies stay at the last. */
const MAX_THREAD_DEPTH = 12;

/** The thread in reading order (each message before its replies), indented by CSS classes: the CSP allows no inline style. */
function ThreadTree(props: { ctx: PageContext; order: ReturnType<typeof threadOrder>; current?: number }): VNode {
  return (
    <ol class="thread">
      {props.order.map(({ node, depth }) => {
        const m = node.message;
        const indent = `depth-${Math.min(depth, MAX_THREAD_DEPTH)}`;
        if (!m) {
          return (
            <li key={`ghost ${node.missingMessageId}`} class={`${indent} ghost`}>
              <span class="meta">
                {props.ctx.t.notInArchive}: &lt;{node.missingMessageId}&gt;
              </span>
            </li>
          );
        }
        return (
          <li key={m.id} class={indent}>
            {m.id === props.current ? (
              <strong aria-current="page">{m.subject || '(no subject)'}</strong>
            ) : (
              <a href={`/emails/${m.id}`}>{m.subject || '(no subject)'}</a>
            )}{' '}
            <span class="meta">
              {who(m.from)} · {formatDate(m.dateUtc, props.ctx.lang, false)}
              {m.parentEvidence === 'subject' ? ' · linked by subject (inferred)' : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** Every published release, newest number last (as they were published). */
export function ReleasesPage(props: { ctx: PageContext; releases: readonly Release[] }): VNode {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={ctx.t.releases}>
      <h1>{ctx.t.releases}</h1>
      {props.releases.length > 0 ? <ReleaseList ctx={ctx} releases={props.releases} /> : <p>{ctx.t.noReleases}</p>}
    </Layout>
  );
}

/** A release's bulk downloads (bulkDownloads.ts): the static copy has both; the live server the mbox, its size once built. */
export interface ReleaseDownloadLinks {
  readonly mbox: string;
  readonly bytes: number | null;
  readonly torrent: string | null;
}

export function ReleasePage(props: { ctx: PageContext; release: Release; messages: SearchResult; downloads?: ReleaseDownloadLinks }): VNode {
  const { ctx, release, downloads } = props;
  const fr = ctx.lang === 'fr';
  return (
    <Layout ctx={ctx} title={release.title}>
      <h1>{release.title}</h1>
      <p>
        {ctx.t.release} {release.number} · {formatNumber(release.messages, ctx.lang)} {ctx.t.messages} · {ctx.t.publishedOn}{' '}
        {formatDate(release.publishAt ? Date.parse(release.publishAt) : null, ctx.lang)}
      </p>
      <p>
        <a href={`/search?q=${encodeURIComponent(`release:${release.number}`)}`}>{ctx.t.search}</a> · <a href={`/releases/${release.number}/feed.atom`}>Atom</a>{' '}
        · <a href={jsonHref(ctx, `/api/releases/${release.number}`)}>JSON</a>
      </p>
      {downloads ? (
        <p>
          {fr ? 'Tout télécharger : ' : 'Download it all: '}
          <a href={`/releases/${release.number}/${downloads.mbox}`} download>
            {downloads.mbox}
          </a>{' '}
          ({downloads.bytes !== null ? `${formatNumber(Math.max(1, Math.round(downloads.bytes / 1_048_576)), ctx.lang)} MB, ` : ''}
          {fr ? 'mbox compressé, messages bruts' : 'compressed mbox of the raw messages'})
          {downloads.torrent ? (
            <>
              {' '}
              · <a href={`/releases/${release.number}/${downloads.torrent}`}>torrent</a> (
              {fr ? 'chaque miroir en est une source' : 'every mirror is a web seed'})
            </>
          ) : null}
        </p>
      ) : null}
      {props.messages.facets ? (
        <>
          <MonthsChart
            lang={ctx.lang}
            months={monthRange(props.messages.facets.months)}
            id="release-months"
            linked={!ctx.staticCopy}
            narrow={ctx.staticCopy ? undefined : `release:${release.number}`}
          />
          <h2>{ctx.t.verification}</h2>
          <VerdictSummary ctx={ctx} verdicts={props.messages.facets.dkim.map((f) => [f.value, f.count] as const)} within={`release:${release.number}`} />
          <h2>Messages</h2>
        </>
      ) : null}
      <MessageList ctx={ctx} messages={props.messages.hits.map((h) => h.message)} />
      {props.messages.nextCursor ? (
        <a rel="next" href={`/search?q=${encodeURIComponent(`release:${release.number}`)}&sort=date&cursor=${encodeURIComponent(props.messages.nextCursor)}`}>
          {ctx.t.next}
        </a>
      ) : null}
    </Layout>
  );
}

export function ThreadPage(props: { ctx: PageContext; threadId: number; messages: readonly MessageSummary[] }): VNode {
  // One reading order for the picture and the list under it.
  const order = threadOrder(props.messages);
  return (
    <Layout ctx={props.ctx} title={`${props.ctx.t.thread} ${props.threadId}`}>
      <h1>{props.messages[0]?.subject || `${props.ctx.t.thread} ${props.threadId}`}</h1>
      <ThreadPicture lang={props.ctx.lang} order={order} />
      <ThreadTree ctx={props.ctx} order={order} />
      {props.ctx.staticCopy ? null : (
        <p>
          <a href={`/threads/${props.threadId}/mbox`}>mbox</a>
        </p>
      )}
    </Layout>
  );
}

/** A person's correspondents with the messages between them (sent to and received from, added), the strongest first. */
function correspondents(sent: SearchResult, received: SearchResult): Array<{ address: string; count: number }> {
  const counts = new Map<string, number>();
  for (const f of [...(sent.facets?.recipients ?? []), ...(received.facets?.senders ?? [])]) counts.set(f.value, (counts.get(f.value) ?? 0) + f.count);
  return [...counts].map(([address, count]) => ({ address, count })).sort((a, b) => b.count - a.count || a.address.localeCompare(b.address));
}

export function PersonPage(props: { ctx: PageContext; address: string; sent: SearchResult; received: SearchResult; aliases?: readonly Alias[] }): VNode {
  const { ctx } = props;
  const fr = ctx.lang === 'fr';
  const name = [...props.sent.hits, ...props.received.hits].map((h) => h.message.from).find((a) => a?.address.toLowerCase() === props.address && a.name)?.name;
  const more = (query: string, result: SearchResult) =>
    result.total > result.hits.length && !ctx.staticCopy ? (
      <p>
        <a href={`/search?q=${encodeURIComponent(query)}&sort=date`}>
          {fr ? 'Tous' : 'All'} {formatNumber(result.total, ctx.lang)} →
        </a>
      </p>
    ) : null;
  return (
    <Layout ctx={ctx} title={name ? `${name} <${props.address}>` : props.address}>
      <h1>
        {name ?? props.address}
        {name ? <span class="meta"> &lt;{props.address}&gt;</span> : null}
      </h1>
      <p class="lede">
        {formatNumber(props.sent.total, ctx.lang)} {ctx.t.sent} · {formatNumber(props.received.total, ctx.lang)} {ctx.t.received}
        {ctx.staticCopy ? null : (
          <>
            {' '}
            · <a href={`/search?q=${encodeURIComponent(`from:${props.address}`)}`}>{ctx.t.search}</a>
          </>
        )}
      </p>
      {props.aliases && props.aliases.length > 0 ? (
        <p class="aliases">
          {fr ? `Le nom « ${props.aliases[0]!.name} » écrit aussi depuis : ` : `The name “${props.aliases[0]!.name}” also writes from: `}
          {props.aliases.map((a, i) => (
            <span key={a.address}>
              {i > 0 ? ', ' : ''}
              <a href={`/people/${encodeURIComponent(a.address)}`}>{a.address}</a> ({formatNumber(a.sent, ctx.lang)})
            </span>
          ))}{' '}
          <span class="meta">
            {fr
              ? '(le même nom, écrit de même, dans le champ From: ; l’archive ne fusionne pas ces adresses)'
              : '(the same name, written the same way, in the From: field; the archive does not merge these addresses)'}
          </span>
        </p>
      ) : null}
      {props.sent.facets ? <MonthsChart lang={ctx.lang} months={monthRange(props.sent.facets.months)} id="sent-months" linked={false} /> : null}
      <h2>{fr ? 'Correspondants' : 'Correspondents'}</h2>
      <CorrespondentsGraph lang={ctx.lang} address={props.address} people={correspondents(props.sent, props.received)} id="correspondents" />
      {props.sent.facets ? (
        <FacetList ctx={ctx} query={`from:${props.address}`} sort="date" kind="recipients" title={ctx.t.wroteTo} facets={props.sent.facets} />
      ) : null}
      {props.received.facets ? (
        <FacetList ctx={ctx} query={`to:${props.address}`} sort="date" kind="senders" title={ctx.t.receivedFrom} facets={props.received.facets} />
      ) : null}
      <h2>{fr ? 'Envoyés' : 'Sent'}</h2>
      <MessageList ctx={ctx} messages={props.sent.hits.map((h) => h.message)} />
      {more(`from:${props.address}`, props.sent)}
      {props.received.hits.length > 0 ? (
        <>
          <h2>{fr ? 'Reçus' : 'Received'}</h2>
          <MessageList ctx={ctx} messages={props.received.hits.map((h) => h.message)} />
          {more(`to:${props.address} OR cc:${props.address}`, props.received)}
        </>
      ) : null}
    </Layout>
  );
}

export function KeysPage(props: { ctx: PageContext; keys: ReadonlyArray<KeyRecord & { facts: KeyFacts; messages: number }> }): VNode {
  return (
    <Layout ctx={props.ctx} title={props.ctx.t.keys}>
      <h1>{props.ctx.t.keys}</h1>
      <p>
        <a href="/keys.txt">keys.txt</a> (epistola verify-file --keys keys.txt)
      </p>
      <div class="table-scroll" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{props.ctx.t.key}</th>
              <th scope="col">Type</th>
              <th scope="col">{props.ctx.t.seen}</th>
              <th scope="col">Source</th>
              <th scope="col">{props.ctx.t.messages}</th>
            </tr>
          </thead>
          <tbody>
            {props.keys.map((k) => (
              <tr key={k.name + k.record} id={k.name}>
                <td>
                  <code>{k.name}</code>
                </td>
                <td>{k.facts.revoked ? 'revoked (empty p=)' : k.facts.problem ? `unusable: ${k.facts.problem}` : `${k.facts.type} ${k.facts.bits ?? ''}`}</td>
                <td>
                  {k.facts.firstSeen} – {k.facts.lastSeen}
                </td>
                <td>{[...new Set(k.sightings.map((s) => s.source))].join(', ')}</td>
                <td>{formatNumber(k.messages, props.ctx.lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

/** What the publisher says of the collection (`epistola config`), on the about page. */
function CollectionFacts(props: { ctx: PageContext }): VNode | null {
  const a = props.ctx.about;
  if (!a || !(a.description || a.publisher || a.source || a.licence || a.contact)) return null;
  const fr = props.ctx.lang === 'fr';
  const rows: Array<readonly [string, VNode | string | undefined]> = [
    [fr ? 'Ce que c’est' : 'What it is', a.description],
    [fr ? 'Éditeur' : 'Publisher', a.publisher],
    [fr ? 'Provenance' : 'Source', a.source],
    [fr ? 'Licence' : 'Licence', a.licence],
    [fr ? 'Contact' : 'Contact', a.contact ? <ContactLink contact={a.contact} /> : undefined],
  ];
  return (
    <section aria-labelledby="collection">
      <h2 id="collection">{props.ctx.collection}</h2>
      <dl class="headers">
        {rows
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <>
              <dt key={`${k}-t`}>{k}</dt>
              <dd key={`${k}-d`}>{v}</dd>
            </>
          ))}
      </dl>
    </section>
  );
}

export function AboutPage(props: { ctx: PageContext; key: { publicPem: string; fingerprint: string } | null }): VNode {
  const fr = props.ctx.lang === 'fr';
  return (
    <Layout ctx={props.ctx} title={props.ctx.t.about}>
      <h1>{props.ctx.t.about}</h1>
      <CollectionFacts ctx={props.ctx} />
      <h2>{fr ? 'Vérifier un courriel' : 'Check an email'}</h2>
      <p>
        {fr
          ? 'Chaque courriel a une adresse permanente, sa source brute et un verdict DKIM : la signature que le serveur de l’expéditeur a apposée. Pour vérifier vous-même :'
          : 'Every email has a permanent address, its raw source and a DKIM verdict: the signature the sender’s mail server put on it. To check it yourself:'}
      </p>
      <ol>
        <li>
          {fr
            ? 'Téléchargez la source brute du courriel (« Source brute » sur sa page, un fichier .eml).'
            : 'Download the email’s raw source (“Raw source” on its page, an .eml file).'}
        </li>
        <li>
          {fr ? 'Téléchargez les clés que l’archive a gardées : ' : 'Download the keys the archive kept: '}
          <a href="/keys.txt">keys.txt</a>
        </li>
        <li>
          {fr ? 'Vérifiez avec un outil standard, dkimpy (' : 'Check with a standard tool, dkimpy ('}
          <code>apt install python3-dkim</code>
          {fr ? ' ou ' : ' or '}
          <code>pip install dkimpy</code>
          {fr ? ') et ce script de 30 lignes : ' : ') and this 30-line script: '}
          <a href="/static/verify-dkim.py" download="verify-dkim.py">
            verify-dkim.py
          </a>
          <pre>python3 verify-dkim.py message.eml keys.txt</pre>
        </li>
        <li>
          {fr ? 'Ou avec Epistola (Node.js 22.19 ou plus récent : ' : 'Or with Epistola (Node.js 22.19 or newer: '}
          <code>git clone</code> {fr ? 'du dépôt, puis' : 'the repository, then'} <code>npm install</code>) :
          <pre>npx epistola verify-file message.eml --keys keys.txt</pre>
          {fr
            ? 'Il dit aussi pourquoi une signature échoue, et lit le dossier de preuve (.tar.gz) de la page du courriel.'
            : 'It also says why a signature fails, and reads the proof bundle (.tar.gz) of the email’s page.'}
        </li>
      </ol>
      <p>
        {fr
          ? 'Les clés changent et disparaissent du DNS ; l’archive garde chaque clé vue, avec où et quand.'
          : 'Keys rotate and disappear from DNS; the archive keeps every key it saw, with where and when.'}
      </p>
      {props.key ? (
        <section>
          <h2>{fr ? 'Clé de la collection' : 'Collection key'}</h2>
          <p>
            {fr
              ? 'Chaque copie exportée (et chaque miroir) porte un manifeste signé par cette clé Ed25519. Empreinte :'
              : 'Every exported copy (and every mirror) carries a manifest signed with this Ed25519 key. Fingerprint:'}{' '}
            <code>{props.key.fingerprint}</code>
          </p>
          <pre>{props.key.publicPem}</pre>
          <p>
            <code>epistola mirror verify &lt;url&gt; --key {props.key.fingerprint}</code>
          </p>
        </section>
      ) : null}
      <VerdictGlossary lang={props.ctx.lang} />
    </Layout>
  );
}

/** A cell of the reachability matrix (mirror/reachability.ts). */
export interface ReachabilityCellView {
  readonly state: 'fresh' | 'behind' | 'down' | 'refused';
  readonly latencyMs: number | null;
  readonly behind: number | null;
  readonly since: string;
}

export interface MirrorStatusView {
  readonly checkedAt: string;
  readonly originSequence: number;
  /** Where the check of `sites` was made from (a site's name, or "origin"). */
  readonly observer?: string;
  /** Seen from every observer that published a signed observation (the first row is `observer`). */
  readonly matrix?: ReadonlyArray<{
    readonly observer: string;
    readonly country: string;
    readonly checkedAt: string | null;
    readonly problem: string | null;
    readonly cells: Readonly<Record<string, ReachabilityCellView>>;
  }>;
  readonly events?: ReadonlyArray<{ readonly at: string; readonly observer: string; readonly site: string; readonly from: string | null; readonly to: string }>;
  readonly sites: ReadonlyArray<{
    name: string;
    country: string;
    url: string;
    up: boolean;
    latencyMs: number | null;
    sequence: number | null;
    behind: number | null;
    problem: string | null;
  }>;
}

export function StatusPage(props: { ctx: PageContext; status: MirrorStatusView | null }): VNode {
  const fr = props.ctx.lang === 'fr';
  const s = props.status;
  return (
    <Layout ctx={props.ctx} title={fr ? 'Miroirs' : 'Mirrors'}>
      <h1>{fr ? 'Miroirs' : 'Mirrors'}</h1>
      {s ? (
        <>
          <p>
            {fr ? 'Vérifié le' : 'Checked'} {s.checkedAt} · {fr ? 'export' : 'export'} {s.originSequence}
          </p>
          <div class="table-scroll" tabindex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{fr ? 'Site' : 'Site'}</th>
                  <th scope="col">{fr ? 'Pays' : 'Country'}</th>
                  <th scope="col">{fr ? 'État' : 'State'}</th>
                  <th scope="col">{fr ? 'Latence' : 'Latency'}</th>
                  <th scope="col">{fr ? 'Version' : 'Copy'}</th>
                </tr>
              </thead>
              <tbody>
                {s.sites.map((site) => (
                  <tr key={site.url}>
                    <td>
                      <a href={site.url}>{site.name}</a>
                    </td>
                    <td>{site.country}</td>
                    <td>{site.up ? (fr ? 'en ligne' : 'up') : fr ? 'injoignable' : 'down'}</td>
                    <td>{site.latencyMs === null ? '—' : `${site.latencyMs} ms`}</td>
                    <td>
                      {site.behind === null
                        ? (site.problem ?? '—')
                        : site.behind === 0
                          ? fr
                            ? 'à jour'
                            : 'fresh'
                          : `${fr ? 'en retard de' : 'behind by'} ${site.behind}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {s.matrix && s.matrix.length > 0 ? <ReachabilityMatrix fr={fr} status={s} /> : null}
          <p>
            <a href="/status/feed.atom">{fr ? 'Flux Atom des changements' : 'Atom feed of the changes'}</a>
          </p>
        </>
      ) : (
        <p>{fr ? 'Aucun relevé des miroirs.' : 'No mirror check yet.'}</p>
      )}
    </Layout>
  );
}

function cellText(cell: ReachabilityCellView | undefined, fr: boolean): string {
  if (!cell) return '—';
  const since = `${fr ? 'depuis le' : 'since'} ${cell.since.slice(0, 16).replace('T', ' ')} UTC`;
  switch (cell.state) {
    case 'fresh':
      return `${fr ? 'en ligne, à jour' : 'up, fresh'}${cell.latencyMs === null ? '' : ` · ${cell.latencyMs} ms`}`;
    case 'behind':
      return `${fr ? 'en retard de' : 'behind by'} ${cell.behind ?? '?'} · ${since}`;
    case 'down':
      return `${fr ? 'injoignable' : 'down'} · ${since}`;
    case 'refused':
      return `${fr ? 'copie refusée' : 'copy refused'} · ${since}`;
  }
}

/** Which site can be reached from where: a row per observer, a column per site, then a list by country. */
function ReachabilityMatrix(props: { fr: boolean; status: MirrorStatusView }): VNode {
  const { fr } = props;
  const matrix = props.status.matrix!;
  const sites = props.status.sites;
  const reached = (name: string) => matrix.filter((r) => r.cells[name] && r.cells[name]!.state !== 'down').length;
  const observed = (name: string) => matrix.filter((r) => r.cells[name]).length;
  const countries = [...new Set(sites.map((x) => x.country))].sort();
  return (
    <section>
      <h2>{fr ? 'Vu de chaque site' : 'Seen from every site'}</h2>
      <div class="table-scroll" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{fr ? 'Vu de' : 'Seen from'}</th>
              {sites.map((site) => (
                <th scope="col" key={site.name}>
                  {site.name} ({site.country})
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.map((row) => (
              <tr key={row.observer}>
                <th scope="row">
                  {row.observer}
                  {row.country ? ` (${row.country})` : ''}
                  <br />
                  <span class="meta">{row.checkedAt ? row.checkedAt.slice(0, 16).replace('T', ' ') : (row.problem ?? '—')}</span>
                </th>
                {sites.map((site) => (
                  <td key={site.name}>{cellText(row.cells[site.name], fr)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{fr ? 'Par pays' : 'By country'}</h3>
      <ul>
        {countries.map((country) => (
          <li key={country}>
            <strong>{country}</strong>:{' '}
            {sites
              .filter((x) => x.country === country)
              .map((x) => `${x.name} ${fr ? 'joint depuis' : 'reached from'} ${reached(x.name)}/${observed(x.name)} ${fr ? 'sites' : 'places'}`)
              .join('; ')}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The static copy's search page: the index of staticSearch/format.ts, loaded by static/search.js with
 * script tags (from any web server, under any path, and from file://). Plain words, all of them.
 */
export function StaticSearchPage(props: { ctx: PageContext; bucketBits: number; messages: number }): VNode {
  const fr = props.ctx.lang === 'fr';
  return (
    <Layout ctx={props.ctx} title={props.ctx.t.search}>
      <h1>{props.ctx.t.search}</h1>
      <div id="search" data-bucket-bits={String(props.bucketBits)} data-messages={String(props.messages)} aria-live="polite">
        <p class="search-status" />
        <ol class="hits search-results" />
        <p>
          <button type="button" class="search-more" hidden>
            {fr ? 'Plus de résultats' : 'More results'}
          </button>
        </p>
      </div>
      <p class="meta">
        {fr
          ? 'Cette copie cherche les mots (tous, avec leurs formes), du plus récent au plus ancien ; le site en ligne connaît toute la syntaxe de recherche.'
          : 'This copy searches words (all of them, with their forms), newest first; the live site knows the whole query language.'}
      </p>
      <noscript>{fr ? 'La recherche de cette copie statique demande JavaScript.' : 'Search on this static copy needs JavaScript.'}</noscript>
      <script src="/static/search.js" />
    </Layout>
  );
}

function amendmentVerb(entry: SignedAmendment['entry'], fr: boolean): string {
  switch (entry.action) {
    case 'withdraw':
      return fr ? 'retirés' : 'withdrawn';
    case 'redact':
      return fr ? 'caviardés' : 'redacted';
    case 'correct':
      return fr ? 'corrigés' : 'corrected';
    case 'restore':
      return entry.restores === 'redaction' ? (fr ? 'caviardage annulé' : 'redaction undone') : fr ? 'rétablis' : 'restored';
  }
}

export function AmendmentsPage(props: { ctx: PageContext; log: readonly SignedAmendment[] }): VNode {
  const fr = props.ctx.lang === 'fr';
  return (
    <Layout ctx={props.ctx} title={fr ? 'Modifications' : 'Amendments'}>
      <h1>{fr ? 'Modifications après publication' : 'Amendments after publication'}</h1>
      <p>
        {fr
          ? 'Rien ne disparaît en silence : chaque retrait est une entrée signée par la clé de la collection, qui dit quoi, quand et pourquoi.'
          : 'Nothing disappears silently: every take-down, redaction or restoration is an entry signed with the collection key, saying what, when and why.'}{' '}
        <a href="/amendments.json">amendments.json</a>
      </p>
      {props.log.length === 0 ? <p>{fr ? 'Aucune.' : 'None.'}</p> : null}
      <ol>
        {props.log.map((a) => (
          <li key={a.entry.seq} value={a.entry.seq} id={`a${a.entry.seq}`}>
            <time>{a.entry.at}</time> — {amendmentVerb(a.entry, fr)}:{' '}
            {a.entry.messages.map((m, i) => (
              <span key={m}>
                {i > 0 ? ', ' : ''}
                <a href={`/emails/${m}`}>#{m}</a>
              </span>
            ))}
            . {a.entry.reason}
            {a.entry.spans && a.entry.spans.length > 0 ? (
              <ul class="spans">
                {a.entry.spans.map((s) => (
                  <li key={`${s.message}-${s.span}`}>
                    #{s.message} [{s.span}] {s.where} <code class="commitment">sha256:{s.commitment}</code>
                  </li>
                ))}
              </ul>
            ) : null}
            <details>
              <summary>{fr ? 'Signature' : 'Signature'}</summary>
              <pre>{`${a.json}\n${a.signature}`}</pre>
            </details>
          </li>
        ))}
      </ol>
    </Layout>
  );
}

export function WithdrawnPage(props: { ctx: PageContext; id: number; amendment: SignedAmendment }): VNode {
  const fr = props.ctx.lang === 'fr';
  return (
    <Layout ctx={props.ctx} title={`#${props.id}`}>
      <h1>{fr ? `Message ${props.id} retiré` : `Message ${props.id} withdrawn`}</h1>
      <p role="alert">
        {fr ? 'Retiré le' : 'Withdrawn on'} {props.amendment.entry.at}: {props.amendment.entry.reason}{' '}
        <a href={`/amendments#a${props.amendment.entry.seq}`}>
          {fr ? 'Entrée signée' : 'Signed entry'} {props.amendment.entry.seq}
        </a>
      </p>
    </Layout>
  );
}

export function ErrorPage(props: { ctx: PageContext; status: number; message: string }): VNode {
  const fr = props.ctx.lang === 'fr';
  return (
    <Layout ctx={props.ctx} title={String(props.status)}>
      <h1>{props.status}</h1>
      <p role="alert">{props.message}</p>
      {props.status === 404 ? (
        <>
          <p>
            {fr
              ? 'Chaque courriel garde son numéro pour toujours : une adresse qui ne répond pas vient d’une faute de frappe, ou d’un message pas encore publié.'
              : 'Every email keeps its number for ever: an address that does not answer comes from a typo, or from a message not published yet.'}
          </p>
          <form role="search" action="/search" method="get" class="inline-search" aria-label={fr ? 'Chercher depuis cette page' : 'Search from this page'}>
            <label for="q404">{fr ? 'Chercher dans l’archive' : 'Search the archive'}</label>
            <input id="q404" name="q" type="search" />
            <button type="submit">{props.ctx.t.search}</button>
          </form>
        </>
      ) : null}
      <p>
        <a href="/">{props.ctx.t.goHome}</a> · <a href="/releases">{props.ctx.t.releases}</a>
      </p>
    </Layout>
  );
}
