import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedBus, partitionFor, type MessageBatch } from '@cdrflow/bus';

const topic = 'test.calls';

function collect(bus: EmbeddedBus, starts = new Map<string, number>()) {
  const seen: MessageBatch[] = [];
  const consumer = bus.consumer({ groupId: 'g', topics: [topic] });
  const started = consumer.start({
    onAssign: () => Promise.resolve(starts),
    onBatch: (batch) => {
      seen.push(batch);
      return Promise.resolve();
    },
  });
  return { seen, consumer, started };
}

describe('EmbeddedBus', () => {
  it('delivers every message once, in partition order, keyed like Kafka', async () => {
    const bus = new EmbeddedBus({ dir: mkdtempSync(join(tmpdir(), 'bus-')), maxBatchMessages: 2 });
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 4}`, value: `v${i}` }));
    await bus.producer().send(topic, messages);
    const { seen, consumer, started } = collect(bus);
    await started;
    await consumer.caughtUp();
    const values = seen.flatMap((b) => b.messages.map((m) => m.value));
    expect(values.sort()).toEqual(messages.map((m) => m.value).sort());
    for (const batch of seen) {
      expect(batch.messages.length).toBeLessThanOrEqual(2);
      for (const m of batch.messages) expect(partitionFor(m.key, 3)).toBe(batch.partition);
    }
    await consumer.stop();
    await bus.close();
  });

  it('survives a reopen and resumes from the offsets the consumer supplies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bus-'));
    const first = new EmbeddedBus({ dir });
    await first.ensureTopics([{ name: topic, partitions: 1 }]);
    await first.producer().send(topic, [
      { key: 'a', value: '1' },
      { key: 'a', value: '2' },
      { key: 'a', value: '3' },
    ]);
    await first.close();
    // A crash mid-write leaves a torn last line; it was never acknowledged.
    appendFileSync(join(dir, topic, '0.jsonl'), '["a","4');

    const second = new EmbeddedBus({ dir });
    await second.ensureTopics([{ name: topic, partitions: 1 }]);
    // The torn line is cut off, so the next append is whole and takes offset 3.
    await second.producer().send(topic, [{ key: 'a', value: 'after\nrestart' }]);
    const { seen, consumer, started } = collect(second, new Map([[`${topic}/0`, 2]]));
    await started;
    await consumer.caughtUp();
    expect(seen.flatMap((b) => b.messages)).toEqual([
      { offset: 2, key: 'a', value: '3' },
      { offset: 3, key: 'a', value: 'after\nrestart' },
    ]);
    await consumer.stop();
    await second.close();
  });

  it('stops at a failing batch and reports it instead of skipping it', async () => {
    const bus = new EmbeddedBus({ dir: mkdtempSync(join(tmpdir(), 'bus-')) });
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    await bus.producer().send(topic, [{ key: 'a', value: '1' }]);
    const consumer = bus.consumer({ groupId: 'g', topics: [topic] });
    await consumer.start({
      onAssign: () => Promise.resolve(new Map()),
      onBatch: () => Promise.reject(new Error('store down')),
    });
    await expect(consumer.caughtUp()).rejects.toThrow('store down');
    await bus.close();
  });

  it('refuses a partition count that differs from the logs on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bus-'));
    const bus = new EmbeddedBus({ dir });
    await bus.ensureTopics([{ name: topic, partitions: 2 }]);
    await bus.close();
    const again = new EmbeddedBus({ dir });
    await expect(again.ensureTopics([{ name: topic, partitions: 1 }])).rejects.toThrow(/more partition logs/);
  });
});
