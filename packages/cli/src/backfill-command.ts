import { constants } from 'node:os';
import { Command, Option } from 'commander';
import { topicNames } from '@cdrflow/bus';
import { periodContaining } from '@cdrflow/kpi';
import type { GroupBy } from '@cdrflow/store';
import {
  BackfillMeter,
  backfillProgress,
  fileCount,
  loadedRange,
  planBackfill,
  rangeDays,
  recordTopicEnds,
  runBackfill,
  summaryLine,
  type BackfillProgress,
  type SourceAssignment,
} from './backfill';
import type { Config } from '@cdrflow/config';
import { ConfigError } from '@cdrflow/config';
import { positiveInt } from '@cdrflow/telemetry';
import { ingestSource, loadCliConfig, openPipeline, printReport, type GlobalOptions } from './ingest-run';
import { OUTPUT_FORMATS, type OutputFormat } from '@cdrflow/report';

interface BackfillOptions {
  source?: string;
  inputFormat?: string;
  zone?: string;
  columns?: string;
  logEvery: number;
  by?: GroupBy;
  format: OutputFormat;
}

function sourceAssignment(config: Config, o: BackfillOptions): SourceAssignment {
  if (o.inputFormat !== undefined) {
    const { source, notes } = ingestSource(
      config,
      { format: o.inputFormat, source: o.source, zone: o.zone, columns: o.columns },
      '--input-format',
    );
    for (const n of notes) process.stderr.write(`cdrflow: ${n}\n`);
    return { kind: 'one', source };
  }
  if (o.zone !== undefined) throw new ConfigError('--zone goes with --input-format');
  if (o.columns !== undefined) throw new ConfigError('--columns goes with --input-format cdr_csv');
  if (o.source !== undefined) {
    const source = config.sources.find((s) => s.name === o.source);
    if (source === undefined) {
      throw new ConfigError(
        `no source named "${o.source}" in the configuration: configure it, or name its format with --input-format`,
      );
    }
    return { kind: 'one', source };
  }
  if (config.sources.length === 0) {
    throw new ConfigError(
      'no sources are configured: add `sources:` to the config file, or name the format with --input-format',
    );
  }
  return { kind: 'layout', sources: config.sources };
}

/** SIGINT or SIGTERM asks the backfill to stop after the file in hand; a second one stops the process at once. */
function stopOnSignals(progress: BackfillProgress) {
  const stop = {
    requested: false,
    signal: undefined as NodeJS.Signals | undefined,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
  function onSignal(signal: NodeJS.Signals) {
    stop.requested = true;
    stop.signal = signal;
    progress.note(`${signal}: stopping after this file (again to stop at once; nothing is lost either way)`);
  }
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return stop;
}

const say = (line: string) => process.stderr.write(`backfill: ${line}\n`);

async function backfill(paths: string[], o: BackfillOptions, g: GlobalOptions): Promise<void> {
  const config = loadCliConfig(g);
  const assignment = sourceAssignment(config, o);
  const plan = planBackfill(paths, assignment);
  if (plan.unassigned.length > 0) {
    say(
      `${fileCount(plan.unassigned.length)} under no folder named after a source ` +
        `(${config.sources.map((s) => s.name).join(', ')}) left out, e.g. ${plan.unassigned[0]}`,
    );
  }
  if (plan.files.length === 0) throw new ConfigError(`no export files found in ${paths.join(', ')}`);
  const used = new Set(plan.files.map((f) => f.source));
  const sources = assignment.kind === 'one' ? [assignment.source] : config.sources.filter((s) => used.has(s.name));
  const { pipeline, progress: holder } = await openPipeline({ ...config, sources }, g);
  try {
    const topics = topicNames(config.bus.topicNamespace);
    const endsBefore = await recordTopicEnds(pipeline.bus, topics);
    const meter = new BackfillMeter(
      plan.files.length,
      plan.files.reduce((n, f) => n + f.bytes, 0),
    );
    const progress = backfillProgress(meter, process.stderr, o.logEvery);
    holder.listener = (e) => {
      meter.progress(e.bytesRead);
      progress.progress(e.bytesRead);
    };
    const stop = stopOnSignals(progress);
    let result;
    try {
      result = await runBackfill(pipeline, plan.files, meter, progress, stop);
    } finally {
      progress.stop();
      holder.listener = undefined;
      stop.release();
    }
    say(summaryLine(meter, result.drainMs));
    if (result.interrupted) {
      say(
        `stopped after ${meter.filesDone} of ${meter.filesTotal} files: run the same command again to continue (files already loaded are skipped)`,
      );
      process.exitCode = 128 + constants.signals[stop.signal ?? 'SIGINT'];
      return;
    }
    // After a resumed or repeated run, part of the range came from files loaded before: scan the bus from the start.
    const range = await loadedRange(
      pipeline.bus,
      topics,
      meter.skipped > 0 ? new Map() : endsBefore,
      result.recordFiles,
    );
    if (range === null) {
      say('these files hold no contacts, so there is no KPI table to show');
      return;
    }
    const days = rangeDays(range, config.reporting);
    const quarter = (ms: number) => periodContaining(ms, 'quarter', config.reporting).key;
    const quarters = [...new Set([quarter(range.firstMs), quarter(range.lastMs)])].join(' to ');
    say(`contacts loaded from ${days.from} to ${days.to} (${quarters}); the KPI table for that range follows`);
    await printReport(
      config,
      { ...days, format: o.format, ...(o.by === undefined ? {} : { by: o.by }) },
      pipeline.store,
      g,
    );
  } finally {
    await pipeline.close();
  }
}

/** `cdrflow backfill <paths...>`: register with `program.addCommand(backfillCommand())`. */
export function backfillCommand(): Command {
  return new Command('backfill')
    .description(
      'load historical exports (years of them) through collector → bus → aggregator → store, with progress; ' +
        'resumable: run it again after an interruption; ends with the KPI table for the range loaded',
    )
    .argument('<paths...>', 'files or folders (read recursively; per source in file-name, i.e. rotation, order)')
    .option(
      '-s, --source <name>',
      'read every file as this configured source (default: by folder, …/<source name>/… as in <dataDir>/inbox/<source>/)',
    )
    .option(
      '--input-format <format>',
      'read every file as `ingest --format` does: queue_log | queue_log_db | cdr_csv | mapped:<source> (with --source, --zone)',
    )
    .option('--zone <zone>', 'with --input-format: time zone of local times in the export, e.g. Europe/London')
    .option('--columns <layout>', 'with --input-format cdr_csv: auto, 16, 18, 19, 21 or names a,b,c (as ingest)')
    .option('--log-every <seconds>', 'when stderr is not a terminal: a summary line this often', positiveInt, 30)
    .addOption(
      new Option('--by <dimension>', 'also break the range down').choices(['queue', 'service', 'channel', 'source']),
    )
    .addOption(
      new Option('--format <format>', 'output format of the KPI table').choices(OUTPUT_FORMATS).default('table'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ cdrflow backfill /srv/exports                # …/pbx/queue_log-2019-04-01, …/cdr/Master-2019-04.csv: by folder name
  $ cdrflow backfill old/queue_log-* --source pbx
  $ cdrflow backfill /var/log/asterisk/archive --input-format queue_log --zone Europe/London`,
    )
    .action(async (paths: string[], options: BackfillOptions, command: Command) => {
      await backfill(paths, options, command.optsWithGlobals<GlobalOptions & BackfillOptions>());
    });
}
