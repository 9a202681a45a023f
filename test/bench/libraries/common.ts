/**
 * Shared pieces of the library benchmarks (test/bench/libraries.ts): a seeded
 * random source, timing of interleaved rounds, medians with their spread, and
 * markdown tables. Every figure is reported against a baseline measured in
 * the same run, because the machine is shared and absolute rates drift.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Prng } from '../../../fixtures/sample/lib/prng';

/** The sample generator's seeded mulberry32: the same seed gives the same data everywhere. */
export function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export interface Case<R> {
  name: string;
  run: () => R | Promise<R>;
}

export interface Timed<R> {
  name: string;
  /** Wall-clock milliseconds per round. */
  ms: number[];
  /**
   * CPU milliseconds (user + system, all threads of this process) per round.
   * On a shared, overloaded machine this is the steadier figure: it leaves
   * out the time spent waiting for a core.
   */
  cpuMs: number[];
  /** What the last run returned (counts, for the equality checks). */
  result: R;
}

/**
 * Runs every case once as a warm-up (unless `warmUp` is false), then `rounds`
 * rounds in which each case runs once, in an order rotated every round, so
 * a burst of load from other work on the machine falls on different cases.
 */
export async function timeRounds<R>(
  cases: readonly Case<R>[],
  rounds: number,
  options: { warmUp?: boolean; log?: (line: string) => void; afterEach?: () => Promise<void> | void } = {},
): Promise<Timed<R>[]> {
  const log = options.log ?? progress;
  const timed: Timed<R>[] = cases.map((c) => ({ name: c.name, ms: [], cpuMs: [], result: undefined as unknown as R }));
  if (options.warmUp ?? true) {
    for (const [i, c] of cases.entries()) {
      timed[i]!.result = await c.run();
      await options.afterEach?.();
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      const c = cases[i]!;
      gcIfExposed();
      const cpu = process.cpuUsage();
      const start = performance.now();
      const result = await c.run();
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      timed[i]!.ms.push(ms);
      timed[i]!.cpuMs.push(cpuMs);
      timed[i]!.result = result;
      log(`  round ${round + 1}/${rounds} ${c.name}: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU`);
      await options.afterEach?.();
    }
  }
  return timed;
}

export function gcIfExposed(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `1234567` → `1,234,567`; fractions to `digits` places. */
export function num(value: number, digits = 0): string {
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A rate per second from a count and milliseconds, rounded to thousands when large. */
export function rate(count: number, ms: number): string {
  const perSecond = (count * 1000) / ms;
  return perSecond >= 100_000
    ? `${num(perSecond / 1000)}k`
    : perSecond >= 10_000
      ? `${num(perSecond / 1000, 1)}k`
      : num(perSecond);
}

/** `median (min–max)` of milliseconds. */
export function msSpread(s: Spread): string {
  return `${num(s.median)} (${num(s.min)}–${num(s.max)})`;
}

/**
 * Speed against the baseline: baseline time ÷ case time, so > 1 is faster
 * than the baseline. Median of the per-round ratios (each case paired with
 * the baseline of the same round), with their min–max.
 */
export function speedup(baselineMs: readonly number[], caseMs: readonly number[]): Spread {
  const n = Math.min(baselineMs.length, caseMs.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push(baselineMs[i]! / caseMs[i]!);
  return spread(ratios);
}

export function ratioSpread(s: Spread, digits = 2): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface StageReport {
  stage: string;
  title: string;
  command: string;
  /** Data, machine and method, one sentence each. */
  setup: string[];
  tables: string[];
  notes: string[];
}

export function renderReport(r: StageReport): string {
  return [
    `## ${r.title}`,
    '',
    '```sh',
    r.command,
    '```',
    '',
    ...r.setup.map((s) => `- ${s}`),
    '',
    ...r.tables.flatMap((t) => [t, '']),
    ...r.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

export function loadAverage(): string {
  return `load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' / ')}`;
}

export function machine(): string {
  return `${cpus().length} cores, Node ${process.version}, ${loadAverage()} (1/5/15 min) at the start of the stage`;
}

export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}
