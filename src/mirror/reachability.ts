import type { StatusReport } from './mirrorStatus.js';
import type { Observation, ObservationRow } from './observations.js';

/**
 * The reachability matrix: one row per place a check was made from (here, and every observer that
 * published a signed observation), one cell per site: up and fresh, behind, down, or refused. Kept
 * with the time each cell last changed, so the status page says "down since …", and the changes
 * themselves, which the status feed announces.
 */

export type CellState = 'fresh' | 'behind' | 'down' | 'refused';

export interface MatrixCell {
  readonly state: CellState;
  readonly latencyMs: number | null;
  readonly behind: number | null;
  /** When this observer first saw the site in this state (as far as the saved history goes). */
  readonly since: string;
}

export interface MatrixRow {
  readonly observer: string;
  readonly country: string;
  readonly checkedAt: string | null;
  readonly problem: string | null;
  readonly cells: Readonly<Record<string, MatrixCell>>;
}

export interface ReachabilityEvent {
  readonly at: string;
  readonly observer: string;
  readonly site: string;
  readonly from: CellState | null;
  readonly to: CellState;
}

/** What `mirror status --save` keeps between runs (status-history.json in the data directory). */
export interface ReachabilityHistory {
  readonly cells: Readonly<Record<string, { readonly state: CellState; readonly since: string }>>;
  readonly events: readonly ReachabilityEvent[];
}

/** Changes kept (and shown in the feed), newest last. */
const EVENTS_KEPT = 200;

export const EMPTY_HISTORY: ReachabilityHistory = { cells: {}, events: [] };

function stateOf(site: Observation['sites'][number]): CellState {
  return !site.up ? 'down' : site.behind === null ? 'refused' : site.behind === 0 ? 'fresh' : 'behind';
}

/** The matrix of this check (from `here`) and the gathered observations, and the history brought forward. */
export function reachability(
  here: { name: string; country: string },
  report: StatusReport,
  rows: readonly ObservationRow[],
  history: ReachabilityHistory,
): { matrix: MatrixRow[]; history: ReachabilityHistory } {
  const cells: Record<string, { state: CellState; since: string }> = { ...history.cells };
  const events = [...history.events];
  const sources: Array<{ observer: string; country: string; observation: Observation | null; problem: string | null }> = [
    {
      observer: here.name,
      country: here.country,
      observation: { format: 1, observer: here.name, checkedAt: report.checkedAt, originSequence: report.originSequence, sites: report.sites },
      problem: null,
    },
    ...rows.filter((r) => r.observer !== here.name),
  ];
  const matrix = sources.map((source): MatrixRow => {
    const out: Record<string, MatrixCell> = {};
    for (const site of source.observation?.sites ?? []) {
      const key = `${source.observer}|${site.name}`;
      const state = stateOf(site);
      const at = source.observation!.checkedAt;
      const previous = cells[key];
      if (!previous || previous.state !== state) {
        // An observation older than the change already recorded is not a change.
        if (!previous || previous.since <= at) {
          events.push({ at, observer: source.observer, site: site.name, from: previous?.state ?? null, to: state });
          cells[key] = { state, since: at };
        }
      }
      out[site.name] = { state, latencyMs: site.latencyMs, behind: site.behind, since: cells[key]?.since ?? at };
    }
    return { observer: source.observer, country: source.country, checkedAt: source.observation?.checkedAt ?? null, problem: source.problem, cells: out };
  });
  return { matrix, history: { cells, events: events.slice(-EVENTS_KEPT) } };
}
