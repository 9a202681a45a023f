import { join } from 'node:path';
import { pino } from 'pino';
import { Aggregator } from '@cdrflow/aggregator';
import { EmbeddedBus, consumedTopics, topicSpecs } from '@cdrflow/bus';
import { ClickHouseStore } from '@cdrflow/store';

/** A real chDB, embedded bus and aggregator under `root`, for tests that drive collectors by hand. */
export interface AggregatedStore {
  store: ClickHouseStore;
  bus: EmbeddedBus;
  aggregator: Aggregator;
  close(): Promise<void>;
}

export async function openAggregatedStore(root: string): Promise<AggregatedStore> {
  const store = await ClickHouseStore.open({ target: { kind: 'embedded', path: join(root, 'chdb') } });
  const bus = new EmbeddedBus({ dir: join(root, 'bus') });
  await bus.ensureTopics(topicSpecs(3));
  const aggregator = new Aggregator({
    store,
    consumer: bus.consumer({ groupId: 'g', topics: consumedTopics() }),
    settings: { groupId: 'g', flushMaxRecords: 10_000, flushIntervalMs: 60_000 },
    log: pino({ level: 'silent' }),
  });
  await aggregator.start();
  return {
    store,
    bus,
    aggregator,
    close: async () => {
      await aggregator.stop();
      await bus.close();
      await store.close();
    },
  };
}
