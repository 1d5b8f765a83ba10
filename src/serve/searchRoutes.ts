import { suggestionFor } from '../search/suggestions.js';
import { type FastifyRequest } from 'fastify';
import type { FacetName, SearchOptions, SearchResult, SearchSort } from '../model/search.js';
import { parseQuery } from '../query/parseQuery.js';
import { EVERY_MESSAGE } from '../query/ast.js';
import { CursorError } from '../search/searchPages.js';
import { PAGE_HEADERS } from '../web/securityHeaders.js';
import { SearchPage, FacetPage } from '../web/views/pages.js';
import { queryExamples, subjectWords, type QueryExample } from '../web/views/readerHelp.js';
import { HttpError } from './httpErrors.js';
import { API_SEARCH_QUERY, FACET_QUERY, SEARCH_QUERY } from './routeSchemas.js';
import { contextOf, sendPage, type RouteKit } from './routeKit.js';

/** Search: the page, one facet's values, the API, a result as mbox. */
export function registerSearchRoutes(kit: RouteKit): void {
  const { app, store, site, limited, withinBudget, spend, fromCacheSent, sendMbox } = kit;
  // Search
  // Parameters are checked by each route's schema (routeSchemas.ts): a repeated or over-long one is a 400.
  const runSearch = async (request: FastifyRequest, limit: number, facets: SearchOptions['facets'] = true) => {
    const params = request.query as { q?: string; sort?: SearchSort; cursor?: string };
    const q = params.q?.trim() ?? '';
    const sort: SearchSort = params.sort ?? 'relevance';
    const cursor = params.cursor ?? null;
    if (!q) return { q, sort, result: null, error: null };
    let query;
    try {
      query = parseQuery(q);
    } catch (error) {
      return { q, sort, result: null, error: (error as Error).message };
    }
    try {
      return { q, sort, result: await withinBudget(request, () => store.search(query, { sort, limit, cursor, facets })), error: null };
    } catch (error) {
      if (error instanceof CursorError) throw new HttpError(400, contextOf(request, site).t.badCursor);
      throw error;
    }
  };
  // The search help's examples are made of this archive's values (its busiest sender, first month,
  // words of a recent subject), and each is run once: only those that find something are shown.
  // Worked out once per version of the archive.
  let helpMemo: { version: string; examples: Promise<QueryExample[]> } | undefined;
  const helpExamples = () => {
    const version = store.dataVersion();
    if (helpMemo?.version !== version) {
      const examples = Promise.all([
        store.stats(),
        store.latest(20),
        store.releases(),
        store.search(EVERY_MESSAGE, { sort: 'date', limit: 1, facets: true }),
      ]).then(async ([stats, latest, releases, everything]) => {
        const candidates = queryExamples({
          sender: everything.facets?.senders[0]?.value ?? null,
          recipient: everything.facets?.recipients[0]?.value ?? null,
          month: stats.firstDate?.slice(0, 7) ?? null,
          release: releases[0]?.number ?? null,
          words: subjectWords(latest.map((m) => m.subject ?? '')),
          attachments: (everything.facets?.attachmentTypes.length ?? 0) > 0,
          verified: (stats.dkim.verified ?? 0) > 0,
        });
        const found = await Promise.all(candidates.map(async (e) => (await store.search(parseQuery(e.query), { sort: 'date', limit: 1 })).total > 0));
        return candidates.filter((_e, i) => found[i]);
      });
      helpMemo = { version, examples };
      examples.catch(() => (helpMemo = undefined));
    }
    return helpMemo.examples;
  };
  // A first page that found nothing may hold a typing slip: the nearest query that finds something.
  // Extra work, so only when the search budget has room; the answer never fails for want of it.
  const suggestionOf = async (request: FastifyRequest, q: string, result: SearchResult | null) => {
    if (!result || result.total > 0 || (request.query as { cursor?: string }).cursor) return null;
    return spend(
      () => suggestionFor(store, q, parseQuery(q)),
      () => null,
    );
  };
  const searchRoute = { ...limited, schema: { querystring: SEARCH_QUERY } };
  app.get('/search', searchRoute, async (request, reply) => {
    if (fromCacheSent(request, reply)) return reply;
    const ctx = contextOf(request, site);
    const { q, sort, result, error } = await runSearch(request, 20);
    const suggestion = await suggestionOf(request, q, result);
    return sendPage(reply, SearchPage({ ctx, query: q, sort, result, error, help: await helpExamples(), suggestion }), error ? 400 : 200);
  });
  // Every value of one facet of a search: the page the facets' "All values" link opens.
  app.get('/search/facet', { ...limited, schema: { querystring: FACET_QUERY } }, async (request, reply) => {
    if (fromCacheSent(request, reply)) return reply;
    const ctx = contextOf(request, site);
    const kind = (request.query as { facet: FacetName }).facet;
    const { q, sort, result, error } = await runSearch(request, 1, 'all');
    if (!q) throw new HttpError(400, 'q is required');
    return sendPage(reply, FacetPage({ ctx, query: q, sort, kind, result, error }), error ? 400 : 200);
  });
  app.get('/api/search', { ...limited, schema: { querystring: API_SEARCH_QUERY } }, async (request, reply) => {
    if (fromCacheSent(request, reply)) return reply;
    const params = request.query as { limit?: number; facets?: 'all' };
    const limit = Math.min(API_PAGE_LIMIT, params.limit ?? 20);
    const { q, result, error } = await runSearch(request, limit, params.facets ?? true);
    if (error || !result) throw new HttpError(400, error ?? 'q is required');
    return reply.headers(PAGE_HEADERS).send({ ...result, suggestion: await suggestionOf(request, q, result) });
  });
  app.get('/search.mbox', searchRoute, async (request, reply) => {
    const { result, error } = await runSearch(request, MBOX_SEARCH_LIMIT);
    if (error || !result) throw new HttpError(400, error ?? 'q is required');
    return withinBudget(request, () =>
      sendMbox(
        reply,
        result.hits.map((h) => h.message.id),
        'search.mbox',
      ),
    );
  });
}

/** Messages in one mbox download of a search result, at most. */
const MBOX_SEARCH_LIMIT = 500;

const API_PAGE_LIMIT = 100;
