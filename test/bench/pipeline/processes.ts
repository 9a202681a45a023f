/**
 * Child processes of the pipeline bench: the real `cdrflow collector` and
 * `cdrflow aggregator` services (and the chDB HTTP shim), their CPU time from
 * /proc, their Prometheus /metrics, and a cleanup that never leaves one behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..', '..');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on every Linux the project runs on). */
const CLK_TCK = 100;

/** User + system CPU seconds of a live process (not its children), or undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine, from /proc/stat (all cores). */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

export interface Service {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** http://127.0.0.1:<port> of /metrics, /readyz (undefined for processes without). */
  metricsUrl: string | undefined;
  exited: Promise<number | null>;
  /** SIGCONT (in case it was paused), SIGTERM, SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  alive(): boolean;
  /** The last lines of its log, for error messages. */
  tail(lines?: number): string;
}

/** Every child started and not yet stopped, for the cleanup on error and SIGINT. */
export const running = new Set<Service>();

export function startProcess(options: {
  name: string;
  args: string[];
  env: Record<string, string>;
  logFile: string;
  metricsPort?: number;
}): Service {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, options.args, {
    cwd: REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stopping: Promise<number | null> | undefined;
  const service: Service = {
    name: options.name,
    pid: child.pid!,
    child,
    logFile: options.logFile,
    metricsUrl: options.metricsPort === undefined ? undefined : `http://127.0.0.1:${options.metricsPort}`,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    tail: (lines = 30) => {
      try {
        return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    stop(graceMs = 20_000) {
      stopping ??= (async () => {
        if (service.alive()) {
          child.kill('SIGCONT');
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          try {
            return await exited;
          } finally {
            clearTimeout(timer);
            running.delete(service);
          }
        }
        running.delete(service);
        return child.exitCode;
      })();
      return stopping;
    },
  };
  running.add(service);
  return service;
}

/** `cdrflow <command>` as its own Node process (tsx loader, no wrapper process, so /proc figures are its own). */
export function startCdrflow(
  name: string,
  command: string[],
  env: Record<string, string>,
  logFile: string,
  metricsPort: number,
): Service {
  // BENCH_CPU_PROFILE=<folder>: each service writes a V8 CPU profile there when it exits.
  const profile = process.env['BENCH_CPU_PROFILE'];
  return startProcess({
    name,
    args: [
      ...(profile === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${name}.cpuprofile`]),
      '--import',
      'tsx',
      'packages/cli/src/main.ts',
      ...command,
    ],
    env: { ...env, CDRFLOW_METRICS_PORT: String(metricsPort) },
    logFile,
    metricsPort,
  });
}

async function httpGet(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

/** Waits until the service's /readyz answers 200. */
export async function waitReady(service: Service, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (!service.alive()) throw new Error(`${service.name} exited before it was ready:\n${service.tail()}`);
    try {
      const r = await httpGet(`${service.metricsUrl}/readyz`);
      if (r.status === 200) return;
      last = r.body;
    } catch (e: unknown) {
      last = String(e);
    }
    if (Date.now() > deadline)
      throw new Error(`${service.name} not ready after ${timeoutMs} ms: ${last}\n${service.tail()}`);
    await sleep(200);
  }
}

/** Sums of Prometheus samples by metric name (all label sets added up). */
export type MetricSums = Map<string, number>;

export function parseMetrics(text: string): MetricSums {
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const brace = line.indexOf('{');
    const name = brace === -1 ? line.slice(0, line.indexOf(' ')) : line.slice(0, brace);
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value)) sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return sums;
}

/** One label set's value, e.g. files_total with status="published". */
export function metricWith(text: string, name: string, label: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(label)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function scrape(service: Service): Promise<string> {
  return (await httpGet(`${service.metricsUrl}/metrics`)).body;
}

/** The business figures the aggregators exported, net of retractions, summed over every given aggregator. */
export interface CountedFigures {
  offered: number;
  answered: number;
  abandoned: number;
  waitSeconds: number;
  received: number;
}

export async function countedBy(aggregators: readonly Service[]): Promise<CountedFigures> {
  const out: CountedFigures = { offered: 0, answered: 0, abandoned: 0, waitSeconds: 0, received: 0 };
  for (const a of aggregators) {
    const m = parseMetrics(await scrape(a));
    const net = (name: string, retracted: string) => (m.get(name) ?? 0) - (m.get(retracted) ?? 0);
    out.offered += net('cdrflow_calls_offered_total', 'cdrflow_calls_offered_retracted_total');
    out.answered += net('cdrflow_calls_answered_total', 'cdrflow_calls_answered_retracted_total');
    out.abandoned += net('cdrflow_calls_abandoned_total', 'cdrflow_calls_abandoned_retracted_total');
    out.waitSeconds += net('cdrflow_calls_wait_seconds_sum', 'cdrflow_calls_wait_seconds_retracted_sum');
    out.received += m.get('cdrflow_aggregator_records_received_total') ?? 0;
  }
  return out;
}

/** SIGCONT, SIGTERM (SIGKILL after the grace) every child still running; one at a time by pid. */
export async function stopAll(): Promise<void> {
  for (const service of [...running]) await service.stop();
}
