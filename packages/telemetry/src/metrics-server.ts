import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/** One dependency a readiness probe looks at. */
export interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

/** Named checks; the service is ready when every one is ok. */
export type Readiness = Record<string, ReadinessCheck>;

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port; the bound one is logged and returned. */
  port: number;
  /** The Prometheus exposition: its content type and the text of one scrape. */
  exposition: { contentType: string; render(): Promise<string> };
  /** Called on every /readyz; it asks the service's dependencies, each under a timeout. */
  readiness: () => Promise<Readiness>;
  log: Logger;
}

export interface MetricsServer {
  /** `http://host:port` as bound. */
  url: string;
  port: number;
  close(): Promise<void>;
}

function json(status: number, body: unknown): { status: number; type: string; body: string } {
  return { status, type: 'application/json; charset=utf-8', body: `${JSON.stringify(body)}\n` };
}

/**
 * `/metrics` (Prometheus text format), `/healthz` (liveness: answering at all
 * proves the event loop runs) and `/readyz` (readiness: 200 only when every
 * check passes, the checks named in the JSON body either way).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { exposition, readiness, log } = options;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = async (): Promise<{ status: number; type: string; body: string }> => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, { error: 'GET only' });
      switch (path) {
        case '/metrics':
          return { status: 200, type: exposition.contentType, body: await exposition.render() };
        case '/healthz':
          return json(200, { status: 'ok', checks: { eventLoop: { ok: true, detail: 'responding' } } });
        case '/readyz': {
          const checks = await readiness();
          const ready = Object.values(checks).every((c) => c.ok);
          return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
        }
        default:
          return json(404, { error: 'not found', endpoints: ['/metrics', '/healthz', '/readyz'] });
      }
    };
    answer().then(
      ({ status, type, body }) => {
        response.writeHead(status, { 'content-type': type });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      (e: unknown) => {
        log.error({ err: e, path }, 'metrics endpoint failed');
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
  log.info({ metricsUrl: url, metricsPort: address.port }, `metrics and health endpoints listening on ${url}`);
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
