import { join } from 'node:path';
import type { Logger } from 'pino';
import { Aggregator } from '@cdrflow/aggregator';
import { KafkaBus, consumedTopics, type Bus, topicNames, topicSpecs, type KafkaBusConfig } from '@cdrflow/bus';
import { Collector, CollectorState, InboxWatcher, QueueLogFollower, callerPseudonymiser } from '@cdrflow/collector';
import { AggregatorMetrics, type PartitionLag } from './aggregator-metrics';
import { watchedInboxes } from './collect-inboxes';
import { CollectorMetrics } from './collector-metrics';
import type { Config } from './config';
import { ConfigError } from './config-error';
import { startMetricsServer, type MetricsServer, type Readiness } from './metrics-server';
import { openStore } from './runtime';
import type { CdrStore } from '@cdrflow/store';
import { sourceReader } from './source-readers';

function kafkaOf(config: Config, service: string): KafkaBusConfig {
  if (config.kafka === undefined) {
    throw new ConfigError(
      `the ${service} service needs Kafka: set KAFKA_BROKERS (host:port,…) or kafka.brokers in the config. ` +
        'For one process without Kafka, use `cdrflow run --watch`.',
    );
  }
  return config.kafka;
}

/** Serves /metrics, /healthz and /readyz on the configured address, before the service connects anywhere. */
function serveMetrics(
  config: Config,
  log: Logger,
  metrics: { contentType: string; render(): Promise<string>; readiness(): Promise<Readiness> },
): Promise<MetricsServer> {
  return startMetricsServer({
    host: config.metrics.host,
    port: config.metrics.port,
    exposition: metrics,
    readiness: () => metrics.readiness(),
    log: log.child({ component: 'metrics' }),
  }).catch((e: unknown) => {
    // Every service defaults to 9464, so a second one on the same host is the likely cause: say how to fix it.
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(
        `the metrics port ${config.metrics.host}:${config.metrics.port} is in use (another cdrflow service on this host?): ` +
          'give each service its own with CDRFLOW_METRICS_PORT or metrics.port (0 picks a free port and logs it)',
      );
    }
    throw e;
  });
}

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once. */
function shutdownSignal(log: Logger): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      log.info({ signal }, 'shutting down: finishing the work in hand (send again to exit at once)');
      process.once(signal, () => process.exit(130));
      resolve(signal);
    };
    process.once('SIGTERM', () => on('SIGTERM'));
    process.once('SIGINT', () => on('SIGINT'));
  });
}

/**
 * `cdrflow collector`: watches every configured inbox and publishes each
 * complete file to Kafka; a file is archived only after Kafka acknowledged
 * all its records (acks=all). Sources with `follow` also tail their live
 * queue_log, saving the position only after Kafka acknowledged each poll.
 * SIGTERM stops between files and between polls.
 */
export async function runCollectorService(config: Config, log: Logger, pollIntervalMs: number): Promise<void> {
  const bus = new KafkaBus(kafkaOf(config, 'collector'), log.child({ component: 'kafka' }));
  if (config.callerKey === null) {
    throw new ConfigError('no pseudonymisation key: set CDRFLOW_CALLER_KEY (at least 16 characters)');
  }
  if (config.sources.length === 0)
    throw new ConfigError('no sources are configured: add `sources:` to the config file');
  const topics = topicNames(config.bus.topicNamespace);
  const metrics = new CollectorMetrics(() => bus.endOffsets(topics.calls));
  const server = await serveMetrics(config, log, metrics);
  try {
    await bus.ensureTopics(topicSpecs(config.bus.partitions, topics));
    metrics.connected();
    const pseudonymise = callerPseudonymiser(config.callerKey);
    const producer = bus.producer();
    // One state object for the inbox ledger and every follower: they share one file, written atomically.
    const state = new CollectorState(join(config.dataDir, 'collector-state.json'));
    const options = { ...config.collector, topics };
    const collector = new Collector(
      producer,
      new Map(config.sources.map((s) => [s.name, sourceReader(s, pseudonymise)])),
      state,
      options,
      log,
      undefined,
      metrics,
    );
    const watcher = new InboxWatcher(collector, watchedInboxes(config), pollIntervalMs, log);
    // A followed source gets its own session (saved with its position in the live file), apart from its inbox's.
    const followers = config.sources.flatMap((s) =>
      s.format === 'queue_log' && s.follow !== undefined
        ? [new QueueLogFollower(producer, sourceReader(s, pseudonymise), state, s.follow, options, log, metrics)]
        : [],
    );
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

/**
 * `cdrflow aggregator`: one member of the consumer group; any number may run.
 * Each batch is written to ClickHouse with its offsets before the next is
 * fetched, so a rebalance never finds records held for a partition.
 */
export async function runAggregatorService(config: Config, log: Logger): Promise<void> {
  const bus = new KafkaBus(kafkaOf(config, 'aggregator'), log.child({ component: 'kafka' }));
  const store = await openStore(config);
  injectFault(store);
  const metrics = new AggregatorMetrics({
    maxQueueLabels: config.metrics.maxQueueLabels,
    serviceLevelSeconds: config.kpi.serviceLevelSeconds,
  });
  let server: MetricsServer | undefined;
  try {
    server = await serveMetrics(config, log, metrics);
    await bus.ensureTopics(topicSpecs(config.bus.partitions, topicNames(config.bus.topicNamespace)));
    const aggregator = new Aggregator(
      store,
      bus.consumer({
        groupId: config.aggregator.groupId,
        topics: consumedTopics(topicNames(config.bus.topicNamespace)),
      }),
      { ...config.aggregator, flushEveryBatch: true },
      log,
      metrics,
    );
    metrics.attach({
      stats: aggregator.stats,
      lag: () => partitionLag(bus, aggregator),
      pingStore: () => store.ping(),
    });
    const stopping = shutdownSignal(log);
    await aggregator.start();
    metrics.consumingStarted();
    log.info(
      { group: config.aggregator.groupId, store: config.clickhouse.url ?? 'embedded chDB' },
      'aggregator running',
    );
    await stopping;
    await aggregator.stop();
  } finally {
    await bus.close();
    await store.close();
    await server?.close();
  }
}

/** Lag of each partition the aggregator owns: the broker's end offset minus what is written to ClickHouse. */
async function partitionLag(bus: Bus, aggregator: Aggregator): Promise<PartitionLag[]> {
  const owned = aggregator.positions();
  const ends = new Map<string, ReadonlyMap<number, number>>();
  for (const topic of new Set(owned.map((p) => p.topic))) ends.set(topic, await bus.endOffsets(topic));
  return owned.map(({ topic, partition, writtenUpTo }) => ({
    topic,
    partition,
    messages: Math.max(0, (ends.get(topic)?.get(partition) ?? writtenUpTo) - writtenUpTo),
  }));
}

/**
 * Crash tests need the process to die at one exact point, which no outside
 * signal can hit: `CDRFLOW_FAULT=kill-after-rows` makes the aggregator
 * SIGKILL itself after a flush's rows are written and before its offsets
 * are (test/integration/kafka-pipeline.test.ts). Unset, it does nothing.
 */
function injectFault(store: CdrStore): void {
  if (process.env.CDRFLOW_FAULT !== 'kill-after-rows') return;
  const writeRows = store.writeRows.bind(store);
  store.writeRows = async (parts) => {
    await writeRows(parts);
    process.kill(process.pid, 'SIGKILL');
  };
}
