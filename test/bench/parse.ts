/**
 * Parse throughput at bench scale, as a ratio against a baseline measured in
 * the same run (the machines are shared and noisy: absolute rates drift,
 * ratios hold). Results: docs/drafts/parse-bench.md, then BENCHMARKS.md.
 *
 *   npx tsx test/bench/parse.ts [--calls N] [--runs N] [--format queue_log|cdr_csv|mapped_csv]...
 *
 * For each format, the seeded export of test/bench/generate.ts (1,000,000
 * calls by default, one file) is read as the collector reads it: the file in
 * 1 MiB chunks (createReadStream, the collector's default chunkBytes), each
 * chunk pushed into the FileParser the collector would build for the source
 * (the CLI's `sourceReader` over the source config validated by the CLI's
 * ConfigSchema), with the collector's own HMAC pseudonymiser, made fresh for
 * each run so no run starts with a warm cache. That is parse + validate +
 * normalise; publishing is not included.
 *
 * Baseline, same run, same file: read it in 1 MiB chunks, decode to text,
 * split lines with indexOf('\n') and fields with split() on the delimiter
 * (naive for CSV: quotes ignored), no validation. It is the floor any parser
 * of these bytes pays.
 *
 * Runs alternate baseline and parse after one warm-up of each, so drift in
 * the machine's load hits both alike. Every run's output is checked against
 * the generator's own totals (calls, answered, abandoned, Σ answered wait,
 * no rejects); any difference throws. Ratio = baseline median ÷ parse median;
 * the target (issue 7) is ≥ 0.5.
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { FileParser, ParseBatch } from '@cdrflow/formats';
import type { CallRecord } from '@cdrflow/schema';
import { callerPseudonymiser } from '@cdrflow/collector';
import { ConfigSchema } from '@cdrflow/config';
import { sourceReader } from '@cdrflow/collector';
import { BENCH_FORMATS, benchExport, benchSource, type BenchExport, type BenchFormat } from './generate';
import { machineInfo, median, type Timing } from './measure';

const CHUNK_BYTES = 1 << 20;
const DEFAULT_RUNS = 5;
export const PARSE_RATIO_TARGET = 0.5;
/** A bench key: the figures do not depend on it, only on it being a real HMAC key. */
const CALLER_KEY = 'parse-bench-caller-key-0123456789';

export interface ParseBenchResult {
  format: BenchFormat;
  calls: number;
  /** Physical lines of the export (the rows both sides read). */
  lines: number;
  bytes: number;
  files: number;
  baseline: Timing;
  parse: Timing;
  baselineLinesPerSecond: number;
  /** Lines of the export per second through parse + validate + normalise. */
  linesPerSecond: number;
  callsPerSecond: number;
  /** baseline median ÷ parse median: 1 would be parsing for free. */
  ratio: number;
  meetsTarget: boolean;
  /** Staffing records (queue_log agent events) emitted per run; 0 for other formats. */
  agentTimes: number;
}

export interface ParseBenchOptions {
  /** @default 1_000_000 */
  calls?: number;
  /** Timed runs of each side, after one warm-up. @default 5 */
  runs?: number;
  /** @default all three */
  formats?: readonly BenchFormat[];
  /** Print progress to stderr and the table to stdout. @default true */
  print?: boolean;
}

async function* chunks(exp: BenchExport): AsyncGenerator<{ file: string; bytes: Buffer }> {
  for (const file of exp.files) {
    for await (const bytes of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
      yield { file, bytes: bytes as Buffer };
    }
  }
}

/** Decoded text → lines (indexOf) → fields (split), nothing checked. Returns lines and fields seen. */
async function baselineRun(exp: BenchExport): Promise<{ lines: number; fields: number }> {
  const delimiter = exp.format === 'queue_log' ? '|' : ',';
  let lines = 0;
  let fields = 0;
  let decoder = new TextDecoder('utf-8');
  let carry = '';
  let current = '';
  const take = (line: string): void => {
    if (line.length === 0) return;
    lines += 1;
    fields += line.split(delimiter).length;
  };
  for await (const { file, bytes } of chunks(exp)) {
    if (file !== current) {
      take(carry + decoder.decode());
      decoder = new TextDecoder('utf-8');
      carry = '';
      current = file;
    }
    const text = carry + decoder.decode(bytes, { stream: true });
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      take(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    carry = text.slice(start);
  }
  take(carry + decoder.decode());
  return { lines, fields };
}

interface ParseCounts {
  /** Call records emitted, every version (queue_log: a call open across a chunk gives more than one). */
  emitted: number;
  calls: number;
  answered: number;
  abandoned: number;
  answeredWaitMs: number;
  rejects: number;
  agentTimes: number;
  firstReject: string | null;
}

/** Adds (sign 1) or retracts (sign −1) one record's share of the totals. */
function tally(c: CallRecord, sign: 1 | -1, into: ParseCounts): void {
  into.calls += sign;
  if (c.outcome === 'answered') {
    into.answered += sign;
    into.answeredWaitMs += sign * c.waitMs;
  } else if (c.outcome === 'abandoned') into.abandoned += sign;
}

/**
 * Counts as the aggregator does: a later version of an id replaces the earlier
 * one. Only records of calls not ended yet (queue_log: `queued`, or answered
 * with its talk time unknown) are remembered, so a final record costs one
 * lookup in a small map.
 */
function count(batch: ParseBatch, into: ParseCounts, open: Map<string, CallRecord>): void {
  into.emitted += batch.calls.length;
  for (const c of batch.calls) {
    const before = open.size === 0 ? undefined : open.get(c.id);
    if (before !== undefined) {
      if (before.version >= c.version) continue;
      tally(before, -1, into);
      open.delete(c.id);
    }
    tally(c, 1, into);
    if (c.endedAt === null && c.outcome !== 'unclosed') open.set(c.id, c);
  }
  into.agentTimes += batch.agentTimes.length;
  into.rejects += batch.rejects.length;
  const first = batch.rejects[0];
  if (into.firstReject === null && first !== undefined)
    into.firstReject = `${first.file}:${first.line} ${first.reason}: ${first.detail}`;
}

/** The source as the CLI resolves it from cdrflow.yaml. */
function resolvedSource(format: BenchFormat) {
  const config = ConfigSchema.parse({ sources: [benchSource(format)] });
  const source = config.sources[0];
  if (source === undefined) throw new Error('no source resolved');
  return source;
}

async function parseRun(exp: BenchExport): Promise<ParseCounts> {
  const reader = sourceReader(resolvedSource(exp.format), callerPseudonymiser(CALLER_KEY));
  const counts: ParseCounts = {
    emitted: 0,
    calls: 0,
    answered: 0,
    abandoned: 0,
    answeredWaitMs: 0,
    rejects: 0,
    agentTimes: 0,
    firstReject: null,
  };
  const open = new Map<string, CallRecord>();
  let parser: FileParser | null = null;
  let current = '';
  for await (const { file, bytes } of chunks(exp)) {
    if (file !== current) {
      if (parser !== null) count(parser.end(), counts, open);
      parser = reader.openFile(file);
      current = file;
    }
    count((parser as FileParser).push(bytes), counts, open);
  }
  if (parser !== null) count(parser.end(), counts, open);
  return counts;
}

/** Throws unless a parse run gave exactly the generator's totals and no reject. */
function check(exp: BenchExport, got: ParseCounts): void {
  const want = exp.totals;
  const wrong: string[] = [];
  if (got.calls !== want.calls) wrong.push(`calls ${got.calls} ≠ ${want.calls}`);
  if (got.answered !== want.answered) wrong.push(`answered ${got.answered} ≠ ${want.answered}`);
  if (got.abandoned !== want.abandoned) wrong.push(`abandoned ${got.abandoned} ≠ ${want.abandoned}`);
  if (got.answeredWaitMs !== want.answeredWaitMs)
    wrong.push(`answeredWaitMs ${got.answeredWaitMs} ≠ ${want.answeredWaitMs}`);
  if (got.rejects !== 0) wrong.push(`${got.rejects} rejects, first ${got.firstReject ?? ''}`);
  if (wrong.length > 0) throw new Error(`${exp.format}: parsed output differs from the generator: ${wrong.join('; ')}`);
}

function summary(runsMs: number[], check: number): Timing {
  return { medianMs: median(runsMs), minMs: Math.min(...runsMs), maxMs: Math.max(...runsMs), runsMs, check };
}

const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Wall time, and this process's CPU time (user + system), which a loaded shared machine disturbs less. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  collect();
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

export async function benchFormat(
  format: BenchFormat,
  options: { calls: number; runs: number; log: (s: string) => void },
): Promise<ParseBenchResult> {
  const exp = await benchExport(format, { calls: options.calls });
  const baselineMs: number[] = [];
  const parseMs: number[] = [];
  let agentTimes = 0;
  for (let run = 0; run <= options.runs; run++) {
    const base = await timed(() => baselineRun(exp));
    if (base.value.lines !== exp.lines)
      throw new Error(`${format}: baseline read ${base.value.lines} lines, the export has ${exp.lines}`);
    const parsed = await timed(() => parseRun(exp));
    check(exp, parsed.value);
    agentTimes = parsed.value.agentTimes;
    const label = run === 0 ? 'warm-up' : `run ${run}/${options.runs}`;
    options.log(
      `${format} ${label}: baseline ${base.ms.toFixed(0)} ms, parse ${parsed.ms.toFixed(0)} ms (CPU ${parsed.cpuMs.toFixed(0)} ms), ${parsed.value.emitted} records for ${exp.calls} calls`,
    );
    if (run === 0) continue;
    baselineMs.push(base.ms);
    parseMs.push(parsed.ms);
  }
  const baseline = summary(baselineMs, exp.lines);
  const parse = summary(parseMs, exp.calls);
  const ratio = baseline.medianMs / parse.medianMs;
  return {
    format,
    calls: exp.calls,
    lines: exp.lines,
    bytes: exp.bytes,
    files: exp.files.length,
    baseline,
    parse,
    baselineLinesPerSecond: exp.lines / (baseline.medianMs / 1000),
    linesPerSecond: exp.lines / (parse.medianMs / 1000),
    callsPerSecond: exp.calls / (parse.medianMs / 1000),
    ratio,
    meetsTarget: ratio >= PARSE_RATIO_TARGET,
    agentTimes,
  };
}

const n = (v: number): string => Math.round(v).toLocaleString('en-GB');
const ms = (v: number): string => v.toFixed(0);

export function parseTable(results: readonly ParseBenchResult[]): string {
  const rows = [
    '| format | case | lines (calls) | MB | median ms | spread ms (min–max) | lines/s | calls/s | ratio (baseline ÷ parse) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const what = `${n(r.lines)} (${n(r.calls)})`;
    const mb = (r.bytes / 1e6).toFixed(0);
    rows.push(
      `| ${r.format} | baseline: read, decode, split lines and fields | ${what} | ${mb} | ${ms(r.baseline.medianMs)} | ${ms(r.baseline.minMs)}–${ms(r.baseline.maxMs)} | ${n(r.baselineLinesPerSecond)} | – | 1.00 |`,
      `| ${r.format} | parse + validate + normalise (collector's parser, HMAC) | ${what} | ${mb} | ${ms(r.parse.medianMs)} | ${ms(r.parse.minMs)}–${ms(r.parse.maxMs)} | ${n(r.linesPerSecond)} | ${n(r.callsPerSecond)} | **${r.ratio.toFixed(2)}**${r.meetsTarget ? '' : ' (below 0.5)'} |`,
    );
  }
  return rows.join('\n');
}

/** Runs the bench for each format and returns the figures; prints the table unless `print: false`. */
export async function runParseBench(options: ParseBenchOptions = {}): Promise<ParseBenchResult[]> {
  const print = options.print ?? true;
  const log = print ? (s: string) => console.error(s) : () => undefined;
  const calls = options.calls ?? 1_000_000;
  const runs = options.runs ?? DEFAULT_RUNS;
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a whole number ≥ 1, got ${runs}`);
  const before = machineInfo();
  const results: ParseBenchResult[] = [];
  for (const format of options.formats ?? BENCH_FORMATS) results.push(await benchFormat(format, { calls, runs, log }));
  if (print) {
    console.log(`Parse bench, ${new Date().toISOString().slice(0, 10)}; median of ${runs} runs after a warm-up`);
    console.log('');
    console.log(`- at the start: ${before}`);
    console.log(`- at the end: ${machineInfo()}`);
    console.log(`- command: ${commandLine()}`);
    console.log('');
    console.log(parseTable(results));
  }
  return results;
}

function commandLine(): string {
  const flags = process.execArgv.filter((a) => !a.includes('tsx') && !a.startsWith('--require') && a !== '--import');
  const script = 'test/bench/parse.ts';
  const args = process.argv.slice(2).join(' ');
  return flags.length > 0
    ? `node ${flags.join(' ')} --import tsx ${script} ${args}`.trim()
    : `npx tsx ${script} ${args}`.trim();
}

function parseArgs(argv: readonly string[]): ParseBenchOptions {
  const options: ParseBenchOptions = {};
  const formats: BenchFormat[] = [];
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--calls':
        options.calls = Number(value);
        i++;
        break;
      case '--runs':
        options.runs = Number(value);
        i++;
        break;
      case '--format':
        if (!BENCH_FORMATS.includes(value as BenchFormat))
          throw new Error(`--format takes one of ${BENCH_FORMATS.join(', ')}`);
        formats.push(value as BenchFormat);
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}; usage: parse.ts [--calls N] [--runs N] [--format F]...`);
    }
  }
  if (formats.length > 0) options.formats = formats;
  return options;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runParseBench(parseArgs(process.argv.slice(2)));
}
