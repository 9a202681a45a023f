/**
 * The aggregator's hot path on one core, as a ratio against a baseline
 * measured in the same run: dedupe (newest version per id within a flush
 * window, PendingPartition) and accumulate (per-interval deltas,
 * IntervalDeltas) over records already decoded in memory, against a bare
 * loop summing the same fields of the same records. Also the heap each
 * distinct id costs while held for dedupe. Run: `npm run bench:hot-path`
 * (node --expose-gc, so the heap figure is measured after a collection).
 * Results: BENCHMARKS.md.
 */
import { performance } from 'node:perf_hooks';
import type { CallRecord } from '@cdrflow/schema';
import { foldWindow, PendingPartition, type StoredVersions } from '@cdrflow/aggregator';
import { call } from '../support/records';

const RECORDS = 1_000_000;
/** One record in ten is a second version of an earlier id (re-exports, overlaps). */
const REPEAT_EVERY = 10;
const RUNS = 5;
/** The aggregator's default `flushMaxRecords`: a window never holds more. */
const FLUSH_MAX_RECORDS = 50_000;
const QUEUES = ['housing', 'council-tax', 'benefits', 'waste', 'switchboard'];
const OUTCOMES: CallRecord['outcome'][] = ['answered', 'answered', 'answered', 'abandoned', 'timeout'];

function records(): CallRecord[] {
  const out: CallRecord[] = [];
  const start = Date.UTC(2020, 3, 1, 8);
  for (let n = 0; n < RECORDS; n++) {
    const repeat = n % REPEAT_EVERY === REPEAT_EVERY - 1;
    const idNumber = repeat ? n - 5 : n;
    const outcome = OUTCOMES[n % OUTCOMES.length]!;
    const arrivedAt = start + idNumber * 2_000; // a call every 2 s: 450 per 15-minute interval
    const waitMs = (idNumber % 600) * 1_000;
    out.push(
      call({
        id: `pbx:c${idNumber}`,
        version: repeat ? 2 : 1,
        queue: QUEUES[idNumber % QUEUES.length]!,
        service: '',
        arrivedAt,
        waitMs,
        outcome,
        talkMs: outcome === 'answered' ? 60_000 : 0,
        endedAt: arrivedAt + waitMs + 60_000,
        file: 'bench',
        line: n + 1,
      }),
    );
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(run: () => number): { ms: number; spreadMs: number; check: number } {
  let check = run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    check = run();
    times.push(performance.now() - start);
  }
  return { ms: median(times), spreadMs: Math.max(...times) - Math.min(...times), check };
}

const input = records();

/** What every case must agree on: answered calls, once each (the bare loop counts repeats too, so it checks nothing). */
const bare = measure(() => {
  let answered = 0;
  let abandoned = 0;
  let waitMs = 0;
  let talkMs = 0;
  for (const r of input) {
    if (r.outcome === 'answered') {
      answered += 1;
      waitMs += r.waitMs;
    } else if (r.outcome === 'abandoned') abandoned += 1;
    talkMs += r.talkMs;
  }
  return answered + abandoned + (waitMs + talkMs > 0 ? 0 : 1);
});

/**
 * The least any dedupe can do: one hash-map insert per distinct id, nothing
 * else. It shows what share of the gap to the bare loop is the map itself.
 */
const mapFloor = measure(() => {
  let map = new Map<string, CallRecord>();
  for (let i = 0; i < input.length; i++) {
    const r = input[i]!;
    map.set(r.id, r);
    if ((i + 1) % FLUSH_MAX_RECORDS === 0) map = new Map();
  }
  return map.size;
});

/** ClickHouse held none of these ids before the run (the lookup happens before the fold, as in a flush). */
const nothingStored: StoredVersions = { calls: new Map(), surveys: new Map(), agentTimes: new Map() };

/** What the aggregator does per flush window of `flushMaxRecords` (its default) records. */
const hot = measure(() => {
  let answered = 0;
  let window = new PendingPartition('cdrflow.calls.v1', 0, 0);
  for (let i = 0; i < input.length; i++) {
    window.addCall(input[i]!);
    if ((i + 1) % FLUSH_MAX_RECORDS === 0 || i === input.length - 1) {
      for (const d of foldWindow(window.drain(), nothingStored).intervalDeltas) answered += d.acc.answered;
      window = new PendingPartition('cdrflow.calls.v1', 0, 0);
    }
  }
  return answered;
});

// Heap per id held for dedupe: one window holding every distinct id of the input.
const gc = (globalThis as { gc?: () => void }).gc;
let bytesPerId: number | null = null;
if (gc !== undefined) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const window = new PendingPartition('cdrflow.calls.v1', 0, 0);
  for (const r of input) window.addCall(r);
  gc();
  const after = process.memoryUsage().heapUsed;
  bytesPerId = (after - before) / window.calls.size;
}

const rate = (ms: number) => Math.round(RECORDS / (ms / 1000));
console.log(`aggregator hot path, ${RECORDS.toLocaleString('en-GB')} records in memory, median of ${RUNS} runs`);
console.log('| case | median ms | spread ms | records/s | baseline time ÷ case time |');
console.log('|---|---|---|---|---|');
console.log(
  `| baseline: bare loop summing the same fields | ${bare.ms.toFixed(1)} | ${bare.spreadMs.toFixed(1)} | ${rate(bare.ms)} | 1.00 |`,
);
console.log(
  `| dedupe + accumulate (PendingPartition, IntervalDeltas) | ${hot.ms.toFixed(1)} | ${hot.spreadMs.toFixed(1)} | ${rate(hot.ms)} | ${(bare.ms / hot.ms).toFixed(3)} |`,
);
console.log(
  `| floor: one Map.set per record, windows of ${FLUSH_MAX_RECORDS.toLocaleString('en-GB')} | ${mapFloor.ms.toFixed(1)} | ${mapFloor.spreadMs.toFixed(1)} | ${rate(mapFloor.ms)} | ${(bare.ms / mapFloor.ms).toFixed(3)} |`,
);
console.log(`answered calls counted once each: ${hot.check.toLocaleString('en-GB')}`);
console.log(
  bytesPerId === null
    ? 'heap per held id: run with node --expose-gc to measure'
    : `heap per id held for dedupe (whole record kept until the flush): ${Math.round(bytesPerId)} bytes`,
);
