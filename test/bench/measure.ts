/**
 * What every benchmark here reports: the median of several timed runs after a
 * warm-up, their spread, and ratios against a baseline timed in the same
 * process (these machines are shared, so absolute rates drift; ratios hold).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runsMs: number[];
  /** What the last run returned: a count the caller checks, so no case can do nothing. */
  check: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** One warm-up, then `runs` timed runs of `run`. */
export function measureRuns(runs: number, run: () => number): Timing {
  let check = run();
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    check = run();
    runsMs.push(performance.now() - start);
  }
  return { medianMs: median(runsMs), minMs: Math.min(...runsMs), maxMs: Math.max(...runsMs), runsMs, check };
}

/** Baseline time ÷ case time: 1 means the case costs nothing beyond the baseline. */
export function ratio(baseline: Timing, measured: Timing): number {
  return baseline.medianMs / measured.medianMs;
}

export function machineInfo(): string {
  const cpu = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  return `${cpu[0]?.model ?? 'unknown cpu'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; load average ${load}`;
}
