import { personData } from '../pages/personData.js';
import { peopleIndex } from '../pages/peopleIndex.js';
import type { PeopleSort } from '../model/people.js';
import { PeopleIndexPage } from '../web/views/peopleIndexPage.js';
import { type FastifyRequest } from 'fastify';
import { QueryError } from '../query/parseQuery.js';
import { PersonPage } from '../web/views/pages.js';
import { HttpError } from './httpErrors.js';
import { ADDRESS_PARAMS } from './routeSchemas.js';
import { contextOf, sendPage, pageAndApi, type RouteKit } from './routeKit.js';

/** People: the index, a person's page and its API twin. */
export function registerPeopleRoutes(kit: RouteKit): void {
  const { app, store, site, limited, withinBudget } = kit;
  // People
  app.get('/people', { schema: { querystring: PEOPLE_QUERY } }, async (request, reply) => {
    const query = request.query as { sort?: PeopleSort; page?: number };
    const sort = query.sort ?? 'messages';
    const page = query.page ?? 1;
    const index = await withinBudget(request, () => peopleIndex(store, { sort, offset: (page - 1) * PEOPLE_PER_PAGE, limit: PEOPLE_PER_PAGE }));
    return sendPage(reply, PeopleIndexPage({ ctx: contextOf(request, site), index, sort, page, perPage: PEOPLE_PER_PAGE }));
  });
  // The address arrives decoded once by the router (decoding it again made `/people/%25` a 500).
  const person = (request: FastifyRequest) => {
    const address = (request.params as { address: string }).address.toLowerCase();
    return withinBudget(request, async () => {
      try {
        return { address, ...(await personData(store, address)) };
      } catch (error) {
        // An address that cannot even be searched for (`%`, `""`) is nobody in the archive.
        if (error instanceof QueryError) throw new HttpError(404, contextOf(request, site).t.notFound);
        throw error;
      }
    });
  };
  pageAndApi(kit, {
    html: '/people/:address',
    api: '/api/people/:address',
    route: { ...limited, schema: { params: ADDRESS_PARAMS } },
    cacheInHandler: true,
    load: async (request) => {
      const found = await person(request);
      return found.sent.total + found.received.total === 0 ? null : found;
    },
    view: (ctx, { address, sent, received, aliases }) => PersonPage({ ctx, address, sent, received, aliases }),
    json: ({ address, sent, received, aliases }) => ({
      address,
      sent: sent.total,
      received: received.total,
      wroteTo: sent.facets?.recipients,
      receivedFrom: received.facets?.senders,
      months: sent.facets?.months,
      sameName: aliases,
    }),
  });
}

const PEOPLE_QUERY = {
  type: 'object',
  properties: { sort: { type: 'string', enum: ['messages', 'address'] }, page: { type: 'integer', minimum: 1, maximum: 100000 } },
} as const;

/** Rows of the people index a page. */
const PEOPLE_PER_PAGE = 200;
