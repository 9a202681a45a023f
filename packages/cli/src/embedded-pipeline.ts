import { join } from 'node:path';
import type { Logger } from 'pino';
import { composeAggregator, type Aggregator } from '@cdrflow/aggregator';
import { EmbeddedBus, topicNames, topicSpecs } from '@cdrflow/bus';
import { composeCollector, type Collector, type ProgressListener, type QueueLogFollower } from '@cdrflow/collector';
import { storeOptions, type Config } from '@cdrflow/config';
import { ClickHouseStore } from '@cdrflow/store';

/** Opens and migrates the store; the analyst KPI views are (re)written for this site's calendar and KPI settings. */
export function openStore(config: Config): Promise<ClickHouseStore> {
  return ClickHouseStore.open(storeOptions(config));
}

/**
 * The embedded pipeline in one process: collector → EmbeddedBus → aggregator
 * → ClickHouse (chDB unless CLICKHOUSE_URL names a server). The collector and
 * the aggregator are composed exactly as their Kafka services compose them.
 */
export class EmbeddedPipeline {
  private constructor(
    readonly dataDir: string,
    readonly store: ClickHouseStore,
    readonly bus: EmbeddedBus,
    readonly collector: Collector,
    /** One per source with `follow:`; idle until `run --watch` runs them. */
    readonly followers: readonly QueueLogFollower[],
    readonly aggregator: Aggregator,
  ) {}

  static async open(config: Config, log: Logger, onProgress?: ProgressListener): Promise<EmbeddedPipeline> {
    const store = await openStore(config);
    const bus = new EmbeddedBus({ dir: join(config.dataDir, 'bus') });
    await bus.ensureTopics(topicSpecs(config.bus.partitions, topicNames(config.bus.topicNamespace)));
    const { collector, followers } = composeCollector({
      config,
      producer: bus.producer(),
      log: log.child({ service: 'collector' }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    const aggregator = composeAggregator({ config, bus, store, log: log.child({ service: 'aggregator' }) });
    await aggregator.start();
    return new EmbeddedPipeline(config.dataDir, store, bus, collector, followers, aggregator);
  }

  async close(): Promise<void> {
    await this.aggregator.stop();
    await this.bus.close();
    await this.store.close();
  }
}
