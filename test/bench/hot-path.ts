/**
 * The aggregator's hot path on one core, as ratios against a baseline
 * measured in the same run.
 *
 * - dedupe + accumulate: the newest version per id inside a flush window
 *   (PendingPartition, windows of the default flushMaxRecords) and the
 *   per-interval deltas (foldWindow), over records already decoded in memory,
 *   against a bare loop summing the same fields of the same records; and one
 *   Map.set per record, the least any dedupe by id can cost;
 * - decoding: what the aggregator does to each message before that, today's
 *   envelope (decodeMessage, hand-written call check) against the message
 *   per record with zod it replaced, both against JSON.parse of the same
 *   bytes.
 *
 * Run: node --expose-gc --import tsx test/bench/hot-path.ts [--records N]
 */
import { foldWindow, PendingPartition, type StoredVersions } from '@cdrflow/aggregator';
import { decodeMessage, encodeRecord, EnvelopeWriter, parseCallRecordWithZod, type CallRecord } from '@cdrflow/schema';
import { call } from '../support/records';
import { measureRuns, ratio, type Timing } from './measure';

/** One record in ten is a second version of an earlier id (re-exports, overlaps). */
const REPEAT_EVERY = 10;
/** The aggregator's default `flushMaxRecords`: a window never holds more. */
const FLUSH_MAX_RECORDS = 50_000;
/** Records per envelope as the collector cuts them (~256 Ki characters). */
const ENVELOPE_RECORDS = 1_000;
const QUEUES = ['housing', 'council-tax', 'benefits', 'waste', 'switchboard'];
const OUTCOMES: CallRecord['outcome'][] = ['answered', 'answered', 'answered', 'abandoned', 'timeout'];

export interface HotPathCase {
  name: string;
  timing: Timing;
  recordsPerSecond: number;
  /** Baseline median ÷ this case's median. */
  ratio: number;
}

export interface HotPathResult {
  records: number;
  runs: number;
  fold: HotPathCase[];
  decode: HotPathCase[];
  /** Answered calls counted once each by the fold (every run must agree). */
  answered: number;
}

function records(count: number): CallRecord[] {
  const out: CallRecord[] = [];
  const start = Date.UTC(2020, 3, 1, 8);
  for (let n = 0; n < count; n++) {
    const repeat = n % REPEAT_EVERY === REPEAT_EVERY - 1;
    const idNumber = repeat ? n - 5 : n;
    const outcome = OUTCOMES[n % OUTCOMES.length]!;
    const arrivedAt = start + idNumber * 2_000; // a call every 2 s: 450 per 15-minute interval
    const waitMs = (idNumber % 600) * 1_000;
    out.push(
      call({
        id: `pbx:${Math.floor(arrivedAt / 1000)}.${idNumber}`,
        version: repeat ? 2 : 1,
        queue: QUEUES[idNumber % QUEUES.length]!,
        service: '',
        arrivedAt,
        waitMs,
        outcome,
        talkMs: outcome === 'answered' ? 60_000 : 0,
        endedAt: arrivedAt + waitMs + 60_000,
        callerKey: `k${(idNumber % 100_000).toString(16).padStart(31, '0')}`,
        file: 'queue_log',
        line: n + 1,
      }),
    );
  }
  return out;
}

/** ClickHouse held none of these ids before the run (its lookup happens before the fold, as in a flush). */
const nothingStored: StoredVersions = { calls: new Map(), surveys: new Map(), agentTimes: new Map() };

export function runHotPathBench(options: { records?: number; runs?: number } = {}): HotPathResult {
  const count = options.records ?? 1_000_000;
  const runs = options.runs ?? 7;
  const input = records(count);
  const caseOf = (name: string, timing: Timing, baseline: Timing): HotPathCase => ({
    name,
    timing,
    recordsPerSecond: count / (timing.medianMs / 1000),
    ratio: ratio(baseline, timing),
  });

  const bare = measureRuns(runs, () => {
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

  // The least any dedupe by id can do: one hash-map insert per record.
  const mapFloor = measureRuns(runs, () => {
    let map = new Map<string, CallRecord>();
    for (let i = 0; i < input.length; i++) {
      const r = input[i]!;
      map.set(r.id, r);
      if ((i + 1) % FLUSH_MAX_RECORDS === 0) map = new Map();
    }
    return map.size;
  });

  const answeredCounts = new Set<number>();
  const fold = measureRuns(runs, () => {
    let answered = 0;
    let window = new PendingPartition('cdrflow.calls.v1', 0, 0);
    for (let i = 0; i < input.length; i++) {
      window.addCall(input[i]!);
      if ((i + 1) % FLUSH_MAX_RECORDS === 0 || i === input.length - 1) {
        for (const d of foldWindow(window.drain(), nothingStored).intervalDeltas) answered += d.acc.answered;
        window = new PendingPartition('cdrflow.calls.v1', 0, 0);
      }
    }
    answeredCounts.add(answered);
    return answered;
  });
  if (answeredCounts.size !== 1) throw new Error(`fold runs disagree: ${[...answeredCounts].join(', ')}`);

  // Decoding: the same records as one message each (before) and as envelopes (now).
  const perRecord = input.map((r) => encodeRecord(r));
  const envelopes: string[] = [];
  for (let i = 0; i < input.length; i += ENVELOPE_RECORDS) {
    const writer = new EnvelopeWriter('call.v1');
    for (const r of input.slice(i, i + ENVELOPE_RECORDS)) writer.add(r);
    envelopes.push(writer.take());
  }
  const jsonFloor = measureRuns(runs, () => {
    let n = 0;
    for (const e of envelopes) n += (JSON.parse(e) as { rows: unknown[] }).rows.length;
    return n;
  });
  const zodPerRecord = measureRuns(runs, () => {
    let n = 0;
    for (const m of perRecord) if (parseCallRecordWithZod(JSON.parse(m)).schema === 'call.v1') n += 1;
    return n;
  });
  const envelopeDecode = measureRuns(runs, () => {
    let n = 0;
    for (const e of envelopes) {
      const decoded = decodeMessage(e);
      if (decoded.invalid.length > 0) throw new Error(decoded.invalid[0]!.error.message);
      n += decoded.records.length;
    }
    return n;
  });
  for (const t of [zodPerRecord, envelopeDecode, jsonFloor])
    if (t.check !== count) throw new Error(`decoded ${t.check} of ${count} records`);

  return {
    records: count,
    runs,
    answered: [...answeredCounts][0]!,
    fold: [
      caseOf('baseline: bare loop summing the same fields', bare, bare),
      caseOf('dedupe + accumulate (PendingPartition, foldWindow)', fold, bare),
      caseOf(`floor of any dedupe: one Map.set per record`, mapFloor, bare),
    ],
    decode: [
      caseOf('baseline: JSON.parse of the envelopes', jsonFloor, jsonFloor),
      caseOf('envelope → validated CallRecords (decodeMessage)', envelopeDecode, jsonFloor),
      caseOf('before: a message per record, JSON + zod', zodPerRecord, jsonFloor),
    ],
  };
}

export function hotPathMarkdown(r: HotPathResult): string {
  const table = (cases: readonly HotPathCase[]) => [
    '| case | median ms | spread ms (min–max) | records/s | baseline time ÷ case time |',
    '|---|---|---|---|---|',
    ...cases.map(
      (c) =>
        `| ${c.name} | ${c.timing.medianMs.toFixed(1)} | ${c.timing.minMs.toFixed(1)}–${c.timing.maxMs.toFixed(1)} | ${Math.round(c.recordsPerSecond).toLocaleString('en-GB')} | ${c.ratio.toFixed(3)} |`,
    ),
  ];
  return [
    `${r.records.toLocaleString('en-GB')} call records in memory, one in ${REPEAT_EVERY} a second version of an earlier id; windows of ${FLUSH_MAX_RECORDS.toLocaleString('en-GB')} (the default \`flushMaxRecords\`); median of ${r.runs} runs after a warm-up; ${r.answered.toLocaleString('en-GB')} answered calls counted once each by every run.`,
    '',
    ...table(r.fold),
    '',
    `Decoding the same records, envelopes of ${ENVELOPE_RECORDS.toLocaleString('en-GB')}:`,
    '',
    ...table(r.decode),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--records');
  console.log(hotPathMarkdown(runHotPathBench(at > 0 ? { records: Number(process.argv[at + 1]) } : {})));
}
