import type { TestProject } from 'vitest/node';
import { startKafka, type LocalKafka } from '../../infra/local/kafka';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap brokers of the run's Kafka (`host:port`), from KAFKA_BROKERS or a broker started here. */
    kafkaBrokers: string[];
  }
}

/**
 * Integration project global setup: one real Kafka broker for the whole run.
 * With KAFKA_BROKERS set (e.g. from `npm run infra:up`), that cluster is used
 * and nothing is started. A broker that cannot start fails the run with its
 * log: there is no silent skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env['KAFKA_BROKERS']?.trim();
  if (fromEnv) {
    const brokers = fromEnv
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean);
    project.provide('kafkaBrokers', brokers);
    process.stderr.write(`[kafka] using KAFKA_BROKERS=${brokers.join(',')}\n`);
    return () => Promise.resolve();
  }

  let kafka: LocalKafka;
  try {
    kafka = await startKafka();
  } catch (error) {
    // The message holds Maven's output or the broker log's last lines.
    throw new Error(`Integration tests need a Kafka broker and none could be started.\n${String(error)}`, {
      cause: error,
    });
  }
  project.provide('kafkaBrokers', kafka.brokers);
  // The broker is a detached JVM: if vitest ends without running teardown
  // (Ctrl-C, a crash), do not leave it behind. A no-op once it has stopped.
  const killOnExit = (): void => kafka.kill();
  process.once('exit', killOnExit);
  return async () => {
    process.off('exit', killOnExit);
    await kafka.stop();
  };
}
