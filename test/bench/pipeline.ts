/**
 * Issue 7's whole-pipeline benchmarks, through the real services and a real
 * Kafka broker on this machine:
 *
 * - `e2e`: calls/s from export files renamed into the collector's inbox to
 *   every call counted by the aggregator (its Prometheus figures, then
 *   `interval_stats_committed` checked per fiscal quarter in its chDB folder
 *   against the generator's totals), against ClickHouse itself (chDB) loading
 *   the same CDR CSV with `INSERT … SELECT … FROM file(…)` and computing the
 *   same quarterly KPIs in SQL, measured in the same run, interleaved.
 * - `freshness`: steady load (one small file every interval, or the same
 *   lines appended to a live queue_log the collector follows); seconds from
 *   each drop to the aggregator's Prometheus counter reflecting it.
 * - `scaleout`: 1 vs 2 aggregator processes in one group on a 6-partition
 *   topic, sharing one ClickHouse (chDB behind infra/local/chdb-http.ts): the
 *   backlog is published while the aggregators are paused (SIGSTOP), then
 *   they are resumed and timed until every call is counted.
 *
 * The services are talked to only through files, config, /metrics and
 * ClickHouse, so the harness does not depend on the bus's message layout.
 *
 *   npx tsx test/bench/pipeline.ts [e2e|freshness|scaleout|all] [--calls N] [--runs N]
 *     [--format cdr_csv|queue_log] [--seconds S] [--rate CALLS_PER_S] [--interval-ms MS]
 *     [--freshness-source inbox|follow] [--keep]
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KAFKA_VERSION, freePorts, startKafka, type LocalKafka } from '../../infra/local/kafka';
import type { ChdbTask, ChdbTaskResult } from './pipeline/chdb-task';
import { median, percentile } from './measure';
import {
  REPO,
  countedBy,
  cpuSeconds,
  machineCpu,
  metricWith,
  scrape,
  startCdrflow,
  startProcess,
  stopAll,
  waitReady,
  type CountedFigures,
  type Service,
} from './pipeline/processes';
import {
  BENCH_DEFAULT_SEED,
  BENCH_KPI_SETTINGS,
  BENCH_REPORTING,
  benchExport,
  benchSource,
  type BenchExport,
  type BenchTotals,
} from './generate';

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type PipelineMode = 'e2e' | 'freshness' | 'scaleout';
export type ExportFormat = 'cdr_csv' | 'queue_log';

export interface PipelineBenchOptions {
  modes?: PipelineMode[];
  /** Calls per e2e / scale-out input. @default 1_000_000 */
  calls?: number;
  /** Measured runs per case (median and min–max reported). @default 3 */
  runs?: number;
  /** e2e formats: cdr_csv is the one with the chDB baseline. @default ['cdr_csv', 'queue_log'] */
  e2eFormats?: ExportFormat[];
  /** Scale-out input format (cdr_csv: calls only, no agent_time records). @default 'cdr_csv' */
  scaleoutFormat?: ExportFormat;
  /** Freshness: how long the steady load lasts, calls per second, and one drop every intervalMs. */
  freshnessSeconds?: number;
  freshnessRate?: number;
  freshnessIntervalMs?: number;
  freshnessSource?: 'inbox' | 'follow';
  partitions?: number;
  seed?: number;
  keep?: boolean;
  log?: (message: string) => void;
}

interface CpuDelta {
  [process: string]: number;
}

interface E2eRun {
  /** Records the collector published, by kind (call, agent_time, survey, reject). */
  published: Record<string, number>;
  seconds: number;
  collectorSeconds: number;
  callsPerSecond: number;
  cpu: CpuDelta;
}

interface BaselineRun {
  seconds: number;
  loadSeconds: number;
  kpiSeconds: number;
  callsPerSecond: number;
}

export interface PipelineBenchResult {
  markdown: string;
  e2e?: Record<string, { runs: E2eRun[]; baseline?: BaselineRun[] }>;
  freshness?: { latenciesS: number[]; p50: number; p99: number; max: number };
  scaleout?: Record<number, E2eRun[]>;
}

// ---------------------------------------------------------------------------
// Small statistics
// ---------------------------------------------------------------------------

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const spread = (values: number[], digits = 0) =>
  `${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)}`;

// ---------------------------------------------------------------------------
// Deployments
// ---------------------------------------------------------------------------

interface Bench {
  root: string;
  kafka: LocalKafka;
  log: (message: string) => void;
  partitions: number;
  seed: number;
  deployments: number;
}

interface Deployment {
  dir: string;
  inbox: string;
  staging: string;
  archive: string;
  config: string;
  namespace: string;
  group: string;
  source: string;
  env: Record<string, string>;
  followPath: string | undefined;
}

function sourceConfig(format: ExportFormat): Record<string, unknown> {
  const source: Record<string, unknown> = structuredClone(benchSource(format));
  return source;
}

function deployment(
  bench: Bench,
  name: string,
  format: ExportFormat,
  extra: { kafka?: Record<string, unknown>; follow?: boolean } = {},
): Deployment {
  bench.deployments += 1;
  const dir = join(bench.root, `${String(bench.deployments).padStart(2, '0')}-${name}`);
  const inbox = join(dir, 'inbox');
  const staging = join(dir, 'staging');
  const archive = join(dir, 'archive');
  for (const d of [inbox, staging]) mkdirSync(d, { recursive: true });
  const namespace = `bench${Date.now().toString(36)}${bench.deployments}`;
  const group = `${namespace}-aggregator`;
  const source = benchSource(format).name;
  const followPath = extra.follow === true ? join(dir, 'live', 'queue_log') : undefined;
  if (followPath !== undefined) {
    mkdirSync(join(dir, 'live'));
    writeFileSync(followPath, '');
  }
  const config = {
    metrics: { host: '127.0.0.1' },
    reporting: BENCH_REPORTING,
    kpi: BENCH_KPI_SETTINGS,
    bus: { partitions: bench.partitions },
    aggregator: { groupId: group },
    ...(extra.kafka === undefined ? {} : { kafka: extra.kafka }),
    sources: [
      {
        ...sourceConfig(format),
        inbox,
        archive,
        completion: { rule: 'rename' },
        ...(followPath === undefined ? {} : { follow: { path: followPath, pollIntervalMs: 200 } }),
      },
    ],
  };
  const configFile = join(dir, 'cdrflow.yaml');
  // JSON is YAML.
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return {
    dir,
    inbox,
    staging,
    archive,
    config: configFile,
    namespace,
    group,
    source,
    followPath,
    env: {
      CDRFLOW_CONFIG: configFile,
      KAFKA_BROKERS: bench.kafka.brokers.join(','),
      CDRFLOW_TOPIC_NAMESPACE: namespace,
      CDRFLOW_CALLER_KEY: 'pipeline-bench-key-0123456789',
      LOG_LEVEL: 'warn',
    },
  };
}

async function startAggregator(d: Deployment, index: number, clickhouseUrl?: string): Promise<Service> {
  const [port] = await freePorts(1);
  return startCdrflow(
    `aggregator-${index}`,
    ['aggregator'],
    {
      ...d.env,
      CDRFLOW_DATA_DIR: join(d.dir, `aggregator-${index}`),
      ...(clickhouseUrl === undefined ? {} : { CLICKHOUSE_URL: clickhouseUrl }),
    },
    join(d.dir, `aggregator-${index}.log`),
    port!,
  );
}

async function startCollector(d: Deployment): Promise<Service> {
  const [port] = await freePorts(1);
  return startCdrflow(
    'collector',
    ['collector', '--poll-interval', '1'],
    { ...d.env, CDRFLOW_DATA_DIR: join(d.dir, 'collector') },
    join(d.dir, 'collector.log'),
    port!,
  );
}

/** Copies the export files into the deployment's staging folder (same file system as the inbox). */
function stage(d: Deployment, files: readonly string[]): string[] {
  return files.map((f) => {
    const to = join(d.staging, basename(f));
    copyFileSync(f, to);
    return to;
  });
}

/** The `rename` completion rule: each file appears in the inbox complete, in one step. */
function dropStaged(d: Deployment, staged: readonly string[]): void {
  for (const f of staged) renameSync(f, join(d.inbox, basename(f)));
}

async function runChdbTask(task: ChdbTask): Promise<ChdbTaskResult> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', 'test/bench/pipeline/chdb-task.ts', JSON.stringify(task)],
    { cwd: REPO, maxBuffer: 16 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChdbTaskResult;
}

function sameFigures(a: BenchTotals, b: BenchTotals): boolean {
  return (
    a.calls === b.calls &&
    a.answered === b.answered &&
    a.abandoned === b.abandoned &&
    a.answeredWaitMs === b.answeredWaitMs
  );
}

/** Fails loudly unless every fiscal quarter's figures equal the generator's. */
function checkQuarters(what: string, got: ChdbTaskResult['quarters'], want: Record<string, BenchTotals>): void {
  const keys = new Set([...Object.keys(got), ...Object.keys(want)]);
  const bad: string[] = [];
  for (const k of [...keys].sort()) {
    const g = got[k];
    const w = want[k];
    if (g === undefined || w === undefined || !sameFigures(g, w)) {
      bad.push(`  ${k}: got ${JSON.stringify(g ?? null)}, generator ${JSON.stringify(w ?? null)}`);
    }
  }
  if (bad.length > 0) throw new Error(`${what}: figures differ from the generator's totals:\n${bad.join('\n')}`);
}

function matches(c: CountedFigures, t: BenchTotals): boolean {
  return c.offered === t.calls && c.answered === t.answered && c.abandoned === t.abandoned;
}

/** Polls the aggregators' /metrics until they count exactly `target`; fails when nothing moves for `stallMs`. */
async function waitCounted(
  aggregators: readonly Service[],
  target: BenchTotals,
  options: { everyMs: number; stallMs?: number; context: () => string; onTick?: () => Promise<void> },
): Promise<{ at: number; counted: CountedFigures }> {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const counted = await countedBy(aggregators);
    const now = performance.now();
    if (matches(counted, target)) return { at: now, counted };
    if (counted.offered > target.calls) {
      throw new Error(
        `counted ${counted.offered} calls, more than the ${target.calls} generated\n${options.context()}`,
      );
    }
    for (const a of aggregators) if (!a.alive()) throw new Error(`${a.name} exited\n${options.context()}`);
    const progress = counted.offered + counted.received;
    if (progress !== last) {
      last = progress;
      lastChange = now;
    } else if (now - lastChange > (options.stallMs ?? 120_000)) {
      throw new Error(
        `no progress for ${options.stallMs ?? 120_000} ms: counted ${JSON.stringify(counted)}, want ${JSON.stringify(target)}\n${options.context()}`,
      );
    }
    await options.onTick?.();
    await sleep(options.everyMs);
  }
}

function cpuOf(services: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(services)) out[name] = cpuSeconds(pid) ?? Number.NaN;
  return out;
}

function cpuDelta(before: Record<string, number>, after: Record<string, number>): CpuDelta {
  const out: CpuDelta = {};
  for (const k of Object.keys(after)) out[k] = (after[k] ?? 0) - (before[k] ?? 0);
  return out;
}

/** Per-process CPU seconds over a window, plus the machine's busy seconds and what other work used. */
function cpuWindow(pids: Record<string, number>): () => CpuDelta {
  const before = cpuOf(pids);
  const machineBefore = machineCpu();
  const benchBefore = process.cpuUsage();
  return () => {
    const delta = cpuDelta(before, cpuOf(pids));
    const machine = machineCpu();
    const bench = process.cpuUsage(benchBefore);
    delta['harness'] = (bench.user + bench.system) / 1e6;
    const ours = Object.values(delta).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    delta['machine busy'] = machine.busy - machineBefore.busy;
    delta['other work'] = Math.max(0, delta['machine busy'] - ours);
    return delta;
  };
}

// ---------------------------------------------------------------------------
// e2e
// ---------------------------------------------------------------------------

async function e2eRun(bench: Bench, format: ExportFormat, data: BenchExport, run: number): Promise<E2eRun> {
  const d = deployment(bench, `e2e-${format}-${run}`, format);
  const staged = stage(d, data.files);
  const aggregator = await startAggregator(d, 1);
  const collector = await startCollector(d);
  const context = () => [collector, aggregator].map((s) => `--- ${s.name} (${s.logFile})\n${s.tail()}`).join('\n');
  try {
    await Promise.all([waitReady(aggregator), waitReady(collector)]);
    const cpu = cpuWindow({ broker: bench.kafka.pid, collector: collector.pid, aggregator: aggregator.pid });
    const t0 = performance.now();
    dropStaged(d, staged);
    let collectorDone: number | undefined;
    let published: Record<string, number> = {};
    const { at } = await waitCounted([aggregator], data.totals, {
      everyMs: 250,
      context,
      onTick: async () => {
        if (collectorDone !== undefined) return;
        const text = await scrape(collector);
        if (metricWith(text, 'cdrflow_collector_files_total', 'status="published"') >= data.files.length) {
          collectorDone = performance.now();
          published = recordsByKind(text);
        }
      },
    });
    const used = cpu();
    const seconds = (at - t0) / 1000;
    await collector.stop();
    if ((await aggregator.stop()) !== 0) throw new Error(`aggregator did not stop cleanly\n${context()}`);
    const stored = await runChdbTask({
      kind: 'verify',
      path: join(d.dir, 'aggregator-1', 'chdb'),
      reportZone: BENCH_REPORTING.zone,
      fiscalYearStartMonth: BENCH_REPORTING.fiscalYearStartMonth,
    });
    checkQuarters(`e2e ${format} run ${run}: interval_stats_committed`, stored.quarters, data.byFiscalQuarter);
    const result = {
      seconds,
      collectorSeconds: ((collectorDone ?? at) - t0) / 1000,
      callsPerSecond: data.calls / seconds,
      cpu: used,
      published,
    };
    bench.log(
      `e2e ${format} run ${run}: ${seconds.toFixed(2)} s, ${fmt(result.callsPerSecond)} calls/s ` +
        `(collector done at ${result.collectorSeconds.toFixed(2)} s; published ${JSON.stringify(published)}); interval_stats checked per quarter; CPU s: ${cpuLine(used)}`,
    );
    return result;
  } finally {
    await collector.stop();
    await aggregator.stop();
  }
}

async function baselineRun(bench: Bench, data: BenchExport, run: number): Promise<BaselineRun> {
  if (data.files.length !== 1) throw new Error('the chDB baseline loads one CSV');
  const cdr = (sourceConfig('cdr_csv')['cdr'] ?? {}) as {
    columns?: string[];
    zone?: string;
    outboundContexts?: string[];
    internalContexts?: string[];
  };
  const result = await runChdbTask({
    kind: 'baseline',
    path: join(bench.root, `baseline-chdb-${run}`),
    csv: data.files[0]!,
    columns: cdr.columns ?? [],
    zone: cdr.zone ?? BENCH_REPORTING.zone,
    outboundContexts: cdr.outboundContexts ?? [],
    internalContexts: cdr.internalContexts ?? [],
    reportZone: BENCH_REPORTING.zone,
    fiscalYearStartMonth: BENCH_REPORTING.fiscalYearStartMonth,
  });
  rmSync(join(bench.root, `baseline-chdb-${run}`), { recursive: true, force: true });
  checkQuarters(`chDB baseline run ${run}`, result.quarters, data.byFiscalQuarter);
  const seconds = ((result.loadMs ?? 0) + (result.kpiMs ?? 0)) / 1000;
  bench.log(
    `baseline run ${run}: load ${((result.loadMs ?? 0) / 1000).toFixed(2)} s + KPIs ${((result.kpiMs ?? 0) / 1000).toFixed(2)} s ` +
      `(${fmt(result.rowsLoaded ?? 0)} rows), ${fmt(data.calls / seconds)} calls/s; figures equal the generator's`,
  );
  return {
    seconds,
    loadSeconds: (result.loadMs ?? 0) / 1000,
    kpiSeconds: (result.kpiMs ?? 0) / 1000,
    callsPerSecond: data.calls / seconds,
  };
}

// ---------------------------------------------------------------------------
// freshness
// ---------------------------------------------------------------------------

/** cdrflow_collector_records_published_total by kind. */
function recordsByKind(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^cdrflow_collector_records_published_total\{[^}]*kind="([^"]+)"[^}]*\} (\S+)$/gm)) {
    out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return out;
}

/** Calls per file, counted as the queue_log source sees them: one ENTERQUEUE per queued contact. */
function queueLogCalls(file: string): number {
  let n = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line.includes('|ENTERQUEUE|')) n += 1;
  return n;
}

async function freshness(
  bench: Bench,
  options: Required<
    Pick<PipelineBenchOptions, 'freshnessSeconds' | 'freshnessRate' | 'freshnessIntervalMs' | 'freshnessSource'>
  >,
): Promise<{ latenciesS: number[]; cpu: CpuDelta; drops: number; callsPerDrop: number; windowSeconds: number }> {
  const drops = Math.round((options.freshnessSeconds * 1000) / options.freshnessIntervalMs);
  const callsPerDrop = Math.round((options.freshnessRate * options.freshnessIntervalMs) / 1000);
  const follow = options.freshnessSource === 'follow';
  // Small files as a PBX rotates them: the export split into ~one working day per file (~500 in its 24 months),
  // of which the first is a warm-up (new label sets are scraped once at 0: ScrapeGate) and the next `drops` are measured.
  const FILES = 480;
  if (drops + 1 > FILES) throw new Error(`at most ${FILES - 1} drops`);
  const data = await benchExport('queue_log', { calls: FILES * callsPerDrop, seed: bench.seed, files: FILES });
  const used = data.files.slice(0, drops + 1);
  const perFile = used.map(queueLogCalls);
  const d = deployment(bench, `freshness-${options.freshnessSource}`, 'queue_log', { follow });
  const staged = follow ? used : stage(d, used);
  const aggregator = await startAggregator(d, 1);
  const collector = await startCollector(d);
  const context = () => [collector, aggregator].map((s) => `--- ${s.name} (${s.logFile})\n${s.tail()}`).join('\n');
  const put = (i: number) => {
    if (follow) appendFileSync(d.followPath!, readFileSync(staged[i]!));
    else dropStaged(d, [staged[i]!]);
  };
  try {
    await Promise.all([waitReady(aggregator), waitReady(collector)]);
    put(0);
    let cumulative = perFile[0]!;
    await waitOffered(aggregator, cumulative, context);
    bench.log(
      `freshness: warm-up drop counted; ${drops} drops of ${callsPerDrop} calls every ${options.freshnessIntervalMs} ms`,
    );
    const cpu = cpuWindow({ broker: bench.kafka.pid, collector: collector.pid, aggregator: aggregator.pid });
    const dropAt: number[] = [];
    const targets: number[] = [];
    const seenAt: number[] = [];
    const start = performance.now();
    let next = 1;
    let pending = 0; // index into dropAt of the oldest drop not yet seen
    while (pending < drops) {
      const now = performance.now();
      while (next <= drops && now >= start + (next - 1) * options.freshnessIntervalMs) {
        put(next);
        dropAt.push(performance.now());
        cumulative += perFile[next]!;
        targets.push(cumulative);
        next += 1;
      }
      if (pending < dropAt.length) {
        const counted = await countedBy([aggregator]);
        const at = performance.now();
        while (pending < dropAt.length && counted.offered >= targets[pending]!) {
          seenAt[pending] = at;
          pending += 1;
        }
      }
      if (!aggregator.alive() || !collector.alive()) throw new Error(`a service exited\n${context()}`);
      if (performance.now() - start > options.freshnessSeconds * 1000 + 120_000) {
        throw new Error(`drops not counted 120 s after the load ended (${pending}/${drops})\n${context()}`);
      }
      await sleep(100);
    }
    const windowSeconds = (performance.now() - start) / 1000;
    const usedCpu = cpu();
    const counted = await countedBy([aggregator]);
    if (counted.offered !== cumulative) {
      throw new Error(`freshness: counted ${counted.offered} calls, dropped ${cumulative}\n${context()}`);
    }
    return {
      latenciesS: dropAt.map((t, i) => (seenAt[i]! - t) / 1000),
      cpu: usedCpu,
      drops,
      callsPerDrop: (cumulative - perFile[0]!) / drops,
      windowSeconds,
    };
  } finally {
    await collector.stop();
    await aggregator.stop();
  }
}

async function waitOffered(aggregator: Service, calls: number, context: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await countedBy([aggregator])).offered < calls) {
    if (Date.now() > deadline) throw new Error(`warm-up drop not counted within 120 s\n${context()}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------
// scale-out
// ---------------------------------------------------------------------------

/** Partitions each aggregator owns, from its consumer-lag gauge (one series per owned partition). */
async function ownedPartitions(aggregator: Service): Promise<number> {
  const text = await scrape(aggregator);
  return text
    .split('\n')
    .filter((l) => l.startsWith('cdrflow_aggregator_consumer_lag_messages{') && l.includes('calls')).length;
}

async function scaleoutRun(bench: Bench, format: ExportFormat, data: BenchExport, members: number, run: number) {
  const d = deployment(bench, `scaleout-${members}-${run}`, format, {
    // The members are paused while the backlog is published: keep them in the group meanwhile.
    kafka: { sessionTimeoutMs: 600_000, heartbeatIntervalMs: 3_000 },
  });
  const staged = stage(d, data.files);
  const [shimPort] = await freePorts(1);
  const shim = startProcess({
    name: 'chdb-http',
    args: ['--import', 'tsx', 'infra/local/chdb-http.ts', '--path', join(d.dir, 'chdb'), '--port', String(shimPort)],
    env: {},
    logFile: join(d.dir, 'chdb-http.log'),
  });
  const url = `http://127.0.0.1:${shimPort}`;
  const aggregators: Service[] = [];
  let collector: Service | undefined;
  const context = () =>
    [shim, ...aggregators, ...(collector ? [collector] : [])]
      .map((s) => `--- ${s.name} (${s.logFile})\n${s.tail()}`)
      .join('\n');
  try {
    for (let deadline = Date.now() + 60_000; ;) {
      if (!shim.alive()) throw new Error(`chdb-http exited\n${shim.tail()}`);
      const ok = await fetch(`${url}/ping`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`chdb-http not answering\n${shim.tail()}`);
      await sleep(200);
    }
    for (let i = 1; i <= members; i++) aggregators.push(await startAggregator(d, i, url));
    await Promise.all(aggregators.map((a) => waitReady(a)));
    // Every partition of the calls topic owned, by every member (the group has settled).
    for (let deadline = Date.now() + 90_000; ;) {
      const owned = await Promise.all(aggregators.map(ownedPartitions));
      if (owned.every((n) => n > 0) && owned.reduce((a, b) => a + b, 0) === bench.partitions) break;
      if (Date.now() > deadline) throw new Error(`group did not settle: owned ${owned.join('+')}\n${context()}`);
      await sleep(250);
    }
    for (const a of aggregators) a.child.kill('SIGSTOP');
    collector = await startCollector(d);
    await waitReady(collector);
    dropStaged(d, staged);
    for (let deadline = Date.now() + 600_000; ;) {
      const published = metricWith(await scrape(collector), 'cdrflow_collector_files_total', 'status="published"');
      if (published >= data.files.length) break;
      if (Date.now() > deadline || !collector.alive()) throw new Error(`collector did not publish\n${context()}`);
      await sleep(250);
    }
    await collector.stop();
    const pids: Record<string, number> = { broker: bench.kafka.pid, 'chdb-http': shim.pid };
    aggregators.forEach((a) => (pids[a.name] = a.pid));
    const cpu = cpuWindow(pids);
    const t0 = performance.now();
    for (const a of aggregators) a.child.kill('SIGCONT');
    const { at } = await waitCounted(aggregators, data.totals, { everyMs: 250, context });
    const used = cpu();
    const seconds = (at - t0) / 1000;
    for (const a of aggregators)
      if ((await a.stop()) !== 0) throw new Error(`${a.name} did not stop cleanly\n${context()}`);
    const stored = await runChdbTask({
      kind: 'verify',
      url,
      reportZone: BENCH_REPORTING.zone,
      fiscalYearStartMonth: BENCH_REPORTING.fiscalYearStartMonth,
    });
    checkQuarters(`scale-out ${members} run ${run}`, stored.quarters, data.byFiscalQuarter);
    bench.log(
      `scale-out ${members} aggregator(s) run ${run}: ${seconds.toFixed(2)} s, ${fmt(data.calls / seconds)} calls/s; interval_stats checked; CPU s: ${cpuLine(used)}`,
    );
    return { seconds, collectorSeconds: 0, callsPerSecond: data.calls / seconds, cpu: used, published: {} };
  } finally {
    await collector?.stop();
    for (const a of aggregators) await a.stop();
    await shim.stop();
  }
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

function machineInfo(): string {
  const cpu = cpus();
  return [
    `- CPU: ${cpu[0]?.model ?? '?'}, ${cpu.length} cores (shared with other work)`,
    `- Node ${process.version}, Kafka ${KAFKA_VERSION} (one KRaft node, 512 MB heap, on this machine)`,
    `- load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `- date: ${new Date().toISOString()}`,
  ].join('\n');
}

/** `broker 1.2, collector 3.4, …` CPU seconds, for the progress log. */
function cpuLine(cpu: CpuDelta): string {
  return Object.entries(cpu)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
}

function cpuTable(title: string, runs: { cpu: CpuDelta; seconds: number }[]): string {
  const names = Object.keys(runs[0]?.cpu ?? {});
  const lines = [
    `| ${title} | CPU s (median) | share of wall time (median) |`,
    '|---|---|---|',
    ...names.map((n) => {
      const s = runs.map((r) => r.cpu[n] ?? 0);
      const share = runs.map((r) => (r.cpu[n] ?? 0) / r.seconds);
      return `| ${n} | ${fmt(median(s), 1)} (${spread(s, 1)}) | ${fmt(median(share) * 100)} % of one core |`;
    }),
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// Entry
// ---------------------------------------------------------------------------

/** The broker and temp folder of the run in progress, for the SIGINT handler. */
let activeKafka: LocalKafka | undefined;
let activeRoot: { path: string; keep: boolean } | undefined;

export async function runPipelineBench(options: PipelineBenchOptions = {}): Promise<PipelineBenchResult> {
  const log = options.log ?? ((m: string) => process.stderr.write(`[pipeline-bench] ${m}\n`));
  const modes = options.modes ?? ['e2e', 'freshness', 'scaleout'];
  const calls = options.calls ?? 1_000_000;
  const runs = options.runs ?? 3;
  const root = mkdtempSync(join(tmpdir(), 'cdrflow-pipeline-bench-'));
  log(`working in ${root}`);
  const kafka = await startKafka({ dataDir: join(root, 'kafka'), log: (m) => log(`kafka: ${m}`) });
  activeKafka = kafka;
  activeRoot = { path: root, keep: options.keep === true };
  const bench: Bench = {
    root,
    kafka,
    log,
    partitions: options.partitions ?? 6,
    seed: options.seed ?? BENCH_DEFAULT_SEED,
    deployments: 0,
  };
  const result: PipelineBenchResult = { markdown: '' };
  const md: string[] = [];
  const loadBefore = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  try {
    if (modes.includes('e2e')) {
      result.e2e = {};
      md.push(
        `### End to end: inbox → Kafka → aggregator → interval_stats (${fmt(calls)} calls, median of ${runs} runs)`,
        '',
        '| case | median s | spread s | calls/s (median) | calls/s spread | pipeline time ÷ chDB time |',
        '|---|---|---|---|---|---|',
      );
      const cpuSections: string[] = [];
      for (const format of options.e2eFormats ?? ['cdr_csv', 'queue_log']) {
        const data = await benchExport(format === 'cdr_csv' ? 'cdr_csv' : 'queue_log', {
          calls,
          seed: bench.seed,
          files: 1,
        });
        log(`${format}: ${fmt(data.calls)} calls, ${fmt(data.lines)} lines, ${fmt(data.bytes / 1e6, 1)} MB`);
        const pipelineRuns: E2eRun[] = [];
        const baselineRuns: BaselineRun[] = [];
        for (let run = 1; run <= runs; run++) {
          // Interleaved, so drift in the machine's other load falls on both sides.
          if (format === 'cdr_csv') baselineRuns.push(await baselineRun(bench, data, run));
          pipelineRuns.push(await e2eRun(bench, format, data, run));
        }
        result.e2e[format] = { runs: pipelineRuns, ...(format === 'cdr_csv' ? { baseline: baselineRuns } : {}) };
        const s = pipelineRuns.map((r) => r.seconds);
        const rate = pipelineRuns.map((r) => r.callsPerSecond);
        if (format === 'cdr_csv') {
          const bs = baselineRuns.map((r) => r.seconds);
          const brate = baselineRuns.map((r) => r.callsPerSecond);
          md.push(
            `| baseline: chDB \`INSERT … SELECT FROM file()\` + quarterly KPIs in SQL, CDR CSV | ${fmt(median(bs), 2)} | ${spread(bs, 2)} | ${fmt(median(brate))} | ${spread(brate)} | 1.00 |`,
            `| &nbsp;&nbsp;of which load / KPI query | ${fmt(median(baselineRuns.map((r) => r.loadSeconds)), 2)} / ${fmt(median(baselineRuns.map((r) => r.kpiSeconds)), 2)} | | | | |`,
          );
          md.push(
            `| cdrflow: CDR CSV (${fmt(data.bytes / 1e6)} MB) | ${fmt(median(s), 2)} | ${spread(s, 2)} | ${fmt(median(rate))} | ${spread(rate)} | ${fmt(median(s) / median(bs), 1)} |`,
          );
        } else {
          md.push(
            `| cdrflow: queue_log (${fmt(data.bytes / 1e6)} MB, ${fmt(data.lines)} lines) | ${fmt(median(s), 2)} | ${spread(s, 2)} | ${fmt(median(rate))} | ${spread(rate)} | – |`,
          );
        }
        const kinds = Object.entries(pipelineRuns[0]?.published ?? {})
          .map(([k, n]) => `${k} ${fmt(n)}`)
          .join(', ');
        const cs = pipelineRuns.map((r) => r.collectorSeconds);
        md.push(
          `| &nbsp;&nbsp;of which until the collector had published the file | ${fmt(median(cs), 2)} | ${spread(cs, 2)} | | | |`,
          `| &nbsp;&nbsp;records the collector published: ${kinds} | | | | | |`,
        );
        cpuSections.push(cpuTable(`${format}: process`, pipelineRuns));
      }
      md.push(
        '',
        'CPU seconds per process over the timed window (drop → last call counted):',
        '',
        ...cpuSections.flatMap((s) => [s, '']),
      );
    }
    if (modes.includes('freshness')) {
      const f = {
        freshnessSeconds: options.freshnessSeconds ?? 60,
        freshnessRate: options.freshnessRate ?? 2_000,
        freshnessIntervalMs: options.freshnessIntervalMs ?? 1_000,
        freshnessSource: options.freshnessSource ?? 'inbox',
      };
      const r = await freshness(bench, f);
      const l = r.latenciesS;
      result.freshness = { latenciesS: l, p50: percentile(l, 50), p99: percentile(l, 99), max: Math.max(...l) };
      md.push(
        `### Freshness: ${f.freshnessSource === 'inbox' ? 'file renamed into the inbox' : 'lines appended to the followed queue_log'} → aggregator's \`cdrflow_calls_offered_total\``,
        '',
        `Steady load: ${r.drops} drops, one every ${f.freshnessIntervalMs} ms for ${f.freshnessSeconds} s, each about one working day of queue_log (on average ${fmt(r.callsPerDrop)} calls, ${fmt((r.callsPerDrop * 1000) / f.freshnessIntervalMs)} calls/s, plus that day's agent events); /metrics scraped every 100 ms; collector inbox scan every 1 s${f.freshnessSource === 'follow' ? ', follow poll 200 ms' : ''}.`,
        '',
        '| samples | p50 s | p99 s | max s | min s |',
        '|---|---|---|---|---|',
        `| ${l.length} | ${fmt(percentile(l, 50), 2)} | ${fmt(percentile(l, 99), 2)} | ${fmt(Math.max(...l), 2)} | ${fmt(Math.min(...l), 2)} |`,
        '',
        cpuTable(`process (steady window, ${fmt(r.windowSeconds, 1)} s)`, [{ cpu: r.cpu, seconds: r.windowSeconds }]),
        '',
      );
    }
    if (modes.includes('scaleout')) {
      const format = options.scaleoutFormat ?? 'cdr_csv';
      const data = await benchExport(format, {
        calls,
        seed: bench.seed,
        files: 1,
      });
      result.scaleout = { 1: [], 2: [] };
      for (let run = 1; run <= runs; run++) {
        for (const members of [1, 2])
          result.scaleout[members]!.push(await scaleoutRun(bench, format, data, members, run));
      }
      const one = result.scaleout[1]!;
      const two = result.scaleout[2]!;
      md.push(
        `### Scale-out: drain a backlog of ${fmt(calls)} calls (${format}) from a ${bench.partitions}-partition topic, one ClickHouse (chDB HTTP shim)`,
        '',
        '| aggregators in the group | median s | spread s | calls/s (median) | calls/s spread | throughput ÷ 1 aggregator |',
        '|---|---|---|---|---|---|',
        ...[1, 2].map((m) => {
          const rs = result.scaleout![m]!;
          const s = rs.map((r) => r.seconds);
          const rate = rs.map((r) => r.callsPerSecond);
          return `| ${m} | ${fmt(median(s), 2)} | ${spread(s, 2)} | ${fmt(median(rate))} | ${spread(rate)} | ${fmt(median(one.map((r) => r.seconds)) / median(s), 2)} |`;
        }),
        '',
        cpuTable('1 aggregator: process', one),
        '',
        cpuTable('2 aggregators: process', two),
        '',
      );
    }
  } finally {
    await stopAll();
    await kafka.stop();
    activeKafka = undefined;
    if (options.keep !== true) rmSync(root, { recursive: true, force: true });
    else log(`kept ${root}`);
  }
  md.push(
    '#### Machine',
    '',
    machineInfo(),
    `- load average at the start: ${loadBefore}`,
    `- command: \`npx tsx test/bench/pipeline.ts ${process.argv.slice(2).join(' ')}\``,
  );
  result.markdown = md.join('\n');
  return result;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      calls: { type: 'string' },
      runs: { type: 'string' },
      format: { type: 'string' },
      seconds: { type: 'string' },
      rate: { type: 'string' },
      'interval-ms': { type: 'string' },
      'freshness-source': { type: 'string' },
      keep: { type: 'boolean' },
    },
  });
  const mode = positionals[0] ?? 'all';
  const modes: PipelineMode[] =
    mode === 'all'
      ? ['e2e', 'freshness', 'scaleout']
      : mode === 'e2e' || mode === 'freshness' || mode === 'scaleout'
        ? [mode]
        : [];
  if (modes.length === 0) throw new Error(`unknown mode ${mode}: e2e, freshness, scaleout or all`);
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v.replaceAll('_', '')));
  const format = values.format as ExportFormat | undefined;
  const onSignal = (signal: string) => {
    process.stderr.write(`[pipeline-bench] ${signal}: stopping the services and the broker\n`);
    void stopAll()
      .then(() => activeKafka?.stop())
      .then(() => {
        if (activeRoot !== undefined && !activeRoot.keep) rmSync(activeRoot.path, { recursive: true, force: true });
      })
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  const result = await runPipelineBench({
    modes,
    ...(num(values.calls) === undefined ? {} : { calls: num(values.calls)! }),
    ...(num(values.runs) === undefined ? {} : { runs: num(values.runs)! }),
    ...(format === undefined ? {} : { e2eFormats: [format], scaleoutFormat: format }),
    ...(num(values.seconds) === undefined ? {} : { freshnessSeconds: num(values.seconds)! }),
    ...(num(values.rate) === undefined ? {} : { freshnessRate: num(values.rate)! }),
    ...(num(values['interval-ms']) === undefined ? {} : { freshnessIntervalMs: num(values['interval-ms'])! }),
    ...(values['freshness-source'] === undefined
      ? {}
      : { freshnessSource: values['freshness-source'] as 'inbox' | 'follow' }),
    keep: values.keep === true,
  });
  process.stdout.write(`${result.markdown}\n`);
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await main();
}
