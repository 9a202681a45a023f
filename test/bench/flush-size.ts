/**
 * What a flush costs ClickHouse per call, by flush size: the aggregator's
 * own store calls (latestCalls lookup, writeRows, commitOffsets) on embedded
 * chDB, for windows of new calls built in memory and folded as the
 * aggregator folds them. On Kafka the aggregator flushes every fetched batch,
 * so `kafka.maxBytesPerPartition` sets this size (docs/decisions.md §15).
 *
 *   node --import tsx test/bench/flush-size.ts [calls per flush …] [--calls N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { foldWindow, PendingPartition } from '@cdrflow/aggregator';
import { ClickHouseStore, type PartitionFlush } from '@cdrflow/store';
import { call } from '../support/records';

const QUEUES = ['housing', 'council-tax', 'benefits'];

/** Microseconds per call in each step, for `total` calls written in flushes of `flushSize`. */
async function flushCosts(flushSize: number, total: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'cdrflow-flush-size-'));
  const store = await ClickHouseStore.open({ target: { kind: 'embedded', path: join(dir, 'db') } });
  const ms = { lookup: 0, fold: 0, rows: 0, offsets: 0 };
  const start = Date.UTC(2020, 3, 1, 8);
  try {
    for (let n = 0, offset = 0; n < total; n += flushSize) {
      const window = new PendingPartition('calls', (n / flushSize) % 6, 0);
      for (let i = n; i < Math.min(n + flushSize, total); i++) {
        const arrivedAt = start + i * 2_000;
        const id = `cdr:${Math.floor(arrivedAt / 1000)}.${i}`;
        window.addCall(call({ id, arrivedAt, callerKey: `k${i % 50_000}`, queue: QUEUES[i % 3]!, line: i }));
      }
      window.nextOffset = offset += 1;
      let t = performance.now();
      const stored = await store.latestCalls([...window.calls.keys()]);
      ms.lookup += performance.now() - t;
      t = performance.now();
      const folded = foldWindow(window, { calls: stored, surveys: new Map(), agentTimes: new Map() });
      const part: PartitionFlush = {
        provenance: { group: 'bench', topic: 'calls', partition: window.partition, nextOffset: offset },
        calls: folded.calls,
        surveys: [],
        agentTimes: [],
        rejects: [],
        intervalDeltas: folded.intervalDeltas,
        surveyDeltas: [],
      };
      ms.fold += performance.now() - t;
      t = performance.now();
      await store.writeRows([part]);
      ms.rows += performance.now() - t;
      t = performance.now();
      await store.commitOffsets([part]);
      ms.offsets += performance.now() - t;
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return Object.fromEntries(Object.entries(ms).map(([step, v]) => [step, (v * 1000) / total]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--calls');
  const total = at >= 0 ? Number(args[at + 1]) : 200_000;
  const sizes = args.filter((a, i) => !a.startsWith('--') && i !== at + 1).map(Number);
  console.log(`| calls per flush | lookup µs/call | fold | writeRows | commitOffsets | total |`);
  console.log('|---|---|---|---|---|---|');
  for (const size of sizes.length > 0 ? sizes : [2_000, 5_000, 25_000]) {
    const c = await flushCosts(size, total);
    const sum = Object.values(c).reduce((a, b) => a + b, 0);
    const f = (v: number | undefined) => (v ?? 0).toFixed(1);
    console.log(
      `| ${size.toLocaleString('en-GB')} | ${f(c['lookup'])} | ${f(c['fold'])} | ${f(c['rows'])} | ${f(c['offsets'])} | ${f(sum)} |`,
    );
  }
}
