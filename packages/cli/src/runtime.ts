import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { Aggregator } from '@cdrflow/aggregator';
import { EmbeddedBus, consumedTopics, topicNames, topicSpecs } from '@cdrflow/bus';
import { Collector, CollectorState, callerPseudonymiser, type ProgressListener } from '@cdrflow/collector';
import { CdrStore, MIGRATIONS_DIR, type StoreTarget } from '@cdrflow/store';
import type { Config } from './config';
import { ConfigError } from './config-error';
import { sourceReader } from './source-readers';

export function storeTarget(config: Config): StoreTarget {
  const ch = config.clickhouse;
  if (ch.url === undefined) return { kind: 'embedded', path: join(config.dataDir, 'chdb') };
  return {
    kind: 'server',
    url: ch.url,
    database: ch.database,
    ...(ch.username === undefined ? {} : { username: ch.username }),
    ...(ch.password === undefined ? {} : { password: ch.password }),
  };
}

/** Opens and migrates the store; the analyst KPI views are (re)written for this site's calendar and KPI settings. */
export function openStore(config: Config): Promise<CdrStore> {
  return CdrStore.open(storeTarget(config), MIGRATIONS_DIR, { calendar: config.reporting, settings: config.kpi });
}

export function createLogger(level: string): Logger {
  // Logs go to stderr so that stdout carries only the report.
  return pino({ level, base: null }, pino.destination(2));
}

/**
 * The embedded pipeline in one process: collector → EmbeddedBus → aggregator
 * → ClickHouse (chDB unless CLICKHOUSE_URL names a server). The same classes
 * run as separate processes over Kafka in production.
 */
export class EmbeddedPipeline {
  private constructor(
    readonly store: CdrStore,
    readonly bus: EmbeddedBus,
    readonly collector: Collector,
    readonly aggregator: Aggregator,
  ) {}

  static async open(config: Config, log: Logger, onProgress?: ProgressListener): Promise<EmbeddedPipeline> {
    const store = await openStore(config);
    const bus = new EmbeddedBus(join(config.dataDir, 'bus'));
    await bus.ensureTopics(topicSpecs(config.bus.partitions, topicNames(config.bus.topicNamespace)));
    if (config.callerKey === null) {
      throw new ConfigError(
        'no pseudonymisation key: set CDRFLOW_CALLER_KEY (at least 16 characters) so caller numbers are replaced by keyed pseudonyms before they leave the collector',
      );
    }
    const pseudonymise = callerPseudonymiser(config.callerKey);
    const readers = new Map(config.sources.map((s) => [s.name, sourceReader(s, pseudonymise)]));
    const collector = new Collector(
      bus.producer(),
      readers,
      new CollectorState(join(config.dataDir, 'collector-state.json')),
      { ...config.collector, topics: topicNames(config.bus.topicNamespace) },
      log.child({ service: 'collector' }),
      onProgress,
    );
    const aggregator = new Aggregator(
      store,
      bus.consumer({
        groupId: config.aggregator.groupId,
        topics: consumedTopics(topicNames(config.bus.topicNamespace)),
      }),
      config.aggregator,
      log.child({ service: 'aggregator' }),
    );
    await aggregator.start();
    return new EmbeddedPipeline(store, bus, collector, aggregator);
  }

  async close(): Promise<void> {
    await this.aggregator.stop();
    await this.bus.close();
    await this.store.close();
  }
}
