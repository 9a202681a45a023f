import type { KafkaBusConfig } from '@cdrflow/bus';
import type { Config } from './config';
import { ConfigError } from './config-error';

/** The Kafka settings a service needs, or a ConfigError saying how to give them. */
export function kafkaOf(config: Config, service: string): KafkaBusConfig {
  if (config.kafka === undefined) {
    throw new ConfigError(
      `the ${service} service needs Kafka: set KAFKA_BROKERS (host:port,…) or kafka.brokers in the config. ` +
        'For one process without Kafka, use `cdrflow run --watch`.',
    );
  }
  return config.kafka;
}
