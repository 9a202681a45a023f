/**
 * Aggregator memory per distinct call id held for dedupe, at 10M ids.
 *
 * The aggregator dedupes in two places: inside a flush window (a Map from id
 * to the newest record, at most `flushMaxRecords` ids) and across windows in
 * ClickHouse (the newest committed version of each id is looked up when the
 * window is flushed). So the ids it holds are bounded by the window, not by
 * how many it has seen. This measures both sides in one process:
 *
 * 1. streaming: 10M distinct ids through the real PendingPartition windows
 *    and foldWindow, as the aggregator runs them; resident memory (RSS, after
 *    a full GC) sampled every 1M ids. Growth ÷ ids is the memory per id the
 *    aggregator keeps once a window is flushed.
 * 2. one window: heap per id while held inside a window, with and without
 *    the record it keeps for the flush (the record is written to ClickHouse,
 *    so it is held whatever the dedupe structure).
 *
 * Run: node --expose-gc --import tsx test/bench/memory.ts [--ids N]
 */
import { foldWindow, PendingPartition, type StoredVersions } from '@cdrflow/aggregator';
import type { CallRecord } from '@cdrflow/schema';
import { call } from '../support/records';

export interface MemoryBenchResult {
  ids: number;
  flushMaxRecords: number;
  /** RSS after a full GC, once the first window was flushed and after the last. */
  rssStartBytes: number;
  rssEndBytes: number;
  rssPeakBytes: number;
  /** (end − start) ÷ ids: what the aggregator keeps per id it has seen. */
  rssBytesPerIdSeen: number;
  /** Inside a window: heap per held id for the id map alone, and with the records it holds. */
  heapBytesPerHeldIdIndexOnly: number;
  heapBytesPerHeldIdWithRecord: number;
}

const FLUSH_MAX_RECORDS = 50_000;
const SAMPLE_EVERY = 1_000_000;
const QUEUES = ['housing', 'council-tax', 'benefits', 'waste', 'switchboard'];
const START_MS = Date.UTC(2020, 3, 1, 8);
const nothingStored: StoredVersions = { calls: new Map(), surveys: new Map(), agentTimes: new Map() };

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with node --expose-gc: memory is measured after a full collection');
  collect();
}

/** A distinct call per n, ids shaped like Asterisk uniqueids (`<epoch>.<sequence>`). */
function record(n: number): CallRecord {
  const arrivedAt = START_MS + n * 200;
  return call({
    id: `pbx:${Math.floor(arrivedAt / 1000)}.${n}`,
    queue: QUEUES[n % QUEUES.length]!,
    arrivedAt,
    waitMs: (n % 600) * 1_000,
    callerKey: `k${(n % 100_000).toString(16).padStart(32, '0')}`,
    agent: `SIP/${2000 + (n % 40)}`,
    file: 'queue_log',
    line: n + 1,
  });
}

function rss(): number {
  gc();
  return process.memoryUsage().rss;
}

function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

export function runMemoryBench(ids = 10_000_000): MemoryBenchResult {
  let window = new PendingPartition('cdrflow.calls.v1', 0, 0);
  let folded = 0;
  let rssStart = 0;
  let peak = 0;
  for (let n = 0; n < ids; n++) {
    window.addCall(record(n));
    if ((n + 1) % FLUSH_MAX_RECORDS === 0 || n === ids - 1) {
      folded += foldWindow(window.drain(), nothingStored).calls.length;
      window = new PendingPartition('cdrflow.calls.v1', 0, 0);
      if (n + 1 === FLUSH_MAX_RECORDS) rssStart = rss();
    }
    if ((n + 1) % SAMPLE_EVERY === 0) {
      peak = Math.max(peak, process.memoryUsage().rss);
      process.stderr.write(`  ${(n + 1).toLocaleString('en-GB')} ids, RSS ${Math.round(rss() / 2 ** 20)} MiB\n`);
    }
  }
  const rssEnd = rss();
  if (folded !== ids) throw new Error(`folded ${folded} calls for ${ids} distinct ids`);

  // One full window: first built from fresh records (id map and records), then
  // from records that already exist (the id map alone). Each window stays
  // referenced until its heap is read, or the collector could take it early.
  const beforeRecords = heapUsed();
  const fresh = new PendingPartition('cdrflow.calls.v1', 0, 0);
  for (let n = 0; n < FLUSH_MAX_RECORDS; n++) fresh.addCall(record(n));
  const withRecord = (heapUsed() - beforeRecords) / fresh.calls.size;
  const records = [...fresh.calls.values()];
  const beforeIndex = heapUsed();
  const held = new PendingPartition('cdrflow.calls.v1', 0, 0);
  for (const r of records) held.addCall(r);
  const indexOnly = (heapUsed() - beforeIndex) / held.calls.size;
  if (fresh.calls.size !== held.calls.size) throw new Error('both windows must hold the same ids');
  return {
    ids,
    flushMaxRecords: FLUSH_MAX_RECORDS,
    rssStartBytes: rssStart,
    rssEndBytes: rssEnd,
    rssPeakBytes: Math.max(peak, rssEnd),
    rssBytesPerIdSeen: (rssEnd - rssStart) / ids,
    heapBytesPerHeldIdIndexOnly: indexOnly,
    heapBytesPerHeldIdWithRecord: withRecord,
  };
}

export function memoryMarkdown(r: MemoryBenchResult): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  return [
    `${r.ids.toLocaleString('en-GB')} distinct call ids through the aggregator's own windows (PendingPartition, foldWindow) of ${r.flushMaxRecords.toLocaleString('en-GB')} ids (the default \`flushMaxRecords\`); RSS read after a full GC.`,
    '',
    '| figure | value |',
    '|---|---|',
    `| RSS after the first window / after the last / peak | ${mib(r.rssStartBytes)} / ${mib(r.rssEndBytes)} / ${mib(r.rssPeakBytes)} |`,
    `| RSS kept per distinct id seen ((last − first) ÷ ids) | ${r.rssBytesPerIdSeen.toFixed(1)} bytes |`,
    `| inside a window: heap per held id, id map alone | ${r.heapBytesPerHeldIdIndexOnly.toFixed(0)} bytes |`,
    `| inside a window: heap per held id, with the record held for the flush | ${r.heapBytesPerHeldIdWithRecord.toFixed(0)} bytes |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--ids');
  console.log(memoryMarkdown(runMemoryBench(at > 0 ? Number(process.argv[at + 1]) : 10_000_000)));
}
