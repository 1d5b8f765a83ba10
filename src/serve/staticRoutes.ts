import { type FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_HEADERS } from '../web/securityHeaders.js';
import { ROBOTS_TXT } from '../web/robots.js';
import type { RouteKit } from './routeKit.js';

/** The site's own files: style sheet, icon, robots.txt, the verification recipe. */
export function registerStaticRoutes(kit: RouteKit): void {
  const { app } = kit;
  const sendStatic = async (reply: FastifyReply, file: string, type: string) =>
    reply
      .headers(PAGE_HEADERS)
      .type(type)
      .header('cache-control', 'public, max-age=3600')
      .send(await readFile(join(STATIC_DIR, file)));
  app.get('/static/site.css', async (_request, reply) => sendStatic(reply, 'site.css', 'text/css; charset=utf-8'));
  // Browsers ask for an icon on every page: without one, each page logs a 404 in the console.
  app.get('/static/favicon.svg', async (_request, reply) => sendStatic(reply, 'favicon.svg', 'image/svg+xml'));
  // Search engines may index the archive (what a publication wants); Lighthouse's SEO check reads it too.
  app.get('/robots.txt', async (_request, reply) => reply.headers(PAGE_HEADERS).type('text/plain; charset=utf-8').send(ROBOTS_TXT));
  // The about page's recipe: a signature checked with dkimpy against the archived keys (text, never run by the browser).
  app.get('/static/verify-dkim.py', async (_request, reply) => sendStatic(reply, 'verify-dkim.py', 'text/plain; charset=utf-8'));
}

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'static');
