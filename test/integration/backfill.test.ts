import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage } from '@cdrflow/schema';
import { generateSample, type SampleSummary } from '../../fixtures/sample/generate';
import { BackfillMeter, backfillProgress, planBackfill } from '@cdrflow/cli';
import { loadConfig } from '@cdrflow/config';
import type { FileOutcome } from '@cdrflow/collector';
import { tempDir } from '../support/temp-dir';

/**
 * `cdrflow backfill` over the seeded sample (15 months, 360 files, 172,684
 * rows), in child processes through the real CLI as built (packages/cli/dist/main.js), each run
 * on its own data folder (chDB: one folder per process):
 *
 * - A: one uninterrupted run;
 * - B: the same files, stopped by SIGTERM after some files, then killed with
 *   SIGKILL while a file was half published, then run again to the end.
 *
 * B must end with exactly A's figures, and both with the sums of the
 * generator's expected.json (computed from its own contacts, not the files).
 */
const repo = join(import.meta.dirname, '..', '..');
const dir = tempDir('backfill');
const exports = join(dir, 'exports');
const config = join(dir, 'cdrflow.yaml');
const dataA = join(dir, 'data-a');
const dataB = join(dir, 'data-b');
const FILES = 360;

let sample: SampleSummary;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Running {
  kill(signal: NodeJS.Signals): void;
  stderr(): string;
  exited: Promise<Exit>;
}

function backfill(dataDir: string): Running {
  const child = spawn(
    process.execPath,
    [
      'packages/cli/dist/main.js',
      '--config',
      config,
      '--data',
      dataDir,
      'backfill',
      exports,
      '--format',
      'json',
      '--log-every',
      '5',
    ],
    {
      cwd: repo,
      env: {
        ...process.env,
        CDRFLOW_CALLER_KEY: 'backfill-test-key-0123456789',
        CDRFLOW_CONFIG: '',
        CDRFLOW_DATA_DIR: '',
        CLICKHOUSE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    kill: (signal) => child.kill(signal),
    stderr: () => stderr,
    exited: new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))),
  };
}

/** The per-file lines of a run's log: `backfill: 12/360 pbx …: 1,986 rows, …` or `…: skipped, …`. */
const fileLines = (stderr: string) => stderr.split('\n').filter((l) => /^backfill: \d+\/360 \S+ \S+: /.test(l));
const loadedLines = (stderr: string) => fileLines(stderr).filter((l) => / rows, \d+ rejected, /.test(l));

/** The collector's ledger: files finished, and the records published from them. */
function ledger(dataDir: string): { files: number; records: number } {
  const path = join(dataDir, 'collector-state.json');
  if (!existsSync(path)) return { files: 0, records: 0 };
  const state = JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, { records: number }> };
  const files = Object.values(state.files);
  return { files: files.length, records: files.reduce((n, f) => n + f.records, 0) };
}

const recordLogs = (dataDir: string) =>
  ['cdrflow.calls.v1', 'cdrflow.surveys.v1'].flatMap((topic) => {
    const folder = join(dataDir, 'bus', topic);
    return existsSync(folder) ? readdirSync(folder).map((f) => join(folder, f)) : [];
  });

/**
 * Contact records on the embedded bus (calls and surveys): each is one line of a
 * partition log. Agent-interval records share the surveys topic and are not
 * contacts (the ledger's `records` leaves them out too), so they are not counted.
 */
/** Contacts and rejects on the embedded bus (every record but agent times), read from its partition logs. */
function busRecords(dataDir: string): number {
  let records = 0;
  for (const file of recordLogs(dataDir)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      const [, value] = JSON.parse(line) as [string, string];
      records += decodeMessage(value).records.filter((r) => r.schema !== 'agent_time.v1').length;
    }
  }
  return records;
}

const busBytes = (dataDir: string) => recordLogs(dataDir).reduce((n, f) => n + statSync(f).size, 0);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ready` holds, or fails with the run's log if the run ends first. */
async function whileRunning(run: Running, ready: () => boolean): Promise<void> {
  let ended = false;
  void run.exited.then(() => (ended = true));
  while (!ready()) {
    if (ended) throw new Error(`the backfill ended before the test could interrupt it:\n${run.stderr()}`);
    await sleep(10);
  }
}

/**
 * Kills the run with SIGKILL while a file is half published: the bus has grown
 * since the ledger last changed. Returns false if it was too late (the file
 * got recorded first); the caller tries again.
 */
async function killMidFile(run: Running, dataDir: string, afterLoaded: number): Promise<boolean> {
  const ledgerFile = join(dataDir, 'collector-state.json');
  let stamp = '';
  let busAtStamp = 0;
  await whileRunning(run, () => {
    const s = statSync(ledgerFile);
    const now = `${s.mtimeMs}:${s.size}`;
    const bus = busBytes(dataDir);
    if (now !== stamp) [stamp, busAtStamp] = [now, bus];
    return loadedLines(run.stderr()).length >= afterLoaded && bus > busAtStamp;
  });
  run.kill('SIGKILL');
  const exit = await run.exited;
  expect(exit.signal).toBe('SIGKILL');
  return busRecords(dataDir) > ledger(dataDir).records;
}

interface Scenario {
  a: Exit;
  stopped: Exit;
  stoppedLedger: { files: number; records: number };
  stoppedBus: number;
  killedLedger: { files: number; records: number };
  killedBus: number;
  killAttempts: number;
  resumed: Exit;
}
let scenario: Scenario;

/** `report --format json` as printed at the end of a backfill. */
interface ReportJson {
  period: { key: string };
  total: Record<string, number | null>;
  faceToFace: Record<string, number | null>;
  survey: { responses: number; satisfied: number };
  outboundCalls: number;
  rejects: number;
}

const quarters = () => Object.values(sample.quarters);
const sum = (f: (q: SampleSummary['quarters'][string]) => number) => quarters().reduce((n, q) => n + f(q), 0);

describe('cdrflow backfill of the 15-month sample', () => {
  beforeAll(async () => {
    sample = await generateSample(exports);
    // The sample's own configuration, publishing in batches of 50 records so a
    // file is published in several sends and can be cut off half-way.
    const base = parseYaml(readFileSync(join(repo, 'fixtures', 'sample', 'cdrflow.yaml'), 'utf8')) as object;
    writeFileSync(config, toYaml({ ...base, collector: { publishBatchRecords: 50 } }));

    const runA = backfill(dataA).exited;

    const first = backfill(dataB);
    await whileRunning(first, () => loadedLines(first.stderr()).length >= 40);
    first.kill('SIGTERM');
    const stopped = await first.exited;
    const stoppedLedger = ledger(dataB);
    const stoppedBus = busRecords(dataB);

    let killAttempts = 0;
    let halfPublished = false;
    while (!halfPublished && killAttempts < 5) {
      killAttempts += 1;
      const run = backfill(dataB);
      halfPublished = await killMidFile(run, dataB, 30);
    }
    const killedLedger = ledger(dataB);
    const killedBus = busRecords(dataB);

    const resumed = await backfill(dataB).exited;
    scenario = { a: await runA, stopped, stoppedLedger, stoppedBus, killedLedger, killedBus, killAttempts, resumed };
  }, 900_000);

  it('loads every file once, leaves out what belongs to no source, and ends with the table for the range loaded', () => {
    const { a } = scenario;
    expect(a.code, a.stderr).toBe(0);
    const records = sum((q) => q.offered + q.faceToFace.visits + q.survey.responses + q.outboundCalls);
    expect(records).toBe(172_678);
    // visits-2020-04/05/06.csv are identical (header only: lockdown), so two are skipped by content.
    expect(a.stderr).toContain(
      `backfill: 358 files loaded, 2 skipped as already loaded; 172,678 records and ${sample.badRows.length} rejected rows in `,
    );
    expect(a.stderr).toMatch(
      /^backfill: 1 file under no folder named after a source \(pbx, cdr, tickets, survey\) left out, e\.g\. .*\/exports\/expected\.json$/m,
    );
    expect(a.stderr).toContain(
      'backfill: contacts loaded from 2019-04-01 to 2020-06-30 (2019-20Q1 to 2020-21Q1); the KPI table for that range follows',
    );

    const report = JSON.parse(a.stdout) as ReportJson;
    expect(report.period.key).toBe('2019-04-01..2020-06-30');
    expect(report.total).toMatchObject({
      offered: sum((q) => q.offered),
      answered: sum((q) => q.answered),
      abandoned: sum((q) => q.abandoned),
      timedOut: sum((q) => q.timedOut),
      exitedEmpty: sum((q) => q.exitedEmpty),
      exitedWithKey: sum((q) => q.exitedWithKey),
      avgWaitNumeratorMs: sum((q) => q.waitAnsweredSumSeconds) * 1000,
      maxWaitSeconds: Math.max(...quarters().map((q) => q.maxWaitSeconds ?? 0)),
    });
    expect(report.total.offered).toBe(128_546);
    expect(report.faceToFace.answered).toBe(sum((q) => q.faceToFace.served));
    expect(report.faceToFace.avgWaitNumeratorMs).toBe(sum((q) => q.faceToFace.waitServedSumSeconds) * 1000);
    expect(report.survey).toMatchObject({
      responses: sum((q) => q.survey.responses),
      satisfied: sum((q) => q.survey.satisfied),
    });
    expect(report.outboundCalls).toBe(sum((q) => q.outboundCalls));
    expect(report.rejects).toBe(sample.badRows.length);
  });

  it('logs one plain line per file and a summary every --log-every seconds when stderr is not a terminal', () => {
    const { a } = scenario;
    expect(a.stderr).not.toContain('\u001b');
    const lines = fileLines(a.stderr);
    expect(lines).toHaveLength(FILES);
    expect(lines[0]).toMatch(/^backfill: 1\/360 pbx .*queue_log-2019-04-01: [\d,]+ rows, 0 rejected, [\d.]+ (s|min)/);
    // Rotation order within a source, sources in configuration order.
    expect(lines[314]).toMatch(/^backfill: 315\/360 pbx .*queue_log-2020-06-30: /);
    expect(lines[315]).toMatch(/^backfill: 316\/360 cdr .*Master-2019-04\.csv: /);
    expect(lines.filter((l) => l.includes(': skipped, already loaded (same content as '))).toHaveLength(2);
    const megabytes = Object.values(sample.files).reduce((n, f) => n + f.bytes, 0) / 1_000_000;
    expect(a.stderr).toMatch(
      new RegExp(
        `^backfill: \\d+/360 files, [\\d,]+ rows, [\\d,]+ rows/s, [\\d.]+ of ${megabytes.toFixed(1)} MB read, ETA `,
        'm',
      ),
    );
  });

  it('stops between files on SIGTERM: exit 143, every file it logged is in the ledger, nothing half published', () => {
    const { stopped, stoppedLedger, stoppedBus } = scenario;
    expect(stopped.code, stopped.stderr).toBe(143);
    const done = fileLines(stopped.stderr).length;
    expect(done).toBeGreaterThanOrEqual(40);
    expect(stopped.stderr).toContain(
      `backfill: stopped after ${done} of 360 files: run the same command again to continue`,
    );
    expect(stopped.stdout).toBe('');
    expect(stoppedLedger.files).toBe(done);
    expect(stoppedBus).toBe(stoppedLedger.records);
  });

  it('after SIGKILL mid-file, the same command continues: finished files skipped, repeats absorbed, same figures as one run', () => {
    const { a, killedLedger, killedBus, killAttempts, resumed, stoppedLedger } = scenario;
    expect(killAttempts).toBeLessThan(5);
    // Killed with part of a file on the bus but the file not in the ledger.
    expect(killedBus).toBeGreaterThan(killedLedger.records);
    expect(killedLedger.files).toBeGreaterThan(stoppedLedger.files);

    expect(resumed.code, resumed.stderr).toBe(0);
    const skipped = killedLedger.files + 2;
    expect(resumed.stderr).toContain(
      `backfill: ${FILES - skipped} files loaded, ${skipped} skipped as already loaded;`,
    );
    expect(resumed.stderr).toContain(
      'backfill: contacts loaded from 2019-04-01 to 2020-06-30 (2019-20Q1 to 2020-21Q1)',
    );
    // The half-published file was read again in full, so the bus holds more records than were loaded ...
    expect(busRecords(dataB)).toBeGreaterThan(172_678);
    // ... and none of them is counted twice.
    expect(JSON.parse(resumed.stdout)).toEqual(JSON.parse(a.stdout));
  });
});

describe('backfill building blocks', () => {
  it('assigns files to sources by folder, reads each source in file-name order and leaves out the rest', () => {
    const root = join(dir, 'layout');
    for (const f of ['cdr/2019/Master-2019-05.csv', 'cdr/2018/Master-2019-04.csv', 'pbx/b', 'pbx/old/a', 'misc/x']) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), 'x');
    }
    writeFileSync(join(root, 'pbx', '.hidden'), 'x');
    writeFileSync(join(root, 'pbx', 'c.part'), 'x');
    const { sources } = loadConfig({
      file: null,
      env: {},
      inline: {
        sources: [
          { name: 'pbx', format: 'queue_log' },
          { name: 'cdr', format: 'cdr_csv' },
        ],
      },
    });
    const plan = planBackfill([root, join(root, 'pbx', 'b')], { kind: 'layout', sources });
    expect(plan.files.map((f) => `${f.source} ${f.path.slice(root.length + 1)}`)).toEqual([
      'pbx pbx/old/a',
      'pbx pbx/b',
      'cdr cdr/2018/Master-2019-04.csv',
      'cdr cdr/2019/Master-2019-05.csv',
    ]);
    expect(plan.unassigned).toEqual([join(root, 'misc', 'x')]);
    expect(() => planBackfill([join(root, 'misc', 'x')], { kind: 'layout', sources })).toThrow(
      /misc\/x is not in a folder named after a configured source \(pbx, cdr\): name its source with --source/,
    );
  });

  it('draws a progress bar with files, rows, rows/s and ETA on a terminal', () => {
    let now = 0;
    let written = '';
    const meter = new BackfillMeter(2, 2000, () => now);
    const tty = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          written += chunk.toString();
          done();
        },
      }),
      { isTTY: true, columns: 200 },
    );
    const progress = backfillProgress(meter, tty, 30);
    const file = { source: 'pbx', path: '/x/queue_log-2019-04-01', bytes: 1000 };
    meter.fileStarted();
    progress.fileStarted(file);
    now = 1000;
    meter.progress(500);
    progress.progress(500);
    now = 2000;
    const done: FileOutcome = {
      status: 'published',
      file: file.path,
      records: 40,
      rejects: 2,
      bytes: 1000,
      rebuiltCalls: 0,
      alsoAs: [],
    };
    meter.fileDone(file, done);
    progress.fileDone(file, done);
    progress.stop();
    expect(written).toContain('\u001b');
    // 1,000 of 2,000 bytes in 2 s of reading: 2 s to go; 42 rows in 2 s.
    expect(written).toMatch(/50% \| 1\/2 files \| 42 rows \| 21 rows\/s \| ETA 2\.0 s \| queue_log-2019-04-01/);
  });
});
