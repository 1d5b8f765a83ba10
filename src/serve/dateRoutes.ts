import { DatesPage, DayPage, MonthPage } from '../web/views/datesPages.js';
import { archiveMonths, dayMessages, monthDays } from '../pages/datesIndex.js';
import { isCalendarDay } from '../query/dateQueries.js';
import { monthRange } from '../web/views/pages.js';
import { contextOf, sendPage, type RouteKit } from './routeKit.js';

/** Browsing by date: every month, a month's days, a day's messages. */
export function registerDateRoutes(kit: RouteKit): void {
  const { app, store, site, withinBudget, notFound } = kit;
  // Dates: every month, then a month's days (each a search of that day)
  app.get('/dates', async (request, reply) => sendPage(reply, DatesPage({ ctx: contextOf(request, site), months: monthRange(await archiveMonths(store)) })));
  // A month (`2015-03`) or a day (`2015-03-07`), at the addresses the static copy has them too.
  app.get('/dates/:period', async (request, reply) => {
    const period = (request.params as { period: string }).period;
    if (/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) {
      const { days, total, latest } = await withinBudget(request, () => monthDays(store, period));
      if (total === 0) return notFound(request, reply);
      return sendPage(reply, MonthPage({ ctx: contextOf(request, site), month: period, days, total, latest }));
    }
    if (!isCalendarDay(period)) return notFound(request, reply);
    const found = await withinBudget(request, () => dayMessages(store, period));
    if (found.total === 0) return notFound(request, reply);
    return sendPage(reply, DayPage({ ctx: contextOf(request, site), day: period, ...found }));
  });
}
