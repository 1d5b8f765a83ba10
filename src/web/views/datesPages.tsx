import type { VNode } from 'preact';
import type { FacetCount } from '../../model/search.js';
import type { MessageSummary } from '../../model/message.js';
import { formatNumber, type Lang } from '../i18n.js';
import { Layout, type PageContext } from './layout.js';
import { MonthsChart } from './charts.js';
import { dayQuery, monthQuery } from '../../query/dateQueries.js';
import { MessageList } from './messageList.js';

const MONTHS: Record<Lang, readonly string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
};

/** `2015-03` as the reader's language writes it: "March 2015", "mars 2015". */
export function monthName(month: string, lang: Lang): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${MONTHS[lang][m - 1]} ${y}`;
}

/** Browse by date: every year, its months with their counts (a month opens its days; not in a static copy). */
export function DatesPage(props: { ctx: PageContext; months: readonly FacetCount[] }): VNode {
  const { ctx } = props;
  const fr = ctx.lang === 'fr';
  const dated = props.months.filter((m) => /^\d{4}-\d{2}$/.test(m.value) && m.count > 0);
  const years = [...new Set(dated.map((m) => m.value.slice(0, 4)))];
  const title = fr ? 'Par date' : 'By date';
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <MonthsChart lang={ctx.lang} months={props.months} id="all-months" linked={!ctx.staticCopy} />
      {years.map((year) => {
        const months = dated.filter((m) => m.value.startsWith(year));
        return (
          <section key={year} aria-labelledby={`y${year}`}>
            <h2 id={`y${year}`}>
              {year}{' '}
              <span class="meta">
                (
                {formatNumber(
                  months.reduce((n, m) => n + m.count, 0),
                  ctx.lang,
                )}
                )
              </span>
            </h2>
            <ul class="months">
              {months.map((m) => (
                <li key={m.value}>
                  <a href={`/dates/${m.value}`}>{monthName(m.value, ctx.lang)}</a> <span class="meta">({formatNumber(m.count, ctx.lang)})</span>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </Layout>
  );
}

/** One month: its days (each a search of that day), and its latest messages. */
export function MonthPage(props: { ctx: PageContext; month: string; days: readonly FacetCount[]; total: number; latest: readonly MessageSummary[] }): VNode {
  const { ctx } = props;
  const fr = ctx.lang === 'fr';
  const name = monthName(props.month, ctx.lang);
  return (
    <Layout ctx={ctx} title={name}>
      <p>
        <a href="/dates">{fr ? '← Par date' : '← By date'}</a>
      </p>
      <h1>{name}</h1>
      <p class="lede">
        {formatNumber(props.total, ctx.lang)} {ctx.t.messages}
        {ctx.staticCopy ? null : (
          <>
            {' '}
            · <a href={`/search?q=${encodeURIComponent(monthQuery(props.month)!)}&sort=date`}>{fr ? 'tous, par date' : 'all of them, by date'}</a>
          </>
        )}
      </p>
      <h2>{fr ? 'Jour par jour' : 'Day by day'}</h2>
      <ol class="days">
        {props.days.map((d) => (
          <li key={d.value} value={Number(d.value.slice(8))}>
            {d.count > 0 ? <a href={`/dates/${d.value}`}>{d.value}</a> : <span class="meta">{d.value}</span>}{' '}
            <span class="meta">({formatNumber(d.count, ctx.lang)})</span>
          </li>
        ))}
      </ol>
      <h2>{ctx.t.latest}</h2>
      <MessageList ctx={ctx} messages={props.latest} />
    </Layout>
  );
}

/** `2015-03-07` as the reader's language writes it: "7 March 2015", "7 mars 2015". */
export function dayName(day: string, lang: Lang): string {
  return `${Number(day.slice(8, 10))} ${monthName(day.slice(0, 7), lang)}`;
}

/** One day (UTC): its messages, newest first (datesIndex.ts dayMessages: the latest 500 at most). */
export function DayPage(props: { ctx: PageContext; day: string; total: number; messages: readonly MessageSummary[] }): VNode {
  const { ctx } = props;
  const fr = ctx.lang === 'fr';
  const month = props.day.slice(0, 7);
  const shown = props.messages.length;
  return (
    <Layout ctx={ctx} title={props.day}>
      <p>
        <a href={`/dates/${month}`}>← {monthName(month, ctx.lang)}</a>
      </p>
      <h1>{dayName(props.day, ctx.lang)}</h1>
      <p class="lede">
        {formatNumber(props.total, ctx.lang)} {ctx.t.messages} (UTC)
        {shown < props.total
          ? fr
            ? ` · les ${formatNumber(shown, ctx.lang)} derniers ci-dessous`
            : ` · the latest ${formatNumber(shown, ctx.lang)} below`
          : null}
        {ctx.staticCopy ? null : (
          <>
            {' '}
            · <a href={`/search?q=${encodeURIComponent(dayQuery(props.day))}&sort=date`}>{fr ? 'les chercher' : 'search them'}</a>
          </>
        )}
      </p>
      <MessageList ctx={ctx} messages={props.messages} />
    </Layout>
  );
}
