import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { topicPartitionKey, type Bus, type Topics } from '@cdrflow/bus';
import { isCandidateFile, type FileOutcome } from '@cdrflow/collector';
import { formatCount, periodContaining, type Calendar } from '@cdrflow/kpi';
import { decodeMessage } from '@cdrflow/schema';
import type { PlannedFile } from '@cdrflow/collector';
import type { Config } from '@cdrflow/config';
import { ConfigError } from '@cdrflow/config';
import type { EmbeddedPipeline } from './embedded-pipeline';

/**
 * `cdrflow backfill`: years of historical exports through the same collector →
 * bus → aggregator path as `ingest`, with progress, resumable after any
 * interruption (the collector's ledger skips finished files; a file cut off
 * mid-way is read again and its repeats are absorbed by the aggregator's
 * dedupe), ending with the range of contacts it loaded.
 */

type Source = Config['sources'][number];

/** Which source each file is read as: one for all, or the folder layout `…/<source name>/…/<file>`. */
export type SourceAssignment = { kind: 'one'; source: Source } | { kind: 'layout'; sources: readonly Source[] };

export interface BackfillPlan {
  /** Grouped by source (in configuration order), each in file-name (rotation) order. */
  files: PlannedFile[];
  /** Files inside the folders given that lie under no folder named after a source: not read. */
  unassigned: string[];
}

/** Every candidate file under `dir`, at any depth; hidden folders and partial or temporary names are left out. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(path);
    return e.isFile() && isCandidateFile(e.name) ? [path] : [];
  });
}

/** The nearest folder from the file up to `root` (inclusive) that is named after a source. */
function sourceByLayout(file: string, root: string, sources: readonly Source[]): Source | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const found = sources.find((s) => s.name === basename(dir));
    if (found !== undefined || dir === root || dirname(dir) === dir) return found;
  }
}

/** Files and folders (read recursively) assigned to sources and put in the order they must be read. */
export function planBackfill(paths: readonly string[], assignment: SourceAssignment): BackfillPlan {
  const chosen = new Map<string, Source>();
  const unassigned: string[] = [];
  for (const given of paths) {
    const path = resolve(given);
    if (!existsSync(path)) throw new ConfigError(`${given} does not exist`);
    const folder = statSync(path).isDirectory();
    for (const file of folder ? filesUnder(path) : [path]) {
      const source =
        assignment.kind === 'one'
          ? assignment.source
          : sourceByLayout(file, folder ? path : dirname(path), assignment.sources);
      if (source !== undefined) chosen.set(file, source);
      else if (folder) unassigned.push(file);
      else {
        throw new ConfigError(
          `${given} is not in a folder named after a configured source (${sourceNames(assignment)}): name its source with --source`,
        );
      }
    }
  }
  const order = assignment.kind === 'one' ? [assignment.source.name] : assignment.sources.map((s) => s.name);
  const files = [...chosen]
    .map(([path, source]) => ({ source: source.name, path, bytes: statSync(path).size }))
    .sort(
      (a, b) =>
        order.indexOf(a.source) - order.indexOf(b.source) ||
        compareText(basename(a.path), basename(b.path)) ||
        compareText(a.path, b.path),
    );
  return { files, unassigned: [...new Set(unassigned)].filter((f) => !chosen.has(f)) };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sourceNames(assignment: SourceAssignment): string {
  return assignment.kind === 'one' ? assignment.source.name : assignment.sources.map((s) => s.name).join(', ');
}

/** Counts and rates of a backfill as it goes; `now` is injectable for tests. */
export class BackfillMeter {
  filesDone = 0;
  skipped = 0;
  records = 0;
  rejects = 0;
  /** Bytes of the files finished (loaded or skipped). */
  bytesDone = 0;
  private readonly startedAt: number;
  /**
   * The file being read (when it started, bytes read so far), and the bytes and
   * time of the files loaded: the reading speed for the ETA (skipped files are only hashed).
   */
  private readonly reading = { startedAt: 0, bytes: 0, loadedBytes: 0, loadedMs: 0 };

  constructor(
    readonly filesTotal: number,
    readonly bytesTotal: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Files read and published (the others were skipped as already loaded). */
  get loaded(): number {
    return this.filesDone - this.skipped;
  }

  get rows(): number {
    return this.records + this.rejects;
  }

  get bytesRead(): number {
    return this.bytesDone + this.reading.bytes;
  }

  get elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  /** Time since the current (or last) file was started. */
  get fileElapsedMs(): number {
    return this.now() - this.reading.startedAt;
  }

  fileStarted(): void {
    this.reading.startedAt = this.now();
    this.reading.bytes = 0;
  }

  progress(bytesRead: number): void {
    this.reading.bytes = bytesRead;
  }

  fileDone(file: PlannedFile, outcome: FileOutcome): void {
    this.filesDone += 1;
    this.bytesDone += file.bytes;
    this.reading.bytes = 0;
    if (outcome.status === 'duplicate') this.skipped += 1;
    else {
      this.records += outcome.records;
      this.rejects += outcome.rejects;
      this.reading.loadedBytes += file.bytes;
      this.reading.loadedMs += this.now() - this.reading.startedAt;
    }
  }

  /** Rows (records and rejected rows) per second of wall time so far. */
  rowsPerSecond(): number {
    const seconds = this.elapsedMs / 1000;
    return seconds > 0 ? this.rows / seconds : 0;
  }

  /** Seconds left at the reading speed of the files loaded so far; null until there is one. */
  etaSeconds(): number | null {
    const current = this.reading.bytes > 0 ? this.now() - this.reading.startedAt : 0;
    const bytes = this.reading.loadedBytes + this.reading.bytes;
    const ms = this.reading.loadedMs + current;
    if (bytes === 0 || ms === 0) return null;
    return ((this.bytesTotal - this.bytesRead) * ms) / bytes / 1000;
  }
}

/** 42 s, 3 min 05 s, 2 h 07 min. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** `1 file`, `2 files`. */
export const fileCount = (n: number): string => `${formatCount(n)} ${n === 1 ? 'file' : 'files'}`;

const megabytes = (bytes: number): string => (bytes / 1_000_000).toFixed(1);

/** A path as the user would type it from here. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') || r === '' ? path : r;
}

/** What the user sees while a backfill runs. */
export interface BackfillProgress {
  fileStarted(file: PlannedFile): void;
  progress(bytesRead: number): void;
  fileDone(file: PlannedFile, outcome: FileOutcome): void;
  /** Something to say between files (an interrupt was received). */
  note(text: string): void;
  stop(): void;
}

/**
 * A progress bar on a terminal; on anything else (a pipe, a CI log) one plain
 * line per file and a summary every `summaryEverySeconds`, without ANSI codes.
 */
export function backfillProgress(
  meter: BackfillMeter,
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  summaryEverySeconds: number,
): BackfillProgress {
  return stream.isTTY === true ? barProgress(meter, stream) : logProgress(meter, stream, summaryEverySeconds);
}

function etaText(meter: BackfillMeter): string {
  const eta = meter.etaSeconds();
  return eta === null ? '…' : formatDuration(eta);
}

function barProgress(meter: BackfillMeter, stream: NodeJS.WritableStream): BackfillProgress {
  const bar = new SingleBar(
    {
      format: 'backfill |{bar}| {percentage}% | {files} files | {rows} rows | {rate} rows/s | ETA {eta_text} | {file}',
      stream,
      hideCursor: true,
      barsize: 25,
    },
    Presets.shades_classic,
  );
  let file = '';
  const payload = () => ({
    files: `${meter.filesDone}/${meter.filesTotal}`,
    rows: formatCount(meter.rows),
    rate: formatCount(Math.round(meter.rowsPerSecond())),
    eta_text: etaText(meter),
    file,
  });
  bar.start(meter.bytesTotal, 0, payload());
  return {
    fileStarted: (f) => {
      file = basename(f.path);
      bar.update(meter.bytesRead, payload());
    },
    progress: () => bar.update(meter.bytesRead, payload()),
    fileDone: () => bar.update(meter.bytesRead, payload()),
    note: (text) => {
      file = text;
      bar.update(meter.bytesRead, payload());
    },
    stop: () => bar.stop(),
  };
}

function logProgress(meter: BackfillMeter, stream: NodeJS.WritableStream, everySeconds: number): BackfillProgress {
  const say = (line: string) => stream.write(`backfill: ${line}\n`);
  const timer = setInterval(
    () =>
      say(
        `${meter.filesDone}/${meter.filesTotal} files, ${formatCount(meter.rows)} rows, ` +
          `${formatCount(Math.round(meter.rowsPerSecond()))} rows/s, ` +
          `${megabytes(meter.bytesRead)} of ${megabytes(meter.bytesTotal)} MB read, ETA ${etaText(meter)}`,
      ),
    everySeconds * 1000,
  );
  timer.unref();
  return {
    fileStarted: () => undefined,
    progress: () => undefined,
    fileDone: (file, outcome) => {
      const where = `${meter.filesDone}/${meter.filesTotal} ${file.source} ${shown(file.path)}`;
      say(
        outcome.status === 'duplicate'
          ? `${where}: skipped, already loaded (same content as ${shown(outcome.sameAs)})`
          : `${where}: ${formatCount(outcome.records + outcome.rejects)} rows, ${formatCount(outcome.rejects)} rejected, ` +
              formatDuration(meter.fileElapsedMs / 1000) +
              (outcome.alsoAs.length === 0
                ? ''
                : `; the same content was loaded before as ${outcome.alsoAs.map((f) => `"${f.source}"`).join(', ')}, where it still counts`),
      );
    },
    note: say,
    stop: () => clearInterval(timer),
  };
}

export interface BackfillResult {
  interrupted: boolean;
  /** How long the aggregator took, after the last file, to write what was still held. */
  drainMs: number;
  /** The `file` the loaded contacts carry: each file read, or for a skipped one the file it was first loaded as. */
  recordFiles: Set<string>;
}

/**
 * Reads the planned files in order through the pipeline (files stay where they
 * are) until done or `stop.requested`, then waits until the aggregator has
 * written everything published.
 */
export async function runBackfill(
  pipeline: EmbeddedPipeline,
  plan: readonly PlannedFile[],
  meter: BackfillMeter,
  progress: BackfillProgress,
  stop: { requested: boolean },
): Promise<BackfillResult> {
  const recordFiles = new Set<string>();
  let interrupted = false;
  for (const file of plan) {
    if (stop.requested) {
      interrupted = true;
      break;
    }
    meter.fileStarted();
    progress.fileStarted(file);
    const outcome = await pipeline.collector.collectFile(file.source, file.path);
    meter.fileDone(file, outcome);
    progress.fileDone(file, outcome);
    recordFiles.add(outcome.status === 'duplicate' ? outcome.sameAs : file.path);
  }
  const draining = Date.now();
  await pipeline.aggregator.drain();
  return { interrupted, drainMs: Date.now() - draining, recordFiles };
}

/** Offsets a scan of the record topics starts from: the ends as of now, or 0 everywhere. */
export async function recordTopicEnds(bus: Bus, topics: Topics): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (const topic of [topics.calls, topics.surveys]) {
    for (const [partition, end] of await bus.endOffsets(topic)) ends.set(topicPartitionKey({ topic, partition }), end);
  }
  return ends;
}

/**
 * Arrival times of the first and last contact (call, visit or survey response)
 * on the bus from `from` on (missing partitions: from 0) that came from one of
 * `files`: the range a backfill loaded, also across an interrupted earlier run.
 */
export async function loadedRange(
  bus: Bus,
  topics: Topics,
  from: ReadonlyMap<string, number>,
  files: ReadonlySet<string>,
): Promise<{ firstMs: number; lastMs: number } | null> {
  let firstMs = Infinity;
  let lastMs = -Infinity;
  const consumer = bus.consumer({ groupId: 'cdrflow-backfill-range', topics: [topics.calls, topics.surveys] });
  await consumer.start({
    onAssign: () => Promise.resolve(from),
    onBatch: (batch) => {
      for (const m of batch.messages) {
        for (const record of decodeMessage(m.value).records) {
          const at =
            record.schema === 'call.v1' ? record.arrivedAt : record.schema === 'survey.v1' ? record.at : undefined;
          if (at === undefined || !files.has(record.file)) continue;
          firstMs = Math.min(firstMs, at);
          lastMs = Math.max(lastMs, at);
        }
      }
      return Promise.resolve();
    },
  });
  await consumer.caughtUp();
  await consumer.stop();
  return firstMs === Infinity ? null : { firstMs, lastMs };
}

/** The local days of the first and last contact, as `report --from/--to` takes them. */
export function rangeDays(
  range: { firstMs: number; lastMs: number },
  calendar: Calendar,
): { from: string; to: string } {
  return {
    from: periodContaining(range.firstMs, 'day', calendar).key,
    to: periodContaining(range.lastMs, 'day', calendar).key,
  };
}

/** The line that ends a backfill, on stderr. */
export function summaryLine(meter: BackfillMeter, drainedMs: number): string {
  return (
    `${fileCount(meter.loaded)} loaded, ${formatCount(meter.skipped)} skipped as already loaded; ` +
    `${formatCount(meter.records)} records and ${formatCount(meter.rejects)} rejected rows ` +
    `in ${formatDuration(meter.elapsedMs / 1000)} (${formatCount(Math.round(meter.rowsPerSecond()))} rows/s, ` +
    `${megabytes(meter.bytesDone)} MB; the last writes to ClickHouse took ${formatDuration(drainedMs / 1000)})`
  );
}
