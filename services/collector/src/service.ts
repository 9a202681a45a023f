import type { Logger } from 'pino';
import { KafkaBus, topicNames, topicSpecs } from '@cdrflow/bus';
import { ConfigError, kafkaOf, type Config } from '@cdrflow/config';
import { targetFor } from '@cdrflow/kpi';
import { serveMetrics, shutdownSignal } from '@cdrflow/telemetry';
import { watchedInboxes } from './collect-inboxes';
import { CollectorMetrics } from './collector-metrics';
import { composeCollector } from './compose';
import { InboxWatcher } from './inbox-watcher';
import { Wallboard } from './wallboard';

/**
 * Today's counts are the aggregator's (exactly once, over every collector);
 * a collector counting its own lines would be a second, restart-sensitive
 * count that disagrees with the reports (docs/decisions.md, 43).
 */
const COLLECTOR_TODAY_NOTE =
  'Today’s offered, answered, abandoned and service level come from the aggregator: see the Grafana dashboard “cdrflow — live”.';

export interface CollectorServiceOptions {
  config: Config;
  log: Logger;
  pollIntervalMs: number;
}

/**
 * The collector service: watches every configured inbox and publishes each
 * complete file to Kafka; a file is archived only after Kafka acknowledged
 * all its records (acks=all). Sources with `follow` also tail their live
 * queue_log, saving the position only after Kafka acknowledged each poll.
 * SIGTERM stops between files and between polls.
 */
export async function runCollectorService(options: CollectorServiceOptions): Promise<void> {
  const { config, log } = options;
  const bus = new KafkaBus({ config: kafkaOf(config, 'collector'), log: log.child({ component: 'kafka' }) });
  if (config.callerKey === null) {
    throw new ConfigError('no pseudonymisation key: set CDRFLOW_CALLER_KEY (at least 16 characters)');
  }
  if (config.sources.length === 0)
    throw new ConfigError('no sources are configured: add `sources:` to the config file');
  const topics = topicNames(config.bus.topicNamespace);
  const metrics = new CollectorMetrics(() => bus.endOffsets(topics.calls), config.metrics.maxQueueLabels);
  const wallboard = new Wallboard({
    waitTargetSeconds: targetFor('CSU10', config.kpi)?.value ?? null,
    today: { note: COLLECTOR_TODAY_NOTE },
  });
  const server = await serveMetrics(config.metrics, log, metrics, wallboard.routes());
  try {
    await bus.ensureTopics(topicSpecs(config.bus.partitions, topics));
    metrics.connected();
    const { collector, followers } = composeCollector({ config, producer: bus.producer(), log, listener: metrics });
    metrics.watchLive(followers);
    wallboard.watch(followers);
    const watcher = new InboxWatcher({
      collector,
      inboxes: watchedInboxes(config),
      pollIntervalMs: options.pollIntervalMs,
      log,
    });
    void shutdownSignal(log).then(() => {
      watcher.stop();
      for (const follower of followers) follower.stop();
    });
    await Promise.all([watcher.run(), ...followers.map((f) => f.run())]);
  } finally {
    await bus.close();
    await server.close();
  }
}
