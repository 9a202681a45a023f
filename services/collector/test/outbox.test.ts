import { describe, expect, it } from 'vitest';
import { partitionFor, topicNames, type BusProducer, type OutgoingMessage } from '@cdrflow/bus';
import { MAX_ENVELOPE_CHARS, Outbox } from '../src/outbox';
import { decodeMessage, makeReject, type BusRecord } from '@cdrflow/schema';
import { call } from '../../../test/support/records';

const TOPICS = topicNames('test');
const PARTITIONS = 6;

/** Keeps what it was sent; partitions as the real buses do (murmur2 of the key). */
class MemoryProducer implements BusProducer {
  readonly sent: Array<{ topic: string; message: OutgoingMessage }> = [];
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    for (const message of messages) this.sent.push({ topic, message });
    return Promise.resolve();
  }
  partitionOf(topic: string, key: string): number {
    return partitionFor(key, topic === TOPICS.rejects ? 1 : PARTITIONS);
  }
}

describe('Outbox envelopes', () => {
  it('put each record in an envelope keyed to its own partition, cut under the size limit, none lost or repeated', async () => {
    const producer = new MemoryProducer();
    const outbox = new Outbox(producer, 100_000, TOPICS);
    // Long queue names so the calls fill several envelopes per partition.
    const calls = Array.from({ length: 12_000 }, (_, i) =>
      call({ id: `pbx:${i}`, queue: `queue-${'q'.repeat(200)}-${i % 7}` }),
    );
    const rejects = [makeReject({ source: 'pbx', file: 'queue_log', line: 3 }, 'bad_field_count', 'x', 'raw')];
    await outbox.add({ calls, surveys: [], agentTimes: [], rejects });
    await outbox.flush();

    const seen: BusRecord[] = [];
    for (const { topic, message } of producer.sent) {
      expect(message.value.length).toBeLessThan(MAX_ENVELOPE_CHARS + 2_000);
      const { records, invalid } = decodeMessage(message.value);
      expect(invalid).toEqual([]);
      const partition = producer.partitionOf(topic, message.key);
      for (const r of records) {
        const key = r.schema === 'reject.v1' ? `${r.source}:${r.file}` : r.id;
        expect(producer.partitionOf(topic, key)).toBe(partition);
      }
      seen.push(...records);
    }
    const callMessages = producer.sent.filter((s) => s.topic === TOPICS.calls);
    expect(callMessages.length).toBeGreaterThan(PARTITIONS); // some partitions needed more than one envelope
    expect(
      seen
        .filter((r) => r.schema === 'call.v1')
        .map((r) => (r as { id: string }).id)
        .sort(),
    ).toEqual(calls.map((c) => c.id).sort());
    expect(seen.filter((r) => r.schema === 'reject.v1')).toEqual(rejects);
    expect(outbox.published()).toMatchObject({ calls: 12_000, surveys: 0, agentTimes: 0 });
  });

  it('sends once the held records reach the batch size, and nothing twice', async () => {
    const producer = new MemoryProducer();
    const outbox = new Outbox(producer, 10, TOPICS);
    await outbox.add({
      calls: Array.from({ length: 9 }, (_, i) => call({ id: `pbx:${i}` })),
      surveys: [],
      agentTimes: [],
      rejects: [],
    });
    expect(producer.sent).toEqual([]);
    await outbox.add({ calls: [call({ id: 'pbx:9' })], surveys: [], agentTimes: [], rejects: [] });
    const sentRecords = () => producer.sent.flatMap((s) => decodeMessage(s.message.value).records).length;
    expect(sentRecords()).toBe(10);
    await outbox.flush();
    expect(sentRecords()).toBe(10);
  });
});
