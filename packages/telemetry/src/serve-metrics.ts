import type { Logger } from 'pino';
import { UsageError } from '@cdrflow/errors';
import type { HttpRoutes } from './http-server';
import { startMetricsServer, type MetricsServer, type Readiness } from './metrics-server';

/** The metrics port is taken: a setting to change, not a fault to retry. */
export class MetricsPortInUseError extends UsageError {
  override readonly name = 'MetricsPortInUseError';
  readonly code = 'metrics_port_in_use';
}

export interface ServedMetrics {
  contentType: string;
  render(): Promise<string>;
  readiness(): Promise<Readiness>;
}

/** Serves /metrics, /healthz and /readyz on the configured address, before the service connects anywhere. */
export function serveMetrics(
  address: { host: string; port: number },
  log: Logger,
  metrics: ServedMetrics,
  pages?: HttpRoutes,
): Promise<MetricsServer> {
  return startMetricsServer({
    host: address.host,
    port: address.port,
    exposition: metrics,
    readiness: () => metrics.readiness(),
    ...(pages === undefined ? {} : { pages }),
    log: log.child({ component: 'metrics' }),
  }).catch((e: unknown) => {
    // Every service defaults to 9464, so a second one on the same host is the likely cause: say how to fix it.
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new MetricsPortInUseError(
        `the metrics port ${address.host}:${address.port} is in use (another cdrflow service on this host?): ` +
          'give each service its own with CDRFLOW_METRICS_PORT or metrics.port (0 picks a free port and logs it)',
        { cause: e, context: address },
      );
    }
    throw e;
  });
}
