import { ThreadPage } from '../web/views/pages.js';
import { idParam, pageAndApi, type RouteKit } from './routeKit.js';

/** A thread: page, API twin, mbox. */
export function registerThreadRoutes(kit: RouteKit): void {
  const { app, store, withinBudget, notFound, sendMbox } = kit;
  // Threads
  pageAndApi(kit, {
    html: '/threads/:id',
    api: '/api/threads/:id',
    load: async (request) => {
      const id = idParam(request);
      const messages = id === null ? [] : await store.thread(id);
      return id === null || messages.length === 0 ? null : { threadId: id, messages };
    },
    view: (ctx, thread) => ThreadPage({ ctx, ...thread }),
    json: (thread) => thread,
  });
  app.get('/threads/:id/mbox', async (request, reply) => {
    const id = idParam(request);
    const messages = id === null ? [] : await store.thread(id);
    if (id === null || messages.length === 0) return notFound(request, reply);
    return withinBudget(request, () =>
      sendMbox(
        reply,
        messages.map((m) => m.id),
        `thread-${id}.mbox`,
      ),
    );
  });
}
