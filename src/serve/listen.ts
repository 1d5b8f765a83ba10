import { createServer, type AddressInfo, type Server } from 'node:net';
import type { FastifyInstance, FastifyListenOptions } from 'fastify';

/**
 * Listening so that connections are taken in even when the server is busy. Node 24's event loop
 * (libuv ≥ 1.46) accepts one connection per listening socket per loop iteration; when every
 * iteration is long — many readers, pages rendered for the first time — 256 connections opened at
 * once took seconds to be accepted, and a reader arriving during a flood waited for it to end
 * (bench/load.sh: 194 timeouts at 256 connections; a bare node:http server does the same). Several
 * sockets bound to the same port with SO_REUSEPORT each accept one connection per iteration, and
 * the kernel spreads new connections over them; every connection still goes to the one HTTP server.
 */

/** Listening sockets besides Fastify's own (32 in all: 256 connections accepted in 8 iterations). */
export const EXTRA_LISTENERS = 31;

export interface Listening {
  readonly port: number;
  /** Listening sockets in all (1 where the platform has no SO_REUSEPORT). */
  readonly sockets: number;
  /** Closes the extra listening sockets (before `app.close()`, which closes Fastify's own). */
  stopAccepting(): void;
}

function bind(server: Server, port: number, host: string, reusePort: boolean): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen({ port, host, reusePort }, () => {
      server.off('error', fail);
      done();
    });
  });
}

export async function listenWide(app: FastifyInstance, port: number, host: string): Promise<Listening> {
  // SO_REUSEPORT would also let a second server of the same user share the port without a word:
  // the port is first taken plainly, so "address in use" is still reported as such.
  if (port !== 0) {
    const probe = createServer();
    await bind(probe, port, host, false);
    await new Promise<void>((done) => probe.close(() => done()));
  }
  try {
    // Fastify hands its options to net's listen, which knows reusePort (Node ≥ 22.12); its types do not.
    await app.listen({ port, host, reusePort: true } as unknown as FastifyListenOptions);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTSUP' && (error as NodeJS.ErrnoException).code !== 'ERR_INVALID_ARG_VALUE') throw error;
    await app.listen({ port, host });
    return { port: (app.server.address() as AddressInfo).port, sockets: 1, stopAccepting: () => undefined };
  }
  const bound = (app.server.address() as AddressInfo).port;
  const extras: Server[] = [];
  for (let i = 0; i < EXTRA_LISTENERS; i++) {
    // Each connection is handed to the HTTP server, as if its own socket had accepted it.
    const extra = createServer((socket) => app.server.emit('connection', socket));
    await bind(extra, bound, host, true);
    extras.push(extra);
  }
  const stopAccepting = () => {
    for (const extra of extras) if (extra.listening) extra.close();
  };
  app.server.once('close', stopAccepting);
  return { port: bound, sockets: extras.length + 1, stopAccepting };
}
