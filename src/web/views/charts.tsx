import type { VNode } from 'preact';
import type { FacetCount } from '../../store/archiveStore.js';
import { formatNumber, type Lang } from '../i18n.js';

const WIDTH = 720;
const HEIGHT = 120;

/**
 * Messages per month as bars, drawn on the server as SVG (the static edition has it too; no
 * script). For screen readers the picture has a title and a description, and the same numbers are
 * a table under it (folded for sighted readers). Colours come from the stylesheet: the CSP allows
 * no inline style, and attributes are not styles.
 */
/** The query of one month (`2015-03`): from its first day to the next month's. */
export function monthQuery(value: string): string | null {
  const [y, m] = value.split('-').map(Number);
  if (!y || !m) return null;
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return `after:${value} before:${next}`;
}

/** `linked`: each month of the table searches for its messages (not in a static copy: its search takes words only). */
export function MonthsChart(props: { lang: Lang; months: readonly FacetCount[]; id: string; linked: boolean }): VNode | null {
  const months = props.months.filter((m) => /^\d{4}-\d{2}$/.test(m.value));
  if (months.length < 2) return null;
  const fr = props.lang === 'fr';
  const max = Math.max(...months.map((m) => m.count), 1);
  const total = months.reduce((n, m) => n + m.count, 0);
  const busiest = months.reduce((a, b) => (b.count > a.count ? b : a));
  const step = WIDTH / months.length;
  const gap = step > 4 ? 1 : 0;
  const years = months.filter((m) => m.value.endsWith('-01') || m === months[0]);
  const title = fr ? 'Messages par mois' : 'Messages per month';
  const desc = fr
    ? `${formatNumber(total, props.lang)} messages datés de ${months[0]!.value} à ${months.at(-1)!.value} ; le mois le plus chargé : ${busiest.value} (${formatNumber(busiest.count, props.lang)}).`
    : `${formatNumber(total, props.lang)} dated messages from ${months[0]!.value} to ${months.at(-1)!.value}; the busiest month: ${busiest.value} (${formatNumber(busiest.count, props.lang)}).`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 16}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} preserveAspectRatio="none">
        <title id={`${props.id}-title`}>{title}</title>
        <desc id={`${props.id}-desc`}>{desc}</desc>
        {months.map((m, i) => {
          const h = m.count === 0 ? 0 : Math.max(1, Math.round((m.count / max) * HEIGHT));
          return <rect key={m.value} class="bar" x={(i * step).toFixed(2)} y={HEIGHT - h} width={Math.max(0.5, step - gap).toFixed(2)} height={h} />;
        })}
        {years.map((m) => (
          <text key={m.value} class="axis" x={(months.indexOf(m) * step).toFixed(2)} y={HEIGHT + 13}>
            {m.value.slice(0, 4)}
          </text>
        ))}
      </svg>
      <figcaption>{desc}</figcaption>
      <details>
        <summary>{fr ? 'Les chiffres' : 'The numbers'}</summary>
        <div class="table-scroll" tabIndex={0}>
          <table>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{fr ? 'Mois' : 'Month'}</th>
                <th scope="col">Messages</th>
              </tr>
            </thead>
            <tbody>
              {months.map((m) => (
                <tr key={m.value}>
                  <th scope="row">{props.linked ? <a href={`/search?q=${encodeURIComponent(monthQuery(m.value)!)}`}>{m.value}</a> : m.value}</th>
                  <td>{formatNumber(m.count, props.lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
