import type { VNode } from 'preact';
import type { PeopleIndex, PeopleSort } from '../../model/people.js';
import { formatNumber } from '../i18n.js';
import { Layout, type PageContext } from './layout.js';

/** Everyone in the archive, by messages or by address, a page at a time (the static copy lists the first page). */
export function PeopleIndexPage(props: { ctx: PageContext; index: PeopleIndex; sort: PeopleSort; page: number; perPage: number }): VNode {
  const { ctx, index, sort, page, perPage } = props;
  const fr = ctx.lang === 'fr';
  const pages = Math.max(1, Math.ceil(index.total / perPage));
  const link = (n: number, s: PeopleSort = sort) =>
    `/people?${new URLSearchParams({ ...(s !== 'messages' ? { sort: s } : {}), ...(n > 1 ? { page: String(n) } : {}) }).toString()}`;
  const title = fr ? 'Personnes' : 'People';
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>
        {formatNumber(index.total, ctx.lang)} {fr ? 'adresses ont écrit ou reçu du courrier' : 'addresses wrote or received mail'}
        {ctx.staticCopy ? (fr ? ', les plus actives d’abord.' : ', the busiest first.') : null}
        {ctx.staticCopy ? null : (
          <>
            {' · '}
            {sort === 'messages' ? (
              <strong>{fr ? 'par messages' : 'by messages'}</strong>
            ) : (
              <a href={link(1, 'messages')}>{fr ? 'par messages' : 'by messages'}</a>
            )}
            {' · '}
            {sort === 'address' ? <strong>{fr ? 'par adresse' : 'by address'}</strong> : <a href={link(1, 'address')}>{fr ? 'par adresse' : 'by address'}</a>}
          </>
        )}
      </p>
      <div class="table-scroll" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{fr ? 'Nom' : 'Name'}</th>
              <th scope="col">{fr ? 'Adresse' : 'Address'}</th>
              <th scope="col">{ctx.t.sent}</th>
              <th scope="col">{ctx.t.received}</th>
            </tr>
          </thead>
          <tbody>
            {index.rows.map((p) => (
              <tr key={p.address}>
                <td>{p.name ?? '—'}</td>
                <td>
                  <a href={`/people/${encodeURIComponent(p.address)}`}>{p.address}</a>
                </td>
                <td>{formatNumber(p.sent, ctx.lang)}</td>
                <td>{formatNumber(p.received, ctx.lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!ctx.staticCopy && pages > 1 ? (
        <nav aria-label={fr ? 'Pages' : 'Pages'}>
          {page > 1 ? (
            <a rel="prev" href={link(page - 1)}>
              {fr ? '← précédente' : '← previous'}
            </a>
          ) : null}{' '}
          {fr ? `page ${page} sur ${pages}` : `page ${page} of ${pages}`}{' '}
          {page < pages ? (
            <a rel="next" href={link(page + 1)}>
              {ctx.t.next}
            </a>
          ) : null}
        </nav>
      ) : null}
    </Layout>
  );
}
