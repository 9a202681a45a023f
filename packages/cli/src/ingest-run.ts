import type { ProgressListener } from '@cdrflow/collector';
import type { GroupBy } from '@cdrflow/store';
import type { QuarterAverage } from '@cdrflow/kpi';
import { ConfigError } from '@cdrflow/config';
import { definitionChangeNotice } from '@cdrflow/report';
import { loadConfig, loadConfigFromFlags, sourceDefinitions, type Config, type SourceConfig } from '@cdrflow/config';
import { collectPlanned, type PlannedFile } from '@cdrflow/collector';
import { progressBar } from './progress';
import { buildReport, resolvePeriod, type PeriodSelector } from '@cdrflow/report';
import { renderReport, type OutputFormat } from '@cdrflow/report';
import { EmbeddedPipeline, type openStore } from './embedded-pipeline';
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
  });
  // How each CDR source decides "answered", under the KPI definitions (none for other sources).
  report.definitions.push(...sourceDefinitions(config.sources));
  // On stderr, so `--format json` stays valid JSON.
  const notice = await definitionChangeNotice(store, config.kpi, config.reporting);
  if (notice !== null) process.stderr.write(`cdrflow: ${notice}\n`);
  process.stdout.write(renderReport(report, options.format, { rejectsCommand: rejectsCommand(g) }) + '\n');
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
    const summary = await collectPlanned(pipeline.collector, plan);
    await pipeline.aggregator.drain();
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

/**
 * The source `ingest --format … [--source …] [--zone …]` reads as: a configured
 * one, or one made up for the run. `flag` names the format option in errors.
 */
export function ingestSource(
  config: Config,
  options: { format: string; source?: string; zone?: string },
  flag = '--format',
): Config['sources'][number] {
  if (options.format.startsWith('mapped:')) {
    const name = options.format.slice('mapped:'.length);
    const found = config.sources.find((s) => s.name === name);
    if (found === undefined || found.format !== 'mapped') {
      throw new ConfigError(`${flag} ${options.format}: no mapped source named "${name}" in the configuration`);
    }
    return found;
  }
  const formats = ['queue_log', 'queue_log_db', 'cdr_csv'] as const;
  const format = formats.find((f) => f === options.format);
  if (format === undefined) {
    throw new ConfigError(`${flag} must be one of ${formats.join(', ')} or mapped:<source>, not "${options.format}"`);
  }
  const name = options.source ?? format.replace(/_/g, '-');
  const configured = config.sources.find((s) => s.name === name);
  if (configured !== undefined) {
    if (configured.format !== format) {
      throw new ConfigError(`source "${name}" is configured as ${configured.format}, not ${format}`);
    }
    return configured;
  }
  const adHoc = loadConfig({
    file: null,
    env: {},
    dataDir: config.dataDir,
    ...(config.callerKey === null ? {} : { fallbackCallerKey: config.callerKey }),
    inline: {
      sources: [
        format === 'cdr_csv'
          ? { name, format, cdr: options.zone === undefined ? {} : { zone: options.zone } }
          : { name, format, queueLog: options.zone === undefined ? {} : { zone: options.zone } },
      ],
    },
  });
  return adHoc.sources[0] as SourceConfig & { inbox: string; archive: string };
}
