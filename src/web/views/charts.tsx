import type { VNode } from 'preact';
import type { FacetCount } from '../../model/search.js';
import { formatNumber, type Lang } from '../i18n.js';
import { monthQuery } from '../../query/dateQueries.js';
import type { ThreadNode } from '../../thread/threadTree.js';

const WIDTH = 720;
const HEIGHT = 120;

/**
 * Messages per month as bars, drawn on the server as SVG (the static edition has it too; no
 * script). For screen readers the picture has a title and a description, and the same numbers are
 * a table under it (folded for sighted readers). Colours come from the stylesheet: the CSP allows
 * no inline style, and attributes are not styles.
 */
/**
 * `linked`: each month of the table searches for its messages (not in a static copy: its search
 * takes words only). `narrow`: the bars are links too, each narrowing this query to its month (the
 * search page); the picture is then a group of links, each named with its month and count.
 */
export function MonthsChart(props: { lang: Lang; months: readonly FacetCount[]; id: string; linked: boolean; narrow?: string }): VNode | null {
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
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT + 16}`}
        role={props.narrow === undefined ? 'img' : 'group'}
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
        preserveAspectRatio="none"
      >
        <title id={`${props.id}-title`}>{title}</title>
        <desc id={`${props.id}-desc`}>{desc}</desc>
        {months.map((m, i) => {
          const h = m.count === 0 ? 0 : Math.max(1, Math.round((m.count / max) * HEIGHT));
          const bar = <rect key={m.value} class="bar" x={(i * step).toFixed(2)} y={HEIGHT - h} width={Math.max(0.5, step - gap).toFixed(2)} height={h} />;
          if (props.narrow === undefined || m.count === 0) return bar;
          return (
            <a
              key={m.value}
              href={`/search?q=${encodeURIComponent(`${props.narrow} ${monthQuery(m.value)}`.trim())}`}
              aria-label={`${m.value}: ${formatNumber(m.count, props.lang)}`}
            >
              {/* The whole column is the target, not only the bar: a month with few messages is still easy to hit. */}
              <rect class="hit" x={(i * step).toFixed(2)} y="0" width={step.toFixed(2)} height={HEIGHT} />
              {bar}
            </a>
          );
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

/**
 * Who wrote to whom, around one person: their strongest correspondents on a circle, each line as
 * thick as the messages between them (sent and received together). The lists beside it (wrote to,
 * received from) say the same in text; the picture's description names the strongest.
 */
export function CorrespondentsGraph(props: {
  lang: Lang;
  address: string;
  people: ReadonlyArray<{ address: string; count: number }>;
  id: string;
}): VNode | null {
  const people = props.people.filter((p) => p.address !== props.address && p.count > 0).slice(0, 8);
  if (people.length === 0) return null;
  const fr = props.lang === 'fr';
  const [w, h, r] = [640, 300, 110];
  const [cx, cy] = [w / 2, h / 2];
  const max = Math.max(...people.map((p) => p.count));
  const title = fr ? 'Qui a écrit à qui' : 'Who wrote to whom';
  const desc = `${props.address} — ${people.map((p) => `${p.address} (${formatNumber(p.count, props.lang)})`).join(', ')}`;
  return (
    <figure class="chart graph">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`}>
        <title id={`${props.id}-title`}>{title}</title>
        <desc id={`${props.id}-desc`}>{desc}</desc>
        {people.map((p, i) => {
          const a = (2 * Math.PI * i) / people.length - Math.PI / 2;
          const [x, y] = [cx + Math.cos(a) * r * 1.9, cy + Math.sin(a) * r];
          return (
            <g key={p.address}>
              <line class="edge" x1={cx} y1={cy} x2={x.toFixed(1)} y2={y.toFixed(1)} stroke-width={(1 + (p.count / max) * 7).toFixed(1)} />
              <circle class="node" cx={x.toFixed(1)} cy={y.toFixed(1)} r="5" />
              <text class="label" x={x.toFixed(1)} y={(y + (y < cy ? -10 : 18)).toFixed(1)} text-anchor="middle">
                {p.address.split('@')[0]} ({formatNumber(p.count, props.lang)})
              </text>
            </g>
          );
        })}
        <circle class="node self" cx={cx} cy={cy} r="9" />
        <text class="label self" x={cx} y={cy + 26} text-anchor="middle">
          {props.address.split('@')[0]}
        </text>
      </svg>
    </figure>
  );
}

/** A thread's picture: one dot a message across (reading order), replies a step down from what they answer. */
const THREAD_STEP_Y = 18;
/** Replies deeper than this are drawn at this depth (the list under the picture indents them all). */
const THREAD_DEPTH_DRAWN = 12;

/**
 * A thread drawn as a tree (the thread page): each message a dot, in reading order from left to
 * right, each reply one step below the message it answers and joined to it by an elbow line; a
 * parent the archive lacks is a hollow dot, a link inferred from the subject a dashed line, the
 * first message filled darker. The list under it is the same tree in words, with every link, so the
 * picture is an image with a title and a description (how many messages, how deep, where it branches
 * most), not a second set of links.
 */
export function ThreadPicture(props: { lang: Lang; order: ReadonlyArray<{ readonly node: ThreadNode; readonly depth: number }> }): VNode | null {
  const { order } = props;
  if (order.length < 2) return null;
  const fr = props.lang === 'fr';
  const step = Math.max(2, Math.min(28, WIDTH / order.length));
  const x = (i: number) => step / 2 + i * step;
  const y = (depth: number) => 10 + Math.min(depth, THREAD_DEPTH_DRAWN) * THREAD_STEP_Y;
  const deepest = Math.max(...order.map((o) => o.depth));
  const height = y(deepest) + 10;
  const r = Math.max(1, Math.min(5, step / 3));
  const index = new Map(order.map((o, i) => [o.node, i]));
  const edges: VNode[] = [];
  let busiest = order[0]!;
  order.forEach((o, i) => {
    if (o.node.children.length > busiest.node.children.length) busiest = o;
    for (const child of o.node.children) {
      const j = index.get(child)!;
      const inferred = child.message?.parentEvidence === 'subject';
      edges.push(
        <path
          key={`${i}-${j}`}
          class={inferred ? 'edge inferred' : 'edge'}
          d={`M${x(i).toFixed(1)} ${y(o.depth)} V${y(order[j]!.depth)} H${x(j).toFixed(1)}`}
        />,
      );
    }
  });
  const messages = order.filter((o) => o.node.message !== null).length;
  const replies = busiest.node.children.length;
  const title = fr ? 'Le fil en arbre' : 'The thread as a tree';
  const desc = fr
    ? `${formatNumber(messages, props.lang)} messages, jusqu’à ${deepest} réponses en profondeur ; le message qui a le plus de réponses directes en a ${replies}. La liste sous l’image donne chaque message.`
    : `${formatNumber(messages, props.lang)} messages, replies up to ${deepest} deep; the message with the most direct replies has ${replies}. The list under the picture gives every message.`;
  return (
    <figure class="chart thread-picture">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby="thread-picture-title thread-picture-desc"
        focusable="false"
        preserveAspectRatio="xMinYMin meet"
      >
        <title id="thread-picture-title">{title}</title>
        <desc id="thread-picture-desc">{desc}</desc>
        {edges}
        {order.map((o, i) => (
          <circle
            key={i}
            class={o.node.message === null ? 'node ghost' : i === 0 ? 'node first' : 'node'}
            cx={x(i).toFixed(1)}
            cy={y(o.depth)}
            r={r.toFixed(1)}
          />
        ))}
      </svg>
      <figcaption>{desc}</figcaption>
    </figure>
  );
}
