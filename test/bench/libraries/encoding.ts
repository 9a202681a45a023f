/**
 * Stage 2: bus message encoding. Per call record: encode on the collector's
 * side, decode and validate on the aggregator's, and the bytes a record costs
 * in a message. Every case must give back records equal to the input.
 */
import {
  CallRecordV1,
  decodeMessage,
  encodeRecord,
  EnvelopeWriter,
  isValidCallRecord,
  parseCallRecord,
  parseCallRecordWithZod,
  type CallRecord,
} from '@cdrflow/schema';
import { brokenVariants, CALL_FIELDS } from './call-check';
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
  timeRounds,
  type Case,
  type StageReport,
} from './common';
import { callRecords } from './data';

interface Codec {
  name: string;
  encode(records: readonly CallRecord[]): string[];
  decode(messages: readonly string[]): CallRecord[];
}

const perRecord = (name: string, decode: (json: string) => CallRecord): Codec => ({
  name,
  encode: (records) => records.map((r) => encodeRecord(r)),
  decode: (messages) => messages.map(decode),
});

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One message carries N records as a JSON array of the same stable-JSON objects. */
function arrayEnvelope(n: number, validate: (v: unknown) => CallRecord, label: string): Codec {
  return {
    name: `(c) envelope of ${n}: JSON array of records, ${label}`,
    encode: (records) =>
      chunked(records, n).map(
        (part) => `{"schema":"call.v1","records":[${part.map((r) => encodeRecord(r)).join(',')}]}`,
      ),
    decode: (messages) => {
      const out: CallRecord[] = [];
      for (const m of messages) {
        const { records } = JSON.parse(m) as { records: unknown[] };
        for (const r of records) out.push(validate(r));
      }
      return out;
    },
  };
}

const FIELDS = CALL_FIELDS.filter((f) => f !== 'schema');
const FIELDS_JSON = JSON.stringify(FIELDS);

/** Positional rows: the field list once, each record an array of values in schema order. */
function positionalEnvelope(n: number): Codec {
  return {
    name: `(d) envelope of ${n}: field list once + positional rows, hand check`,
    encode: (records) =>
      chunked(records, n).map((part) => {
        const rows = part.map((r) => {
          const v = r as unknown as Record<string, unknown>;
          return JSON.stringify(FIELDS.map((f) => v[f]));
        });
        return `{"schema":"call.v1","fields":${FIELDS_JSON},"rows":[${rows.join(',')}]}`;
      }),
    decode: (messages) => {
      const out: CallRecord[] = [];
      for (const m of messages) {
        const { fields, rows } = JSON.parse(m) as { fields: string[]; rows: unknown[][] };
        check(fields.length === FIELDS.length && fields.every((f, i) => f === FIELDS[i]), 'field list differs');
        for (const row of rows) {
          const r: Record<string, unknown> = { schema: 'call.v1' };
          for (let i = 0; i < fields.length; i++) r[fields[i]!] = row[i];
          out.push(parseCallRecord(r));
        }
      }
      return out;
    },
  };
}

/** The bus's own envelope as built (rows.v1: `EnvelopeWriter`, `decodeMessage`). */
function rowsV1Envelope(n: number): Codec {
  return {
    name: `(e) rows.v1 envelope as built (EnvelopeWriter/decodeMessage), ${n} per envelope`,
    encode: (records) => {
      const writer = new EnvelopeWriter('call.v1');
      const out: string[] = [];
      for (const r of records) {
        writer.add(r);
        if (writer.count === n) out.push(writer.take());
      }
      if (writer.count > 0) out.push(writer.take());
      return out;
    },
    decode: (messages) => {
      const out: CallRecord[] = [];
      for (const m of messages) {
        const decoded = decodeMessage(m);
        check(decoded.invalid.length === 0, 'rows.v1 envelope: invalid rows');
        for (const r of decoded.records) if (r.schema === 'call.v1') out.push(r);
      }
      return out;
    },
  };
}

interface RunResult {
  records: number;
  encodeMs: number;
  decodeMs: number;
}

export async function encodingStage(options: { records: number; rounds: number }): Promise<StageReport> {
  const setupLine = machine();
  const records = callRecords(options.records);

  // The hand check must answer as zod does before its speed means anything.
  for (const r of records.slice(0, 2_000)) check(isValidCallRecord(r), `hand check refused a valid record ${r.id}`);
  for (const good of records.slice(0, 50)) {
    for (const bad of brokenVariants(good)) {
      const zodSays = CallRecordV1.safeParse(bad).success;
      check(!zodSays, `zod accepted a broken variant ${JSON.stringify(bad)}`);
      check(!isValidCallRecord(bad), `hand check accepted what zod refuses: ${JSON.stringify(bad)}`);
    }
  }

  const codecs: Codec[] = [
    {
      name: 'baseline: JSON.stringify / JSON.parse per record, no validation',
      encode: (rs) => rs.map((r) => JSON.stringify(r)),
      decode: (ms) => ms.map((m) => JSON.parse(m) as CallRecord),
    },
    perRecord('(a) before: stable JSON per record, zod', (m) => parseCallRecordWithZod(JSON.parse(m))),
    perRecord('(b) stable JSON per record, hand check', (m) => parseCallRecord(JSON.parse(m))),
    arrayEnvelope(100, parseCallRecord, 'hand check'),
    arrayEnvelope(1000, parseCallRecord, 'hand check'),
    arrayEnvelope(1000, parseCallRecordWithZod, 'zod'),
    positionalEnvelope(100),
    positionalEnvelope(1000),
    rowsV1Envelope(1000),
  ];

  // Untimed: bytes per record, and every codec gives the input back.
  const reference = records.map((r) => encodeRecord(r));
  const bytes = new Map<string, { messages: number; bytes: number }>();
  for (const codec of codecs) {
    const messages = codec.encode(records);
    const back = codec.decode(messages);
    check(back.length === records.length, `${codec.name}: ${back.length} records back`);
    for (let i = 0; i < back.length; i++) {
      check(encodeRecord(back[i]!) === reference[i], `${codec.name}: record ${i} differs after the round trip`);
    }
    let total = 0;
    for (const m of messages) total += Buffer.byteLength(m);
    bytes.set(codec.name, { messages: messages.length, bytes: total });
  }

  // Encode and decode are timed apart inside each run (CPU time of this
  // process); the warm-up run's figures are dropped.
  const parts = new Map<string, { encode: number[]; decode: number[] }>(
    codecs.map((c) => [c.name, { encode: [], decode: [] }]),
  );
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const cases: Case<RunResult>[] = codecs.map((codec) => ({
    name: codec.name,
    run: () => {
      const t0 = cpuNow();
      const messages = codec.encode(records);
      const t1 = cpuNow();
      const back = codec.decode(messages);
      const t2 = cpuNow();
      const p = parts.get(codec.name)!;
      p.encode.push(t1 - t0);
      p.decode.push(t2 - t1);
      return { records: back.length, encodeMs: t1 - t0, decodeMs: t2 - t1 };
    },
  }));
  progress(`[encoding] ${num(options.records)} records, ${codecs.length} cases, ${options.rounds} rounds`);
  const timed = await timeRounds(cases, options.rounds, {
    warmUp: true,
    log: () => undefined,
  });
  for (const p of parts.values()) {
    p.encode.shift();
    p.decode.shift();
  }

  const base = timed[0]!.cpuMs;
  const baseBytes = bytes.get(codecs[0]!.name)!.bytes;
  const rows = timed.map((t) => {
    const total = spread(t.cpuMs);
    const p = parts.get(t.name)!;
    const b = bytes.get(t.name)!;
    return [
      t.name,
      num(b.messages),
      num(b.bytes / options.records),
      (b.bytes / baseBytes).toFixed(2),
      `${num(spread(p.encode).median)} / ${num(spread(p.decode).median)}`,
      `${num(total.median)} (${num(total.min)}–${num(total.max)})`,
      num(spread(t.ms).median),
      rate(options.records, total.median),
      ratioSpread(speedup(base, t.cpuMs)),
    ];
  });
  return {
    stage: 'encoding',
    title: 'Bus message encoding: call records',
    command: `npx tsx test/bench/libraries.ts encoding${options.records === 100_000 ? '' : ` --records ${options.records}`}`,
    setup: [
      `${num(options.records)} call.v1 records generated from a seed (first stints, 82 % answered, 64-hex caller key), held in memory`,
      `each round encodes all of them into messages and decodes those back into validated records; every codec's output was checked equal to the input, and the hand check refuses each of ${brokenVariants(records[0]!).length} broken variants zod refuses`,
      `a warm-up, then ${options.rounds} rounds with the case order rotated; CPU time of this process (user + system), encode and decode timed apart in the same runs; ratios per round; ${setupLine}`,
    ],
    tables: [
      markdownTable(
        [
          'case',
          'messages',
          'bytes/record',
          'bytes ÷ baseline',
          'encode / decode CPU ms (median)',
          'total CPU ms median (min–max)',
          'wall ms median',
          'records per CPU-second',
          'speed ÷ baseline (CPU), median (min–max)',
        ],
        rows,
      ),
    ],
    notes: [],
  };
}
