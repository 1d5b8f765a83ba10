/** Queries of a period of the calendar, in the query language (after: is inclusive, before: exclusive). */

/** The query of one month (`2015-03`): from its first day to the next month's. */
export function monthQuery(value: string): string | null {
  const [y, m] = value.split('-').map(Number);
  if (!y || !m) return null;
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return `after:${value} before:${next}`;
}

/** The query of one day (`2015-03-07`): from that day to the next. */
export function dayQuery(day: string): string {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return `after:${day} before:${next}`;
}

/** Whether text is a real day of the calendar as `yyyy-mm-dd` (not 2020-02-30). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}
