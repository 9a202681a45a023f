import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { createClient } from '@clickhouse/client';
import { startChdbHttpProcess } from '../support/chdb-http';
import { answeredCalls, archived, deployment, drop, report } from '../support/deployment';
import { kafkaBrokers } from '../support/kafka';
import {
  consumerLag,
  publishedCount,
  publishedRecords,
  startCdrflow,
  waitUntil,
  type RunningProcess,
  killLeftoverServices,
} from '../support/services';
import { tempDir } from '../support/temp-dir';

/**
 * Two `cdrflow aggregator` processes in one consumer group on a real broker,
 * sharing one ClickHouse engine: chDB behind the HTTP shim
 * (infra/local/chdb-http.ts) in its own process, reached via CLICKHOUSE_URL
 * exactly as a ClickHouse server would be.
 */
const CALLS = 60_000;

async function groupMembers(brokers: string[], groupId: string): Promise<number> {
  const admin = new Kafka({ brokers, clientId: 'group-probe', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    return group === undefined || group.state !== 'Stable' ? 0 : group.members.length;
  } finally {
    await admin.disconnect();
  }
}

describe('two aggregators in one consumer group over one ClickHouse', () => {
  afterEach(killLeftoverServices);
  // 300 s: the survivor's catch-up wait allows 180 s on a loaded machine and must be able to report what it saw.
  it('kill -9 of one aggregator mid-stream: the other takes over its partitions and every call counts exactly once', async () => {
    const brokers = kafkaBrokers();
    const tmp = tempDir('kafka-two-aggregators-engine');
    const shim = await startChdbHttpProcess(join(tmp, 'chdb'));
    const d = deployment('kafka-two-aggregators', brokers, {
      // small flushes so progress shows in steps; a dead member is dropped after 10 s, not 30
      configLines: [
        'aggregator: { groupId: $GROUP, flushMaxRecords: 2000, flushIntervalMs: 1000 }',
        // and fetches of 1 MiB (~3,300 calls), not the default 8 MiB: with envelopes the default
        // takes a partition's whole share of the calls in one batch, and "mid-stream" never comes
        'kafka: { sessionTimeoutMs: 10000, heartbeatIntervalMs: 1000, maxBytesPerPartition: 1048576 }',
      ],
      env: { CLICKHOUSE_URL: shim.url },
    });
    const { group, topics, env } = d;
    const running: RunningProcess[] = [];
    const start = (args: string[]) => {
      const p = startCdrflow(args, env);
      running.push(p);
      return p;
    };
    const context = () => [...running.map((p) => p.output()), shim.output()].join('\n---\n');
    try {
      const doomed = start(['aggregator']);
      const survivor = start(['aggregator']);
      await waitUntil(async () => (await groupMembers(brokers, group)) === 2, 'both aggregators in the group', {
        context,
      });

      const file = join(d.dir, 'calls');
      answeredCalls(file, 'c', CALLS);
      const collector = start(['collector', '--poll-interval', '1']);
      drop(d, file, 'queue_log-big');

      // mid-stream: the aggregators have flushed some calls, and more are still on their way
      let handled = 0;
      await waitUntil(
        async () => {
          // Messages, each an envelope of up to ~330 calls (1,000 per send over 3 partitions).
          handled = (await publishedCount(brokers, topics[0]!)) - (await consumerLag(brokers, group, topics));
          return handled >= 6;
        },
        'some calls aggregated',
        { context },
      );
      doomed.child.kill('SIGKILL');
      await doomed.exited;
      expect(doomed.child.signalCode).toBe('SIGKILL');
      const lagAtKill = await consumerLag(brokers, group, topics);
      expect(lagAtKill, `work left when the aggregator died (${handled} messages handled)`).toBeGreaterThan(0);

      await waitUntil(() => archived(d).length === 1, 'the file archived', { context });
      await waitUntil(async () => (await groupMembers(brokers, group)) === 1, 'the group down to the survivor', {
        context,
      });
      await waitUntil(async () => (await consumerLag(brokers, group, topics)) === 0, 'the survivor to catch up', {
        timeoutMs: 180_000,
        context,
      });
      // One record per call, and one earlier state (queued or answered) for a call a 1 MiB chunk boundary cuts.
      const published = await publishedRecords(brokers, topics[0]!);
      expect(published).toBeGreaterThanOrEqual(CALLS);
      expect(published).toBeLessThanOrEqual(CALLS + Math.ceil(statSync(file).size / 2 ** 20));
      for (const p of [collector, survivor]) p.child.kill('SIGTERM');
      for (const p of [collector, survivor]) expect(await p.exited, p.output()).toBe(0);

      expect(report(d).total).toMatchObject({
        contacts: CALLS,
        answered: CALLS,
        avgWaitNumeratorMs: CALLS * 10_000,
      });
      // the shared engine directly: one committed offset per partition, each call's row once
      const client = createClient({ url: shim.url });
      try {
        const rs = await client.query({
          query: `SELECT (SELECT count() FROM calls FINAL) AS latest, (SELECT uniqExact(id) FROM calls) AS ids,
                         (SELECT count() FROM committed_offsets
                          WHERE consumer_group = {group:String} AND topic = {topic:String}) AS partitions`,
          query_params: { group, topic: topics[0]! },
          format: 'JSONEachRow',
        });
        expect(await rs.json()).toEqual([{ latest: CALLS, ids: CALLS, partitions: 3 }]);
      } finally {
        await client.close();
      }
    } finally {
      for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await Promise.all(running.map((p) => p.exited));
      expect(await shim.stop(), shim.output()).toBe(0);
    }
  }, 300_000);
});
