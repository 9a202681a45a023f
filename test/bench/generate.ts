/**
 * Seeded synthetic exports at bench scale (1,000,000 calls by default) in each
 * input format the collector reads, for the parse bench (test/bench/parse.ts)
 * and the end-to-end pipeline bench (test/bench/pipeline/).
 *
 * One stream of contacts, three renderings. The calls are drawn month by
 * month by the sample generator's own code (fixtures/sample/lib:
 * generatePhoneMonth with a bench MonthPlan per month, its queues, agents,
 * waits and repeat callers), over 24 months of Europe/London office hours,
 * April 2019 – March 2021, so eight financial quarters and both GMT and BST
 * occur. Each month draws its abandon share in 10–15 %, ~1 % timeouts and a
 * few EXITEMPTY/EXITWITHKEY; answered waits follow a gamma with a monthly
 * mean of 60–300 s (nearly all under 20 minutes, capped by each queue's
 * timeout). Callers: the sample's pool of drama numbers (a few hundred
 * households ringing again and again) for 60 % of calls, the rest drawn from
 * a million numbers of the unallocated 01632 code, so about a third of a
 * million distinct callers ring a million times.
 *
 * - `queue_log`: Asterisk queue_log file form, written by the sample's
 *   `queueLogDay` (ENTERQUEUE, CONNECT, COMPLETECALLER/COMPLETEAGENT,
 *   ABANDON, EXITWITHTIMEOUT, EXITEMPTY, EXITWITHKEY, RINGNOANSWER, the
 *   agents' ADDMEMBER/PAUSE/UNPAUSE/REMOVEMEMBER and a few QUEUESTART /
 *   CONFIGRELOAD), epoch seconds, in time order.
 * - `cdr_csv`: Master.csv with loguniqueid and loguserfield (18 columns),
 *   one row per inbound call in hang-up order: `clid` with a quoted name
 *   (`"""SMITH, J"" <01632…>"`), `lastapp` Queue with `lastdata`
 *   `queue,rt,,,timeout` (commas inside a quoted field; `r` rings the caller
 *   instead of music on hold, so the line is answered when an agent answers
 *   and `answer − start` is the queue wait), local times.
 * - `mapped_csv`: the sample's queue-ticket export (`ticketRow`, BOM, CRLF,
 *   `dd/MM/yyyy HH:mm:ss` local times) with each call as a ticket: answered
 *   → SERVED (called at arrival + wait), abandoned → LEFT, any other exit →
 *   NOSHOW.
 *
 * How the totals are computed: from the generator's own call list as it is
 * drawn (the sample's `Tally`), never by parsing a file, so the benches check
 * the parsers against an independent count. Definitions follow docs/kpi.md
 * with the default settings `abandonedExits: []`, `shortAbandonSeconds: 0`,
 * `waitBasis: answered` (BENCH_KPI_SETTINGS):
 * - calls: contacts written, each one record of the parser (every contact is
 *   inbound, so calls = offered);
 * - answered: contacts an agent took; answeredWaitMs: Σ of their queue waits
 *   (CONNECT holdtime; CDR answer − start; ticket called − issued), in ms;
 * - abandoned: queue_log ABANDON only (timeouts and exits are not, with
 *   `abandonedExits: []`); in CDR every unanswered call is `NO ANSWER` or
 *   `CANCEL`, which the CDR reader can only call abandoned (docs/formats.md:
 *   CDR has no exit reason), so there abandoned = calls − answered; tickets:
 *   LEFT only (NOSHOW is `other`);
 * - short abandons: none are dropped (`shortAbandonSeconds: 0`); with a
 *   threshold the totals would no longer match the report's offered and
 *   abandoned.
 * Every time is in office hours, far from the 01:00–02:00 DST change, so a
 * local wall-clock time names one instant and local-time formats read back
 * the drawn waits exactly. byFiscalQuarter groups by local arrival month,
 * April-start financial year, keyed like `2020-21 Q1` (the CLI's
 * `--quarter` form is the key without the space: `2020-21Q1`).
 *
 * Files are cached under `dir` by (format, calls, seed, files, generator
 * version); a second call returns the manifest at once.
 *
 *   npx tsx test/bench/generate.ts [queue_log|cdr_csv|mapped_csv|all] [--calls N] [--seed N] [--files N] [--dir D]
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CDR_CSV_DEFAULT_COLUMNS } from '@cdrflow/formats';
import { CallerPool } from '../../fixtures/sample/lib/callers';
import { Tally } from '../../fixtures/sample/lib/expected';
import { generatePhoneMonth, type InboundCall, type PhoneDay } from '../../fixtures/sample/lib/phone';
import { QUEUE_SPECS, type MonthPlan, type QueueName } from '../../fixtures/sample/lib/plan';
import { apportion, streamFor, type Prng } from '../../fixtures/sample/lib/prng';
import { queueLogDay, systemEventsFor } from '../../fixtures/sample/lib/queue-log';
import { TICKET_HEADER, TICKET_SERVICES, ticketRow, type TicketService } from '../../fixtures/sample/lib/tickets';
import { fiscalQuarterOf, formatCdrDate, workingDays } from '../../fixtures/sample/lib/uk-time';

export type BenchFormat = 'queue_log' | 'cdr_csv' | 'mapped_csv';
export const BENCH_FORMATS: readonly BenchFormat[] = ['queue_log', 'cdr_csv', 'mapped_csv'];

/** Computed from the generator's own call list, never by parsing. */
export interface BenchTotals {
  calls: number;
  answered: number;
  abandoned: number;
  answeredWaitMs: number;
}

export interface BenchExport {
  format: BenchFormat;
  /** Absolute paths, in name order (the order the collector reads them). */
  files: string[];
  calls: number;
  /** Physical lines written, header lines included. */
  lines: number;
  bytes: number;
  totals: BenchTotals;
  /** By financial quarter of local arrival, e.g. `2020-21 Q1`. */
  byFiscalQuarter: Record<string, BenchTotals>;
  seed: number;
  /** The source name the records carry (`<source>:<id>`), as in benchSource(). */
  source: string;
  /** BENCH_GENERATOR_VERSION of the code that wrote the files. */
  generatorVersion: number;
}

export interface BenchExportOptions {
  /** @default 1_000_000 */
  calls?: number;
  /** @default BENCH_DEFAULT_SEED */
  seed?: number;
  /** Split into this many files (whole days each, in rotation order). @default 1 */
  files?: number;
  /** @default <repo>/.cdrflow/bench/data */
  dir?: string;
}

/** Bump when anything changes the bytes written for the same options: cached files are then regenerated. */
export const BENCH_GENERATOR_VERSION = 2;
export const BENCH_DEFAULT_SEED = 20190401;
export const BENCH_DEFAULT_CALLS = 1_000_000;
export const BENCH_ZONE = 'Europe/London';
const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BENCH_DEFAULT_DIR = join(REPO, '.cdrflow', 'bench', 'data');

/** The KPI settings the totals assume (docs/kpi.md defaults), for a cdrflow.yaml `kpi:` section. */
export const BENCH_KPI_SETTINGS = {
  waitBasis: 'answered',
  abandonedExits: [],
  shortAbandonSeconds: 0,
} as const;

/** For a cdrflow.yaml `reporting:` section: quarters as the totals group them. */
export const BENCH_REPORTING = { zone: BENCH_ZONE, fiscalYearStartMonth: 4 } as const;

const QUEUE_SERVICES: Record<string, string> = Object.fromEntries(
  Object.entries(QUEUE_SPECS).map(([queue, spec]) => [queue, spec.service]),
);

/** queue_log source settings, as in a cdrflow.yaml `sources:` entry. */
export const BENCH_QUEUE_LOG_SOURCE = {
  name: 'pbx',
  format: 'queue_log',
  queueLog: { queueServices: QUEUE_SERVICES, openCallTimeoutMinutes: 240 },
} as const;

/** The 18-column Master.csv layout written here (cdr.conf [csv] loguniqueid, loguserfield). */
export const BENCH_CDR_COLUMNS = [...CDR_CSV_DEFAULT_COLUMNS, 'uniqueid', 'userfield'] as const;

/** CDR CSV source settings: queue from Queue()'s first argument in lastdata. */
export const BENCH_CDR_SOURCE = {
  name: 'cdr',
  format: 'cdr_csv',
  cdr: {
    columns: [...BENCH_CDR_COLUMNS],
    zone: BENCH_ZONE,
    queueFrom: 'lastdata',
    queueServices: QUEUE_SERVICES,
  },
} as const;

/** The sample's queue-ticket mapping (fixtures/sample/cdrflow.yaml, source `tickets`). */
export const BENCH_MAPPED_SOURCE = {
  name: 'tickets',
  format: 'mapped',
  mapped: {
    kind: 'calls',
    channel: 'face_to_face',
    timeFormat: 'dd/MM/yyyy HH:mm:ss',
    zone: BENCH_ZONE,
    columns: {
      id: 'ticket_id',
      arrivedAt: 'issued_at',
      answeredAt: 'called_at',
      endedAt: 'closed_at',
      outcome: 'status',
      queue: 'service',
      agent: 'desk',
    },
    outcomes: { SERVED: 'answered', LEFT: 'abandoned', NOSHOW: 'other' },
    queueServices: { ...TICKET_SERVICES },
  },
} as const;

/** The `sources:` entry that ingests a format's files (add `inbox:` or use `cdrflow ingest --source`). */
export function benchSource(
  format: BenchFormat,
): typeof BENCH_QUEUE_LOG_SOURCE | typeof BENCH_CDR_SOURCE | typeof BENCH_MAPPED_SOURCE {
  switch (format) {
    case 'queue_log':
      return BENCH_QUEUE_LOG_SOURCE;
    case 'cdr_csv':
      return BENCH_CDR_SOURCE;
    case 'mapped_csv':
      return BENCH_MAPPED_SOURCE;
  }
}

/** Financial years 2019-20 and 2020-21. */
const MONTHS: readonly string[] = Array.from({ length: 24 }, (_, i) => {
  const m = 3 + i; // 0-based months from January 2019
  return `${2019 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
});

/** Seasonal load by calendar month (council tax bills in spring, quiet in August and December). */
const SEASON = [1.15, 1.0, 1.05, 1.2, 1.1, 1.0, 0.95, 0.85, 1.0, 1.05, 1.0, 0.8];

/** Month plans with the month's calls and a drawn outcome mix and mean answered wait. */
function monthPlans(calls: number, rng: Prng): MonthPlan[] {
  const weights = MONTHS.map((month) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    return workingDays(y, m).length * (SEASON[m - 1] ?? 1) * (0.9 + 0.2 * rng.next());
  });
  const offered = apportion(calls, weights);
  return MONTHS.map((month, i) => {
    const n = offered[i] ?? 0;
    const abandoned = Math.round(n * (0.1 + 0.05 * rng.next()));
    const timedOut = Math.round(n * 0.01);
    const exitedEmpty = Math.round(n * 0.0005);
    const exitedWithKey = Math.round(n * 0.002);
    return {
      month,
      offered: n,
      abandoned,
      timedOut,
      exitedEmpty,
      exitedWithKey,
      avgWaitAnswered: rng.int(60, 300),
      visits: 0,
      f2fWaitFactor: 1,
      surveyResponses: 0,
      surveyUnsatisfied: 0,
      outbound: 0,
    };
  });
}

/**
 * The sample's callers for 60 % of calls (its frequent callers and 15,000
 * drama numbers), else a number of the 01632 code, which Ofcom keeps for
 * drama and has never allocated: a realistic spread of distinct callers.
 */
class BenchCallers extends CallerPool {
  override draw(rng: Prng): string {
    if (rng.next() < 0.6) return super.draw(rng);
    return `01632${String(rng.int(0, 999_999)).padStart(6, '0')}`;
  }
}

/** Asterisk uniqueids `epoch.seq`: the caller's channel, then the agent's leg when it is answered. */
function assignIds(day: PhoneDay, seq: number): number {
  let next = seq;
  for (const c of day.calls) {
    c.callid = `${c.enter}.${next++}`;
    if (c.outcome === 'answered') c.agentLegId = `${c.enter + c.wait - c.ring}.${next++}`;
  }
  return next;
}

const SURNAMES = ['SMITH', 'JONES', 'WILLIAMS', 'TAYLOR', 'BROWN', 'DAVIES', "O'NEILL", 'PATEL', 'KHAN', 'WRIGHT'];
const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
/** cdr_csv.c append_string: always quoted, `"` doubled. */
const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** One Master.csv row for an inbound queued call (loguniqueid, loguserfield). */
function inboundCdrRow(c: InboundCall, n: number): string {
  const answered = c.outcome === 'answered';
  const answer = c.enter + c.wait;
  const end = answered ? answer + c.talk : answer;
  const name = c.callerId === 'anonymous' ? 'Anonymous' : `${SURNAMES[n % SURNAMES.length]}, ${'ABCDEFGHJK'[n % 10]}`;
  return [
    quote(''),
    quote(c.callerId),
    quote('01632960100'),
    quote('from-pstn'),
    quote(`"${name}" <${c.callerId}>`),
    quote(`PJSIP/trunk-${hex8(n)}`),
    quote(answered && c.agent !== null ? `${c.agent}-${hex8(n + 1)}` : ''),
    quote('Queue'),
    quote(`${c.queue},rt,,,${QUEUE_SPECS[c.queue].timeoutSeconds}`),
    quote(formatCdrDate(c.enter)),
    answered ? quote(formatCdrDate(answer)) : '',
    quote(formatCdrDate(end)),
    String(end - c.enter),
    String(answered ? c.talk : 0),
    quote(answered ? 'ANSWERED' : n % 7 === 0 ? 'CANCEL' : 'NO ANSWER'),
    quote('DOCUMENTATION'),
    quote(c.callid),
    quote(''),
  ].join(',');
}

const TICKET_CODE: Record<QueueName, TicketService> = {
  'council-tax': 'CTAX',
  benefits: 'BENS',
  housing: 'HOUS',
  waste: 'ENV',
  switchboard: 'GEN',
};

/** One ticket row: the call as a visit (see the header comment). */
function ticketFor(c: InboundCall, ticketId: string): string {
  const left = c.enter + c.wait;
  const status = c.outcome === 'answered' ? 'SERVED' : c.outcome === 'abandoned' ? 'LEFT' : 'NOSHOW';
  return ticketRow({
    ticketId,
    service: TICKET_CODE[c.queue],
    issued: c.enter,
    called: status === 'LEFT' ? null : left,
    closed: status === 'SERVED' ? left + c.talk : status === 'NOSHOW' ? left + 120 : left,
    status,
    desk: status === 'LEFT' ? '' : `Desk ${(Number((c.agent ?? '').slice(-2)) % 8) + 1}`,
    monthKey: c.monthKey,
  });
}

const quarterKey = (monthKey: string): string => fiscalQuarterOf(monthKey).replace('Q', ' Q');

function totalsOf(t: Tally, format: BenchFormat): BenchTotals {
  return {
    calls: t.offered,
    answered: t.answered,
    abandoned: format === 'cdr_csv' ? t.offered - t.answered : t.abandoned,
    answeredWaitMs: t.waitAnsweredSum * 1000,
  };
}

/** Writes strings to one file at a time, opening the next when told, and counts what it wrote. */
class FileSplitter {
  readonly files: string[] = [];
  bytes = 0;
  lines = 0;
  private stream: WriteStream | null = null;

  constructor(
    private readonly dir: string,
    private readonly format: BenchFormat,
  ) {}

  async open(name: string): Promise<void> {
    await this.close();
    const path = join(this.dir, name);
    this.files.push(path);
    this.stream = createWriteStream(path);
    if (this.format === 'mapped_csv') {
      // The ticket system is a Windows product: a BOM, then CRLF lines.
      this.bytes += 3;
      await this.write('\uFEFF', 0);
      await this.writeLines([TICKET_HEADER]);
    }
  }

  async writeLines(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const eol = this.format === 'mapped_csv' ? '\r\n' : '\n';
    const text = lines.join(eol) + eol;
    this.bytes += Buffer.byteLength(text);
    await this.write(text, lines.length);
  }

  private async write(text: string, lines: number): Promise<void> {
    const stream = this.stream;
    if (stream === null) throw new Error('no file open');
    this.lines += lines;
    if (!stream.write(text)) await new Promise<void>((done) => stream.once('drain', done));
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (stream === null) return;
    await new Promise<void>((done, fail) => {
      stream.once('error', fail);
      stream.end(done);
    });
  }
}

function fileName(format: BenchFormat, firstDay: string | null): string {
  const suffix = firstDay === null ? '' : `-${firstDay.replaceAll('-', '')}`;
  switch (format) {
    case 'queue_log':
      return `queue_log${suffix}`;
    case 'cdr_csv':
      return `Master${suffix}.csv`;
    case 'mapped_csv':
      return `tickets${suffix}.csv`;
  }
}

async function generate(format: BenchFormat, calls: number, seed: number, files: number, dir: string) {
  const rng = streamFor(seed, 'bench-phone');
  const rosterRng = streamFor(seed, 'bench-roster');
  const callers = new BenchCallers(streamFor(seed, 'bench-callers'));
  const systemRng = streamFor(seed, 'bench-system');
  const plans = monthPlans(calls, streamFor(seed, 'bench-plan'));
  const out = new FileSplitter(dir, format);
  const total = new Tally();
  const quarters = new Map<string, Tally>();
  let seq = 1000;
  let written = 0;
  let fileIndex = -1;
  for (const plan of plans) {
    const quarter = quarterKey(plan.month);
    const tally = quarters.get(quarter) ?? new Tally();
    quarters.set(quarter, tally);
    for (const day of generatePhoneMonth(plan, rng, rosterRng, callers)) {
      // A day goes to the file its first call falls in when the calls are cut into `files` equal runs.
      const wanted = Math.min(files - 1, Math.floor((written * files) / calls));
      if (wanted > fileIndex) {
        fileIndex = wanted;
        await out.open(fileName(format, files === 1 ? null : day.day.key));
      }
      seq = assignIds(day, seq);
      for (const c of day.calls) {
        tally.addCall(c);
        total.addCall(c);
      }
      if (format === 'queue_log') {
        const restart = systemRng.chance(1 / 60) ? new Set([day.day.key]) : new Set<string>();
        const reload = systemRng.chance(1 / 40) ? new Set([day.day.key]) : new Set<string>();
        await out.writeLines(queueLogDay(day, systemEventsFor(day.day.key, restart, reload)));
      } else if (format === 'cdr_csv') {
        // cdr_csv appends a row when the call hangs up.
        const ends = day.calls.map((c, i) => ({
          c,
          i,
          end: c.enter + c.wait + (c.outcome === 'answered' ? c.talk : 0),
        }));
        ends.sort((a, b) => a.end - b.end || a.i - b.i);
        await out.writeLines(ends.map(({ c, i }) => inboundCdrRow(c, seq + i * 2)));
      } else {
        const yymmdd = day.day.key.slice(2).replaceAll('-', '');
        await out.writeLines(day.calls.map((c, i) => ticketFor(c, `T${yymmdd}-${String(i + 1).padStart(4, '0')}`)));
      }
      written += day.calls.length;
    }
  }
  // Files a split left without a day still exist (empty, or a header only), so `files` paths always come back.
  while (out.files.length < files) await out.open(`${fileName(format, null)}.empty-${out.files.length}`);
  await out.close();
  if (total.offered !== calls) throw new Error(`generated ${total.offered} calls, not ${calls}`);
  const byFiscalQuarter: Record<string, BenchTotals> = {};
  for (const [key, t] of [...quarters].sort(([a], [b]) => a.localeCompare(b)))
    byFiscalQuarter[key] = totalsOf(t, format);
  return { files: out.files, lines: out.lines, bytes: out.bytes, totals: totalsOf(total, format), byFiscalQuarter };
}

/** A cached export's manifest: the export with paths relative to its folder. */
type Manifest = BenchExport;

/**
 * The bench export of `format`, generated on first use and cached on disk
 * under `dir` by (format, calls, seed, files, BENCH_GENERATOR_VERSION).
 */
export async function benchExport(format: BenchFormat, options: BenchExportOptions = {}): Promise<BenchExport> {
  const calls = options.calls ?? BENCH_DEFAULT_CALLS;
  const seed = options.seed ?? BENCH_DEFAULT_SEED;
  const files = options.files ?? 1;
  const dir = resolve(options.dir ?? BENCH_DEFAULT_DIR);
  if (!BENCH_FORMATS.includes(format)) throw new RangeError(`format must be one of ${BENCH_FORMATS.join(', ')}`);
  if (!Number.isSafeInteger(calls) || calls < 1) throw new RangeError(`calls must be a whole number ≥ 1, got ${calls}`);
  if (!Number.isSafeInteger(files) || files < 1 || files > calls)
    throw new RangeError(`files must be a whole number from 1 to calls, got ${files}`);
  const folder = join(dir, `${format}-${calls}-s${seed}-f${files}-v${BENCH_GENERATOR_VERSION}`);
  const cached = await readManifest(folder);
  if (cached !== null) return cached;

  const partial = `${folder}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const made = await generate(format, calls, seed, files, partial);
  const manifest: Manifest = {
    format,
    files: made.files.map((f) => f.slice(partial.length + 1)),
    calls,
    lines: made.lines,
    bytes: made.bytes,
    totals: made.totals,
    byFiscalQuarter: made.byFiscalQuarter,
    seed,
    source: benchSource(format).name,
    generatorVersion: BENCH_GENERATOR_VERSION,
  };
  await writeFile(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    await rename(partial, folder);
  } catch {
    // Another process finished the same export meanwhile (keep it), or a stale, incomplete one is in the way.
    if ((await readManifest(folder)) === null) {
      await rm(folder, { recursive: true, force: true });
      await rename(partial, folder);
    } else {
      await rm(partial, { recursive: true, force: true });
    }
  }
  const done = await readManifest(folder);
  if (done === null) throw new Error(`bench export in ${folder} did not verify after writing`);
  return done;
}

/** The cached export, or null when absent or not whole (a file missing or of another size). */
async function readManifest(folder: string): Promise<BenchExport | null> {
  let manifest: Manifest & { version?: number };
  try {
    manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as Manifest & { version?: number };
  } catch {
    return null;
  }
  // `version` is what the first manifests (same files) called it.
  const { version, ...written } = manifest;
  if ((written.generatorVersion ?? version) !== BENCH_GENERATOR_VERSION) return null;
  const files = manifest.files.map((f) => join(folder, f));
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += (await stat(f)).size;
    } catch {
      return null;
    }
  }
  if (bytes !== manifest.bytes) return null;
  return { ...written, generatorVersion: BENCH_GENERATOR_VERSION, files };
}

async function main(argv: readonly string[]): Promise<void> {
  const flag = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : Number(argv[i + 1]);
  };
  const which = argv.find((a, i) => !a.startsWith('--') && !(argv[i - 1] ?? '').startsWith('--')) ?? 'all';
  const formats = which === 'all' ? BENCH_FORMATS : [which as BenchFormat];
  for (const format of formats) {
    const started = performance.now();
    const options: BenchExportOptions = {};
    const calls = flag('--calls');
    const seed = flag('--seed');
    const files = flag('--files');
    if (calls !== undefined) options.calls = calls;
    if (seed !== undefined) options.seed = seed;
    if (files !== undefined) options.files = files;
    const dir = argv[argv.indexOf('--dir') + 1];
    if (argv.includes('--dir') && dir !== undefined) options.dir = dir;
    const e = await benchExport(format, options);
    const seconds = Math.round(performance.now() - started) / 1000;
    console.log(JSON.stringify({ ...e, byFiscalQuarter: undefined, seconds }, null, 2));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
