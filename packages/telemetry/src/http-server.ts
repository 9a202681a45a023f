import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/** One answer of a route: status, content type and body. */
export interface HttpAnswer {
  status: number;
  type: string;
  body: string;
}

/** GET routes by exact path (no query string). */
export type HttpRoutes = Readonly<Record<string, () => Promise<HttpAnswer>>>;

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; the bound one is logged and returned. */
  port: number;
  routes: HttpRoutes;
  /** What the server is for, in the start-up log line ("metrics and health endpoints", "wallboard"). */
  what: string;
  log: Logger;
}

export interface HttpServer {
  /** `http://host:port` as bound. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export function json(status: number, body: unknown): HttpAnswer {
  return { status, type: 'application/json; charset=utf-8', body: `${JSON.stringify(body)}\n` };
}

/**
 * A small read-only HTTP server: GET or HEAD on a known path, JSON 404
 * naming the known paths otherwise. The metrics server and the wallboard are
 * both this, so they answer errors and HEAD the same way.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { routes, log } = options;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const answer = (): Promise<HttpAnswer> => {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return Promise.resolve(json(405, { error: 'GET only' }));
      const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
      return route === undefined
        ? Promise.resolve(json(404, { error: 'not found', endpoints: Object.keys(routes) }))
        : route();
    };
    answer().then(
      ({ status, type, body }) => {
        // Live figures: a proxy or browser cache must never show an old state as now.
        response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      (e: unknown) => {
        log.error({ err: e, path }, `${options.what}: request failed`);
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('internal error\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url, port: address.port }, `${options.what} listening on ${url}`);
  return {
    url,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e === undefined ? resolve() : reject(e)));
      }),
  };
}
