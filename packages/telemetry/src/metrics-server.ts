import type { Logger } from 'pino';
import { json, startHttpServer, type HttpRoutes, type HttpServer } from './http-server';

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
  /** More pages the service serves beside its metrics (the collector's /wallboard). */
  pages?: HttpRoutes;
  log: Logger;
}

export type MetricsServer = HttpServer;

/**
 * `/metrics` (Prometheus text format), `/healthz` (liveness: answering at all
 * proves the event loop runs) and `/readyz` (readiness: 200 only when every
 * check passes, the checks named in the JSON body either way).
 */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { exposition, readiness } = options;
  return startHttpServer({
    host: options.host,
    port: options.port,
    what: 'metrics and health endpoints',
    log: options.log,
    routes: {
      '/metrics': async () => ({ status: 200, type: exposition.contentType, body: await exposition.render() }),
      '/healthz': () =>
        Promise.resolve(json(200, { status: 'ok', checks: { eventLoop: { ok: true, detail: 'responding' } } })),
      '/readyz': async () => {
        const checks = await readiness();
        const ready = Object.values(checks).every((c) => c.ok);
        return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      },
      ...options.pages,
    },
  });
}
