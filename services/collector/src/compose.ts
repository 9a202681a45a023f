import { join } from 'node:path';
import type { Logger } from 'pino';
import { topicNames, type BusProducer } from '@cdrflow/bus';
import { ConfigError, type Config } from '@cdrflow/config';
import { Collector, type CollectorListener, type ProgressListener } from './collector';
import { CollectorState } from './collector-state';
import { callerPseudonymiser } from './pseudonymise';
import { QueueLogFollower } from './queue-log-follower';
import { sourceReader } from './source-readers';

export interface ComposeCollectorOptions {
  config: Config;
  producer: BusProducer;
  log: Logger;
  onProgress?: ProgressListener;
  listener?: CollectorListener;
}

export interface ComposedCollector {
  collector: Collector;
  /** One follower per source with `follow`: its live queue_log, with a session of its own. */
  followers: QueueLogFollower[];
}

/**
 * The collector for a resolved config, the same in the embedded pipeline and
 * the Kafka service: one reader per source, one state file for the inbox
 * ledger and every follower (written atomically), the bus's topic names.
 */
export function composeCollector(options: ComposeCollectorOptions): ComposedCollector {
  const { config, producer, log, listener } = options;
  if (config.callerKey === null) {
    throw new ConfigError(
      'no pseudonymisation key: set CDRFLOW_CALLER_KEY (at least 16 characters) so caller numbers are replaced by keyed pseudonyms before they leave the collector',
    );
  }
  const pseudonymise = callerPseudonymiser(config.callerKey);
  const state = new CollectorState(join(config.dataDir, 'collector-state.json'));
  const readPublish = { ...config.collector, topics: topicNames(config.bus.topicNamespace) };
  const collector = new Collector({
    ...readPublish,
    producer,
    readers: new Map(config.sources.map((s) => [s.name, sourceReader(s, pseudonymise)])),
    state,
    log,
    onProgress: options.onProgress,
    listener,
  });
  const followers = config.sources.flatMap((s) =>
    s.format === 'queue_log' && s.follow !== undefined
      ? [
          new QueueLogFollower({
            ...readPublish,
            producer,
            reader: sourceReader(s, pseudonymise),
            state,
            follow: s.follow,
            log,
            listener,
          }),
        ]
      : [],
  );
  return { collector, followers };
}
