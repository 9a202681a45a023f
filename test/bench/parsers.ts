/**
 * Parser throughput, as ratios against a baseline measured in the same run
 * (these machines are shared and noisy, so absolute rates drift between
 * runs; ratios hold). Run: `npm run bench`. Results: BENCHMARKS.md.
 *
 * Baseline: splitting the same bytes into decoded lines (LineSplitter), the
 * floor every parser pays. Each case parses the same in-memory export in
 * 1 MiB chunks, as the collector reads files; the median of 7 runs is kept.
 */
import { performance } from 'node:perf_hooks';
import {
  CDR_CSV_DEFAULT_COLUMNS,
  LineSplitter,
  QueueLogSession,
  createCdrCsvParser,
  createMappedCsvParser,
  type FileParser,
} from '@cdrflow/formats';
import { decodeRecord, encodeRecord, type CallRecord } from '@cdrflow/schema';

const CALLS = 100_000;
const CHUNK = 1 << 20;
const RUNS = 7;
const pseudonymise = (n: string) => `k${n.length}`;

function queueLogBytes(): Uint8Array {
  const base = 1_704_099_600;
  const lines: string[] = [];
  for (let n = 1; n <= CALLS; n++) {
    const t = base + n;
    lines.push(
      `${t}|c${n}|sales|NONE|ENTERQUEUE||0163296${String(n % 10000).padStart(4, '0')}|1`,
      `${t + 10}|c${n}|sales|SIP/2001|CONNECT|10|c${n}.b|2`,
      `${t + 40}|c${n}|sales|SIP/2001|COMPLETECALLER|10|30|1`,
    );
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

function cdrBytes(): Uint8Array {
  const rows: string[] = [];
  for (let n = 1; n <= CALLS; n++) {
    const s = `2024-01-01 09:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
    rows.push(
      `"","0163296${n % 10000}","200","from-pstn","""Smith, J"" <0163296${n % 10000}>","SIP/t-${n}","SIP/2001-${n}","Queue","sales,t","${s}","${s}","${s}",30,25,"ANSWERED","DOCUMENTATION","${n}.1",""`,
    );
  }
  return new TextEncoder().encode(rows.join('\n') + '\n');
}

function ticketBytes(): Uint8Array {
  const rows = ['ticket_id,issued_at,called_at,status'];
  for (let n = 1; n <= CALLS; n++) rows.push(`T${n},01/06/2020 09:00:00,01/06/2020 09:03:15,SERVED`);
  return new TextEncoder().encode(rows.join('\n') + '\n');
}

function feed(parser: FileParser, bytes: Uint8Array): number {
  let records = 0;
  for (let i = 0; i < bytes.length; i += CHUNK) records += parser.push(bytes.subarray(i, i + CHUNK)).calls.length;
  return records + parser.end().calls.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(name: string, lines: number, run: () => number): { name: string; ms: number; lines: number } {
  run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return { name, ms: median(times), lines };
}

const ctx = { source: 'bench', file: 'bench' };
const queueLog = queueLogBytes();
const cdr = cdrBytes();
const tickets = ticketBytes();
const sampleRecords: CallRecord[] = [];
{
  const session = new QueueLogSession({ source: 'bench', form: 'file', pseudonymise });
  const parser = session.openFile('bench');
  for (let i = 0; i < queueLog.length; i += CHUNK)
    sampleRecords.push(...parser.push(queueLog.subarray(i, i + CHUNK)).calls);
  sampleRecords.push(...parser.end().calls);
}
const encoded = sampleRecords.map((r) => encodeRecord(r));

const results = [
  measure('baseline: split queue_log bytes into lines', CALLS * 3, () => {
    const splitter = new LineSplitter(ctx);
    let n = 0;
    for (let i = 0; i < queueLog.length; i += CHUNK) n += splitter.push(queueLog.subarray(i, i + CHUNK)).lines.length;
    return n + splitter.end().lines.length;
  }),
  measure('queue_log → CallRecords', CALLS * 3, () =>
    feed(new QueueLogSession({ source: 'bench', form: 'file', pseudonymise }).openFile('bench'), queueLog),
  ),
  measure('CDR CSV (18 columns, quoted) → CallRecords', CALLS, () =>
    feed(
      createCdrCsvParser(
        ctx,
        {
          columns: [...CDR_CSV_DEFAULT_COLUMNS, 'uniqueid', 'userfield'],
        },
        pseudonymise,
      ),
      cdr,
    ),
  ),
  measure('mapped CSV (tickets, local times) → CallRecords', CALLS, () =>
    feed(
      createMappedCsvParser(
        ctx,
        {
          kind: 'calls',
          channel: 'face_to_face',
          timeFormat: 'dd/MM/yyyy HH:mm:ss',
          columns: { id: 'ticket_id', arrivedAt: 'issued_at', answeredAt: 'called_at', outcome: 'status' },
          outcomes: { SERVED: 'answered' },
        },
        pseudonymise,
      ),
      tickets,
    ),
  ),
  measure('bus encoding: CallRecord → stable JSON', CALLS, () => sampleRecords.map((r) => encodeRecord(r)).length),
  measure('bus decoding: JSON → validated CallRecord (zod)', CALLS, () => encoded.map((e) => decodeRecord(e)).length),
];

const baseline = results[0]!;
console.log(`| case | lines or records | median ms | per second | time ÷ baseline |`);
console.log(`|---|---|---|---|---|`);
for (const r of results) {
  const rate = Math.round(r.lines / (r.ms / 1000));
  console.log(
    `| ${r.name} | ${r.lines.toLocaleString('en-GB')} | ${r.ms.toFixed(0)} | ${rate.toLocaleString('en-GB')} | ${(r.ms / baseline.ms).toFixed(2)} |`,
  );
}
