/**
 * Stage 3: kafkajs batching and compression, through `KafkaBus` (idempotent
 * producer, acks=all, one request in flight, sends split at 768 KiB, as the
 * collector publishes), on a broker of its own (infra/local/kafka.ts: free
 * ports, temp folder, stopped at the end and on error or Ctrl-C).
 *
 * Each case produces every call to a fresh 6-partition topic, then consumes
 * it back with a KafkaBus consumer that decodes each message into records
 * (JSON.parse, no validation: stage 2 prices that). Messages are built
 * before the clock starts, so produce measures the bus, not the encoder.
 */
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaBus, partitionFor, type OutgoingMessage } from '@cdrflow/bus';
import { encodeRecord, type CallRecord } from '@cdrflow/schema';
import { startKafka, type LocalKafka } from '../../../infra/local/kafka';
import { CALL_FIELDS } from './call-check';
import {
  check,
  machine,
  markdownTable,
  num,
  progress,
  rate,
  ratioSpread,
  speedup,
  spread,
  type StageReport,
} from './common';
import { callRecords } from './data';

const PARTITIONS = 6;
/** Records per `send` call, as a collector publishes a parsed chunk of a file. */
const RECORDS_PER_SEND = 5_000;
const FIELDS = CALL_FIELDS.filter((f) => f !== 'schema');
const FIELDS_JSON = JSON.stringify(FIELDS);

type Layout = 'record' | 'array' | 'rows';
type Compression = 'none' | 'gzip';

interface KafkaCase {
  name: string;
  layout: Layout;
  /** Records per message (1 for one message per record). */
  perMessage: number;
  compression: Compression;
}

interface Built {
  messages: OutgoingMessage[];
  perSend: number;
  valueBytes: number;
  /** The largest message value: what the broker's message.max.bytes (1 MiB) must admit. */
  maxBytes: number;
}

/**
 * Messages in publish order. Envelopes hold records of one partition (by the
 * record id's partition, so every version of a call still lands in one
 * partition), cut at `perMessage`, keyed by their first record's id.
 */
function build(records: readonly CallRecord[], c: KafkaCase): Built {
  const messages: OutgoingMessage[] = [];
  let valueBytes = 0;
  let maxBytes = 0;
  const push = (m: OutgoingMessage) => {
    messages.push(m);
    const size = Buffer.byteLength(m.value);
    valueBytes += size;
    if (size > maxBytes) maxBytes = size;
  };
  if (c.layout === 'record') {
    for (const r of records) push({ key: r.id, value: encodeRecord(r) });
    return { messages, perSend: RECORDS_PER_SEND, valueBytes, maxBytes };
  }
  const open: CallRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  const emit = (part: CallRecord[]) => {
    const key = part[0]!.id;
    if (c.layout === 'array') {
      push({ key, value: `{"schema":"call.v1","records":[${part.map((r) => encodeRecord(r)).join(',')}]}` });
    } else {
      const rows = part.map((r) => {
        const v = r as unknown as Record<string, unknown>;
        return JSON.stringify(FIELDS.map((f) => v[f]));
      });
      push({ key, value: `{"schema":"call.v1","fields":${FIELDS_JSON},"rows":[${rows.join(',')}]}` });
    }
  };
  for (const r of records) {
    const p = partitionFor(r.id, PARTITIONS);
    const part = open[p]!;
    part.push(r);
    if (part.length === c.perMessage) {
      emit(part);
      open[p] = [];
    }
  }
  for (const part of open) if (part.length > 0) emit(part);
  return { messages, perSend: Math.max(1, Math.round(RECORDS_PER_SEND / c.perMessage)), valueBytes, maxBytes };
}

function decodeCount(layout: Layout, value: string): number {
  if (layout === 'record') {
    JSON.parse(value);
    return 1;
  }
  if (layout === 'array') return (JSON.parse(value) as { records: unknown[] }).records.length;
  const { fields, rows } = JSON.parse(value) as { fields: string[]; rows: unknown[][] };
  for (const row of rows) {
    const r: Record<string, unknown> = { schema: 'call.v1' };
    for (let i = 0; i < fields.length; i++) r[fields[i]!] = row[i];
  }
  return rows.length;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 is state; utime and stime are fields 14 and 15 of the full line.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function clientCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function topicBytes(kafka: LocalKafka, topic: string): number {
  const dir = join(kafka.dataDir, 'data');
  let total = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${topic}-`) || !/^\d+$/.test(name.slice(topic.length + 1))) continue;
    for (const file of readdirSync(join(dir, name))) {
      if (file.endsWith('.log')) total += statSync(join(dir, name, file)).size;
    }
  }
  return total;
}

interface Sample {
  produceMs: number;
  consumeMs: number;
  produceCpu: number;
  consumeCpu: number;
  brokerCpu: number;
  diskBytes: number;
}

async function runCase(
  kafka: LocalKafka,
  records: readonly CallRecord[],
  c: KafkaCase,
  built: Built,
  topic: string,
): Promise<Sample> {
  const bus = new KafkaBus({
    config: { brokers: kafka.brokers, clientId: 'cdrflow-bench', compression: c.compression },
  });
  try {
    await bus.ensureTopics([{ name: topic, partitions: PARTITIONS }]);
    const producer = bus.producer();
    await producer.send(topic, [built.messages[0]!]); // connects, gets a producer id; not timed
    const broker0 = processCpuSeconds(kafka.pid);
    const cpu0 = clientCpuSeconds();
    const t0 = performance.now();
    for (let i = 1; i < built.messages.length; i += built.perSend) {
      await producer.send(topic, built.messages.slice(i, i + built.perSend));
    }
    const produceMs = performance.now() - t0;
    const produceCpu = clientCpuSeconds() - cpu0;
    const diskBytes = topicBytes(kafka, topic);

    let received = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    const consumer = bus.consumer({ groupId: `${topic}.g`, topics: [topic] });
    let t1 = 0;
    let cpu1 = 0;
    await consumer.start({
      onAssign: () => {
        cpu1 = clientCpuSeconds();
        t1 = performance.now();
        return Promise.resolve(new Map());
      },
      onBatch: (batch) => {
        for (const m of batch.messages) received += decodeCount(c.layout, m.value);
        if (received >= records.length) done();
        return Promise.resolve();
      },
    });
    await all;
    const consumeMs = performance.now() - t1;
    const consumeCpu = clientCpuSeconds() - cpu1;
    const brokerCpu = processCpuSeconds(kafka.pid) - broker0;
    check(received === records.length, `${c.name}: consumed ${received} of ${records.length}`);
    return { produceMs, consumeMs, produceCpu, consumeCpu, brokerCpu, diskBytes };
  } finally {
    await bus.close();
  }
}

async function deleteTopic(kafka: LocalKafka, topic: string): Promise<void> {
  const admin = new Kafka({
    brokers: kafka.brokers,
    clientId: 'cdrflow-bench-admin',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}

function kib(bytes: number): string {
  return num(bytes / 1024, bytes < 10_240 ? 2 : 0);
}

export async function kafkaStage(options: { calls: number; rounds: number }): Promise<StageReport> {
  const setupLine = machine();
  const cases: KafkaCase[] = [
    { name: 'baseline: one message per record (today)', layout: 'record', perMessage: 1, compression: 'none' },
    { name: 'one message per record', layout: 'record', perMessage: 1, compression: 'gzip' },
  ];
  for (const n of [100, 500, 2000]) {
    for (const compression of ['none', 'gzip'] as const) {
      cases.push({ name: `envelope of ${n}, JSON array of records`, layout: 'array', perMessage: n, compression });
      cases.push({ name: `envelope of ${n}, positional rows`, layout: 'rows', perMessage: n, compression });
    }
  }

  progress(`[kafka] generating ${num(options.calls)} call records`);
  const records = callRecords(options.calls);
  const kafka = await startKafka({ heapMb: 1024, log: (m) => progress(`[kafka] ${m}`) });
  const stopBroker = () => {
    void kafka.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopBroker);
  process.once('SIGTERM', stopBroker);
  const samples = new Map<string, Sample[]>();
  const failures = new Map<string, string>();
  const sizes = new Map<string, { messages: number; valueBytes: number; maxBytes: number }>();
  const keyOf = (c: KafkaCase) => `${c.name}|${c.compression}`;
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < cases.length; k++) {
        const c = cases[(k + round) % cases.length]!;
        const key = keyOf(c);
        if (failures.has(key)) continue;
        const built = build(records, c);
        sizes.set(key, { messages: built.messages.length, valueBytes: built.valueBytes, maxBytes: built.maxBytes });
        const topic = `bench.r${round}.${c.layout}${c.perMessage}.${c.compression}`;
        try {
          const s = await runCase(kafka, records, c, built, topic);
          (samples.get(key) ?? samples.set(key, []).get(key)!).push(s);
          progress(
            `[kafka] round ${round + 1}/${options.rounds} ${c.name}, ${c.compression}: produce ${num(s.produceMs)} ms, consume ${num(s.consumeMs)} ms, ${num(s.diskBytes / 1e6, 1)} MB`,
          );
        } catch (e: unknown) {
          const message = e instanceof Error ? e.message : String(e);
          failures.set(key, message);
          progress(`[kafka] ${c.name}, ${c.compression}: FAILED ${message}`);
        }
        await deleteTopic(kafka, topic).catch(() => undefined);
      }
    }
  } finally {
    process.removeListener('SIGINT', stopBroker);
    process.removeListener('SIGTERM', stopBroker);
    await kafka.stop();
    rmSync(kafka.dataDir, { recursive: true, force: true });
  }

  const base = samples.get(keyOf(cases[0]!)) ?? [];
  check(base.length > 0, 'the baseline case never completed');
  const millions = options.calls / 1e6;
  const rows = cases.map((c) => {
    const key = keyOf(c);
    const size = sizes.get(key);
    const failed = failures.get(key);
    const ss = samples.get(key) ?? [];
    if (failed !== undefined && ss.length === 0) {
      return [
        c.name,
        c.compression,
        size ? kib(size.maxBytes) : '–',
        `failed: ${failed}`,
        '–',
        '–',
        '–',
        '–',
        '–',
        '–',
      ];
    }
    const produce = ss.map((s) => s.produceMs);
    const consume = ss.map((s) => s.consumeMs);
    const med = (f: (s: Sample) => number) => spread(ss.map(f)).median;
    return [
      c.name,
      c.compression,
      kib(size!.maxBytes),
      `${rate(options.calls, spread(produce).median)} (${rate(options.calls, spread(produce).max)}–${rate(options.calls, spread(produce).min)})`,
      ratioSpread(
        speedup(
          base.map((s) => s.produceMs),
          produce,
        ),
      ),
      `${rate(options.calls, spread(consume).median)} (${rate(options.calls, spread(consume).max)}–${rate(options.calls, spread(consume).min)})`,
      ratioSpread(
        speedup(
          base.map((s) => s.consumeMs),
          consume,
        ),
      ),
      `${(med((s) => s.produceCpu) / millions).toFixed(1)} / ${(med((s) => s.consumeCpu) / millions).toFixed(1)}`,
      (med((s) => s.brokerCpu) / millions).toFixed(1),
      num(med((s) => s.diskBytes) / options.calls, 0),
    ];
  });
  return {
    stage: 'kafka',
    title: 'kafkajs batching and compression (KafkaBus, real broker)',
    command: `npx tsx test/bench/libraries.ts kafka${options.calls === 1_000_000 ? '' : ` --calls ${options.calls}`}`,
    setup: [
      `${num(options.calls)} call.v1 records (stable JSON ~526 bytes each), 6 partitions, Kafka 4.1.0 single KRaft node (infra/local/kafka.ts, 1 GiB heap) on the same 2 cores as the client`,
      `KafkaBus as the collector uses it: idempotent, acks=all, maxInFlightRequests 1, sends of ~${num(RECORDS_PER_SEND)} records split at 768 KiB; consumer: KafkaBus group, partitionsConsumedConcurrently 1, 1 MiB per partition, every message JSON.parsed into records`,
      `produce timed from the first send to the last acknowledgement (messages built beforehand); consume timed from onAssign to the last record; a fresh topic per case and round, deleted afterwards`,
      `${options.rounds} rounds, case order rotated; speed ÷ baseline pairs each case with the baseline of the same round; CPU and disk are medians; ${setupLine}`,
    ],
    tables: [
      markdownTable(
        [
          'case',
          'compression',
          'largest message KiB (uncompressed)',
          'produce calls/s median (min–max)',
          'produce ÷ baseline',
          'consume calls/s median (min–max)',
          'consume ÷ baseline',
          'client CPU s per 1M calls produce / consume',
          'broker CPU s per 1M calls',
          'bytes/call on disk',
        ],
        rows,
      ),
    ],
    notes: [...failures].map(([k, m]) => `${k.replace('|', ', ')} failed: ${m}`),
  };
}
