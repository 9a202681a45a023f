import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Kafka, Partitioners, logLevel, type KafkaConfig } from 'kafkajs';

/** The run's Kafka bootstrap brokers (started by test/support/global-setup.ts, or KAFKA_BROKERS). */
export function kafkaBrokers(): string[] {
  const brokers = inject('kafkaBrokers');
  if (!Array.isArray(brokers) || brokers.length === 0) {
    throw new Error('no Kafka brokers provided: is test/support/global-setup.ts the globalSetup of this project?');
  }
  return brokers;
}

/**
 * A prefix no other test shares, e.g. `t-3f9a1c02`: name every topic and
 * group a test creates `${prefix}.something`, so tests never see each
 * other's data on the shared broker (auto topic creation is off).
 */
export function uniqueTopicPrefix(): string {
  return `t-${randomBytes(4).toString('hex')}`;
}

/** A kafkajs client on the run's broker (or `brokers`), logging warnings and errors only. */
export function testKafka(clientId = 'cdrflow-test', overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.WARN, ...overrides });
}

/** kafkajs's Java-compatible partitioner (murmur2), without the v2 default-partitioner warning. */
export const javaCompatiblePartitioner = Partitioners.DefaultPartitioner;
