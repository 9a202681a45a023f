import { existsSync } from 'node:fs';
import { FailureError } from '@cdrflow/errors';
import type { ProgressListener } from '@cdrflow/collector';
import type { GroupBy } from '@cdrflow/store';
import type { QuarterAverage } from '@cdrflow/kpi';
import { ConfigError } from '@cdrflow/config';
import { definitionChangeNotice } from '@cdrflow/report';
import {
  loadConfig,
  loadConfigFromFlags,
  overrideSource,
  sourceDefinitions,
  type Config,
  type SourceConfig,
} from '@cdrflow/config';
import { collectPlanned, type CollectSummary, type PlannedFile } from '@cdrflow/collector';
import { progressBar } from './progress';
import { buildReport, resolvePeriod, type PeriodSelector } from '@cdrflow/report';
import { renderReport, type OutputFormat } from '@cdrflow/report';
import { EmbeddedPipeline, type openStore } from './embedded-pipeline';
import { markIngestRunning, partialFiguresWarning } from './ingest-marker';
import { createLogger } from '@cdrflow/telemetry';
import { SAMPLE_CALLER_KEY, SAMPLE_CONFIG, SAMPLE_DATA_DIR } from './sample';

/**
 * What the `cdrflow` commands that read exports and print the committee table
 * share (`run`, `ingest`, `backfill`): the configuration from the global
 * options, the embedded pipeline, and the report at the end.
 */

/** The program-wide options (`cdrflow --config … --data … --sample --log-level …`). */
export interface GlobalOptions {
  config?: string;
  data?: string;
  sample?: boolean;
  logLevel: string;
}

export interface ReportOptions {
  quarter?: string;
  month?: string;
  year?: string;
  quarterAverage?: QuarterAverage;
  from?: string;
  to?: string;
  by?: GroupBy;
  format: OutputFormat;
}

/** How the user would list rejects for what they are looking at now. */
function rejectsCommand(g: GlobalOptions): string {
  if (g.sample === true) return 'npx cdrflow --sample rejects';
  return [
    'npx cdrflow',
    g.config === undefined ? '' : `--config ${g.config}`,
    g.data === undefined ? '' : `--data ${g.data}`,
    'rejects',
  ]
    .filter((p) => p !== '')
    .join(' ');
}

/**
 * The configuration the global options name: --sample, else --config (or
 * $CDRFLOW_CONFIG, ./cdrflow.yaml) and --data as the services read them.
 */
export function loadCliConfig(g: GlobalOptions): Config {
  if (g.sample === true) {
    return loadConfig({
      file: SAMPLE_CONFIG,
      dataDir: g.data ?? process.env.CDRFLOW_DATA_DIR ?? SAMPLE_DATA_DIR,
      fallbackCallerKey: SAMPLE_CALLER_KEY,
    });
  }
  return loadConfigFromFlags(g);
}

/** The period the options name; none gives the latest quarter. Shared by `report`, `run` and `abandoned`. */
export function selector(o: Pick<ReportOptions, 'quarter' | 'month' | 'year' | 'from' | 'to'>): PeriodSelector {
  const chosen = [o.quarter, o.month, o.year, o.from ?? o.to].filter((v) => v !== undefined).length;
  if (chosen > 1) throw new ConfigError('choose one of --quarter, --month, --year or --from/--to');
  if (o.quarter !== undefined) return { kind: 'quarter', key: o.quarter };
  if (o.month !== undefined) return { kind: 'month', key: o.month };
  if (o.year !== undefined) return { kind: 'year', key: o.year };
  if (o.from !== undefined || o.to !== undefined) {
    if (o.from === undefined || o.to === undefined) throw new ConfigError('--from and --to go together');
    return { kind: 'range', from: o.from, to: o.to };
  }
  return { kind: 'latest_quarter' };
}

export async function printReport(
  config: Config,
  options: ReportOptions,
  store: Awaited<ReturnType<typeof openStore>>,
  g: GlobalOptions,
) {
  const period = await resolvePeriod(store, selector(options), config.reporting);
  const report = await buildReport(store, {
    period,
    groupBy: options.by ?? null,
    settings: config.kpi,
    calendar: config.reporting,
    quarterAverage: options.quarterAverage ?? 'call-weighted',
    queueLogSources: config.sources
      .filter((s) => s.format === 'queue_log' || s.format === 'queue_log_db')
      .map((s) => s.name),
  });
  // How each CDR source decides "answered", under the KPI definitions (none for other sources).
  report.definitions.push(...sourceDefinitions(config.sources, config.reporting.zone));
  // On stderr, so `--format json` stays valid JSON.
  const notice = await definitionChangeNotice(store, config.kpi, config.reporting);
  if (notice !== null) process.stderr.write(`cdrflow: ${notice}\n`);
  const warning = partialFiguresWarning(config.dataDir);
  if (warning !== null && (options.format === 'csv' || options.format === 'html')) {
    process.stderr.write(`cdrflow: ${warning}\n`);
  }
  process.stdout.write(renderReport(report, options.format, { rejectsCommand: rejectsCommand(g), warning }) + '\n');
}

/** Some paths given to `ingest` did not exist; the others were read. */
export class MissingPathsError extends FailureError {
  override readonly name = 'MissingPathsError';
  readonly code = 'paths_missing';
  constructor(missing: readonly string[], given: number) {
    super(
      `${missing.length} of ${given} paths did not exist (named above)` +
        (missing.length < given ? `; the other ${given - missing.length} were ingested.` : '; nothing was ingested.'),
      { context: { missing } },
    );
  }
}

/** The paths that exist, each missing one named on stderr in a line of its own, so the rest can still be read. */
export function existingPaths(paths: readonly string[]): { present: string[]; missing: string[] } {
  const present: string[] = [];
  const missing: string[] = [];
  for (const p of paths) (existsSync(p) ? present : missing).push(p);
  for (const p of missing) process.stderr.write(`cdrflow: ${p} does not exist; skipped (the other paths are read)\n`);
  return { present, missing };
}

/** Reads the planned files through the pipeline, with a progress bar on a terminal. */
export async function ingestPlanned(
  pipeline: EmbeddedPipeline,
  plan: readonly PlannedFile[],
  progress: ProgressHolder,
) {
  const bar = progressBar(plan.reduce((n, f) => n + f.bytes, 0));
  progress.listener = bar?.listener;
  try {
    // Left in place if the ingest fails or is killed: a report then says the figures may be partial.
    const finished = markIngestRunning(pipeline.dataDir);
    const summary = await collectPlanned(pipeline.collector, plan);
    await pipeline.aggregator.drain();
    finished();
    return summary;
  } finally {
    bar?.stop();
    progress.listener = undefined;
  }
}

/** The summary's line about files whose last line was held back, or '' when there were none. */
export function heldLine(summary: { held: number; heldBytes: number }): string {
  if (summary.held === 0) return '';
  const files = summary.held === 1 ? '1 file ends' : `${summary.held} files end`;
  return (
    `${files} in a line still being written (${summary.heldBytes} bytes held back, not read): ` +
    `ingest again once it is finished, or pass --complete if it already is.\n`
  );
}

/** The summary's line about lines read before and absorbed, or '' when there were none. */
export function repeatedLine(summary: { repeatedLines: number }): string {
  if (summary.repeatedLines === 0) return '';
  return `${summary.repeatedLines} lines already read from an earlier file (a re-read or an overlapping re-export): counted once, not rejected.\n`;
}

export interface ProgressHolder {
  listener: ProgressListener | undefined;
}

export async function openPipeline(
  config: Config,
  g: GlobalOptions,
): Promise<{ pipeline: EmbeddedPipeline; progress: ProgressHolder }> {
  const log = createLogger(g.logLevel);
  const progress: ProgressHolder = { listener: undefined };
  const pipeline = await EmbeddedPipeline.open(config, log, (e) => progress.listener?.(e));
  return { pipeline, progress };
}

/** The source `ingest`/`backfill` reads as, and what the user should be told about how it was chosen. */
export interface IngestSource {
  source: Config['sources'][number];
  /** Sentences for stderr: the configured source taken, or the defaults of an ad-hoc one. */
  notes: string[];
}

type IngestFormat = 'queue_log' | 'queue_log_db' | 'cdr_csv';
const INGEST_FORMATS: readonly IngestFormat[] = ['queue_log', 'queue_log_db', 'cdr_csv'];

/** The settings an ad-hoc source of `format` reads with, as a sentence. */
function adHocDefaults(source: SourceConfig): string {
  switch (source.format) {
    case 'cdr_csv': {
      const c = source.cdr;
      const columns =
        c.columns === 'auto'
          ? 'columns auto (a header row, else 16 to 21 columns by their shape; stock cdr.conf writes 18)'
          : `columns ${c.columns.join(',')}`;
      return (
        `${columns}; zone ${c.zone} (cdr.conf.sample sets usegmtime=yes: then --zone UTC); every dcontext inbound; ` +
        `agents = legs of ${c.agentApps.join('|')} to any channel but Local/…`
      );
    }
    case 'queue_log':
      return `epoch times (UTC); calls still waiting after ${source.queueLog.openCallTimeoutMinutes} min are unclosed; no queue → service mapping`;
    case 'queue_log_db':
      return `time column in zone ${source.queueLog.zone}; calls still waiting after ${source.queueLog.openCallTimeoutMinutes} min are unclosed; no queue → service mapping`;
    case 'mapped':
      return 'its mapping';
  }
}

/**
 * The source `ingest --format … [--source …] [--zone …] [--columns …]` reads
 * as. `--source` names it; otherwise the one configured source of that format
 * (its columns, zone, contexts), a UsageError when several are configured, or
 * an ad-hoc source with the format's defaults, said in `notes`. `--zone` and
 * `--columns` override the source's own. `flag` names the format option in errors.
 */
export function ingestSource(
  config: Config,
  options: { format: string; source?: string | undefined; zone?: string | undefined; columns?: string | undefined },
  flag = '--format',
): IngestSource {
  const overrides = { zone: options.zone, columns: options.columns };
  if (options.format.startsWith('mapped:')) {
    const name = options.format.slice('mapped:'.length);
    const found = config.sources.find((s) => s.name === name);
    if (found === undefined || found.format !== 'mapped') {
      throw new ConfigError(`${flag} ${options.format}: no mapped source named "${name}" in the configuration`);
    }
    return { source: overrideSource(found, overrides), notes: [] };
  }
  const format = INGEST_FORMATS.find((f) => f === options.format);
  if (format === undefined) {
    throw new ConfigError(
      `${flag} must be one of ${INGEST_FORMATS.join(', ')} or mapped:<source>, not "${options.format}"`,
    );
  }
  const configured = chooseConfigured(config, format, options.source, flag);
  if (configured !== null) {
    const changed = [options.zone === undefined ? '' : '--zone', options.columns === undefined ? '' : '--columns']
      .filter((f) => f !== '')
      .join(' and ');
    const taken =
      options.source === undefined
        ? `read as the configured ${format} source "${configured.name}", with its settings`
        : `read as the configured source "${configured.name}"`;
    return {
      source: overrideSource(configured, overrides),
      notes: [`${taken}${changed === '' ? '' : ` (${changed} from the command line)`}`],
    };
  }
  const name = options.source ?? format.replace(/_/g, '-');
  const adHoc = loadConfig({
    file: null,
    env: {},
    dataDir: config.dataDir,
    ...(config.callerKey === null ? {} : { fallbackCallerKey: config.callerKey }),
    inline: { sources: [{ name, format }] },
  });
  const made = adHoc.sources[0] as Config['sources'][number];
  const source = overrideSource(made, overrides);
  const why =
    options.source === undefined
      ? `no ${format} source is configured`
      : `no source named "${options.source}" is configured`;
  return { source, notes: [`${why}: read as source "${name}" with ${adHocDefaults(source)}`] };
}

/** The configured source `--source` names (of this format), else the only one of the format; null for none. */
function chooseConfigured(
  config: Config,
  format: IngestFormat,
  named: string | undefined,
  flag: string,
): Config['sources'][number] | null {
  if (named !== undefined) {
    const found = config.sources.find((s) => s.name === named);
    if (found === undefined) return null;
    if (found.format !== format)
      throw new ConfigError(`source "${named}" is configured as ${found.format}, not ${format}`);
    return found;
  }
  const ofFormat = config.sources.filter((s) => s.format === format);
  if (ofFormat.length > 1) {
    throw new ConfigError(
      `${ofFormat.length} ${format} sources are configured (${ofFormat.map((s) => s.name).join(', ')}): ` +
        `say which with --source <name> (${flag} ${format} alone cannot choose)`,
    );
  }
  return ofFormat[0] ?? null;
}

/** What `ingest`/`backfill` tell on stderr about files skipped, or read again under another source. */
export function collectNotes(summary: CollectSummary): string[] {
  const notes: string[] = [];
  for (const s of summary.skipped) {
    notes.push(
      `${s.file}: skipped, already ingested as source "${s.source}" (same content as ${s.sameAs}, ${s.finishedAt})`,
    );
  }
  for (const r of summary.rereadAs) {
    const earlier = r.earlier.map((f) => `"${f.source}" (${f.finishedAt}, as ${f.name})`).join(', ');
    notes.push(
      `${r.file}: read as source "${r.source}"; the same content was ingested before as ${earlier}, ` +
        'and what it gave there still counts under that source',
    );
  }
  return notes;
}
