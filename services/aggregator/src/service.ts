import type { Logger } from 'pino';
import { KafkaBus, topicNames, topicSpecs, type Bus } from '@cdrflow/bus';
import { kafkaOf, storeOptions, type Config } from '@cdrflow/config';
import { ClickHouseStore, type FlushStore } from '@cdrflow/store';
import { serveMetrics, shutdownSignal, type MetricsServer } from '@cdrflow/telemetry';
import type { Aggregator } from './aggregator';
import { AggregatorMetrics, type PartitionLag } from './aggregator-metrics';
import { composeAggregator } from './compose';

export interface AggregatorServiceOptions {
  config: Config;
  log: Logger;
}

/**
 * One member of the aggregators' consumer group; any number may run. Each
 * batch is written to ClickHouse with its offsets before the next is
 * fetched, so a rebalance never finds records held for a partition.
 */
export async function runAggregatorService(options: AggregatorServiceOptions): Promise<void> {
  const { config, log } = options;
  const bus = new KafkaBus({ config: kafkaOf(config, 'aggregator'), log: log.child({ component: 'kafka' }) });
  const store = await ClickHouseStore.open(storeOptions(config));
  injectFault(store);
  const metrics = new AggregatorMetrics({
    maxQueueLabels: config.metrics.maxQueueLabels,
    serviceLevelSeconds: config.kpi.serviceLevelSeconds,
  });
  let server: MetricsServer | undefined;
  try {
    server = await serveMetrics(config.metrics, log, metrics);
    await bus.ensureTopics(topicSpecs(config.bus.partitions, topicNames(config.bus.topicNamespace)));
    const aggregator = composeAggregator({ config, bus, store, log, flushEveryBatch: true, listener: metrics });
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
function injectFault(store: FlushStore): void {
  if (process.env.CDRFLOW_FAULT !== 'kill-after-rows') return;
  const writeRows = store.writeRows.bind(store);
  store.writeRows = async (parts) => {
    await writeRows(parts);
    process.kill(process.pid, 'SIGKILL');
  };
}
