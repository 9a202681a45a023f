import type { Logger } from 'pino';
import { consumedTopics, topicNames, type Bus } from '@cdrflow/bus';
import type { Config } from '@cdrflow/config';
import type { FlushStore } from '@cdrflow/store';
import { Aggregator, type AggregatorListener } from './aggregator';

export interface ComposeAggregatorOptions {
  config: Config;
  bus: Bus;
  store: FlushStore;
  log: Logger;
  /** Kafka: write every batch before taking the next, since kafkajs offers no hook to flush held records on a rebalance. */
  flushEveryBatch?: boolean;
  listener?: AggregatorListener;
}

/** The aggregator for a resolved config, the same in the embedded pipeline and the Kafka service: one member of the config's consumer group. */
export function composeAggregator(options: ComposeAggregatorOptions): Aggregator {
  const { config, bus } = options;
  return new Aggregator({
    store: options.store,
    consumer: bus.consumer({
      groupId: config.aggregator.groupId,
      topics: consumedTopics(topicNames(config.bus.topicNamespace)),
    }),
    settings: options.flushEveryBatch === true ? { ...config.aggregator, flushEveryBatch: true } : config.aggregator,
    log: options.log,
    listener: options.listener,
  });
}
