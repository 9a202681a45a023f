import type { Logger } from 'pino';
import { InboxWatcher, Wallboard, watchedInboxes } from '@cdrflow/collector';
import type { Config } from '@cdrflow/config';
import { UsageError } from '@cdrflow/errors';
import { targetFor } from '@cdrflow/kpi';
import { startHttpServer, type HttpServer } from '@cdrflow/telemetry';
import type { EmbeddedPipeline } from './embedded-pipeline';
import { storeTodayFigures } from './wallboard-today';

/** `--wallboard-port` without `--watch`: a run that ends at once has no live state to show. */
export class WallboardNeedsWatchError extends UsageError {
  override readonly name = 'WallboardNeedsWatchError';
  readonly code = 'wallboard_needs_watch';
}

export interface WatchRunOptions {
  /** Seconds between inbox scans. */
  intervalSeconds: number;
  /** Serve the wallboard on this port (0 picks a free one, logged); none when undefined. */
  wallboardPort: number | undefined;
  /** Called after new inbox files were counted (prints the committee table again). */
  onNewFiles: () => Promise<void>;
  log: Logger;
}

/**
 * `cdrflow run --watch`: scans the inboxes, follows every `follow:` queue_log
 * with the collector's own followers, and serves the wallboard from this
 * process, which holds the followers' live state, until SIGTERM or SIGINT.
 */
export async function watchRun(pipeline: EmbeddedPipeline, config: Config, options: WatchRunOptions): Promise<void> {
  const { log } = options;
  const watcher = new InboxWatcher({
    collector: pipeline.collector,
    inboxes: watchedInboxes(config),
    pollIntervalMs: options.intervalSeconds * 1000,
    log,
  });
  let server: HttpServer | undefined;
  if (options.wallboardPort !== undefined) {
    const wallboard = new Wallboard({
      waitTargetSeconds: targetFor('CSU10', config.kpi)?.value ?? null,
      today: storeTodayFigures(pipeline.store, config.reporting, config.kpi),
    });
    wallboard.watch(pipeline.followers);
    server = await startHttpServer({
      host: config.metrics.host,
      port: options.wallboardPort,
      routes: wallboard.routes(true),
      what: 'wallboard',
      log,
    });
    process.stderr.write(`cdrflow: wallboard at ${server.url}/\n`);
  }
  const stop = () => {
    watcher.stop();
    for (const follower of pipeline.followers) follower.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const scanInboxes = async () => {
    while (!watcher.stopped) {
      if ((await watcher.scanOnce(Date.now())) > 0) {
        await pipeline.aggregator.drain();
        await options.onNewFiles();
      }
      await watcher.pause();
    }
  };
  try {
    await Promise.all([scanInboxes(), ...pipeline.followers.map((f) => f.run())]);
  } finally {
    await server?.close();
  }
}
