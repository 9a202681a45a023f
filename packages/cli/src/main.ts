import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError } from '@cdrflow/config';
import type { Config } from '@cdrflow/config';
import { planInboxes, planPaths } from '@cdrflow/collector';
import {
  collectNotes,
  existingPaths,
  heldLine,
  repeatedLine,
  ingestPlanned,
  ingestSource,
  MissingPathsError,
  loadCliConfig,
  openPipeline,
  printReport,
  selector,
  type GlobalOptions,
  type ReportOptions,
} from './ingest-run';
import { OUTPUT_FORMATS } from '@cdrflow/report';
import { openStore } from './embedded-pipeline';
import { LOG_LEVELS, createLogger, portNumber, positiveInt, reportError } from '@cdrflow/telemetry';
import { WallboardNeedsWatchError, watchRun } from './watch-run';
import { ensureSampleExports } from './sample';
import { callHandlingRules, DEFAULT_ALERT_RULE_OPTIONS } from '@cdrflow/ops';
import { dashboardJson, grafanaDashboards } from '@cdrflow/ops';
import { runAggregatorService } from '@cdrflow/aggregator';
import { pollIntervalOption, runCollectorService } from '@cdrflow/collector';
import { formatRejects } from '@cdrflow/report';
import { QUARTER_AVERAGES } from '@cdrflow/kpi';
import { ABANDONED_FORMATS, buildAbandonedView, renderAbandoned, type AbandonedFormat } from '@cdrflow/report';
import { reconcileCommands } from './reconcile-command';
import { backfillCommand } from './backfill-command';
import { agentsCommand } from './agents-command';
import { addPeriodOptions } from './period-options';
import { resolvePeriod } from '@cdrflow/report';

const program = new Command()
  .name('cdrflow')
  .description(
    'Exact call-handling KPIs from telephony exports (Asterisk queue_log, Asterisk CDR CSV, mapped vendor CSV).\n' +
      'Exports go collector → bus → aggregator → ClickHouse; reports read sums from ClickHouse, never averages.',
  )
  .option('-c, --config <file>', 'YAML configuration (default: ./cdrflow.yaml if present, or $CDRFLOW_CONFIG)')
  .option('-d, --data <dir>', 'data folder: chDB, bus logs, collector state (overrides dataDir and $CDRFLOW_DATA_DIR)')
  .option('--sample', 'use the built-in sample (a council contact centre, April 2019 – June 2020) and its data folder')
  .addOption(new Option('--log-level <level>', 'log detail on stderr').choices(LOG_LEVELS).default('warn'))
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    `
Examples:
  $ cdrflow --sample run                      # the built-in sample: ingest it, print the committee table
  $ cdrflow --sample rejects                  # the sample's rejected rows
  $ cdrflow ingest /var/log/asterisk/queue_log* --format queue_log --zone Europe/London
  $ cdrflow report --quarter 2020-21Q1 --by queue --format markdown
  $ cdrflow report --quarter 2020-21Q1 --quarter-average mean-of-months   # as published before cdrflow
  $ cdrflow abandoned --quarter 2020-21Q1 --format csv > abandoned.csv
  $ cdrflow agents --quarter 2020-21Q1 --pseudonymise-agents --format html > agents.html
  $ cdrflow reconcile --from 2020-04-01 --to 2020-06-30
  $ cdrflow backfill /srv/exports             # years of exports; resumable; ends with the KPI table
  $ cdrflow rejects --limit 20

Configuration reference: README.md, "Configuration". Environment: CDRFLOW_CONFIG, CDRFLOW_DATA_DIR,
CDRFLOW_CALLER_KEY (HMAC key for caller numbers), CLICKHOUSE_URL (omit for the embedded engine).`,
  );

/** Services log at info unless --log-level says otherwise; interactive commands at warn. */
function serviceLogger() {
  const explicit = program.getOptionValueSource('logLevel') !== 'default';
  return createLogger(explicit ? globals().logLevel : 'info');
}

function globals(): GlobalOptions {
  return program.opts<GlobalOptions>();
}

function load(): Config {
  return loadCliConfig(globals());
}

function addReportOptions(command: Command): Command {
  return addPeriodOptions(command)
    .addOption(
      new Option('--by <dimension>', 'also break the period down').choices(['queue', 'service', 'channel', 'source']),
    )
    .addOption(
      new Option(
        '--quarter-average <how>',
        'average waits of a quarter or year: call-weighted, or the mean of the monthly figures as published before cdrflow (footnoted)',
      )
        .choices(QUARTER_AVERAGES)
        .default('call-weighted'),
    )
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'));
}

addReportOptions(
  program
    .command('run')
    .description('ingest every configured inbox (embedded bus + ClickHouse), then print the latest quarter')
    .option(
      '--watch',
      'keep running: read new files once unchanged for one --interval (a file still being written waits)',
    )
    .option('--interval <seconds>', 'seconds between inbox scans with --watch', positiveInt, 10)
    .option(
      '--wallboard-port <port>',
      'with --watch: serve the live wallboard on this port (at / and /wallboard; 0 picks a free port)',
      portNumber,
    ),
).action(async (options: ReportOptions & { watch?: boolean; interval: number; wallboardPort?: number }) => {
  if (options.wallboardPort !== undefined && options.watch !== true) {
    throw new WallboardNeedsWatchError(
      '--wallboard-port needs --watch: the wallboard shows the live state a watching run holds',
    );
  }
  const config = load();
  if (globals().sample === true && (await ensureSampleExports(config.dataDir))) {
    process.stderr.write(`cdrflow: wrote the sample exports into ${config.dataDir}/inbox\n`);
  }
  if (config.sources.length === 0) {
    throw new ConfigError(
      'no sources are configured: add `sources:` to the config file, or try `cdrflow --sample run`',
    );
  }
  const { pipeline, progress } = await openPipeline(config, globals());
  try {
    const summary = await ingestPlanned(pipeline, planInboxes(config), progress);
    if (summary.published + summary.duplicates > 0) {
      process.stderr.write(
        `cdrflow: ${summary.published} files ingested (${summary.records} records, ${summary.rejects} rejected rows)${summary.duplicates > 0 ? `, ${summary.duplicates} skipped: same content as a file already ingested` : ''}\n`,
      );
      if (summary.repeatedLines > 0) process.stderr.write(`cdrflow: ${repeatedLine(summary)}`);
    }
    if ((await pipeline.store.latestArrivalMs()) !== null)
      await printReport(config, options, pipeline.store, globals());
    else if (options.watch === true) process.stderr.write('cdrflow: no contacts yet; watching the inboxes\n');
    else {
      throw new ConfigError(
        `no contacts yet: no export files were found in ${config.sources.map((s) => s.inbox).join(', ')}`,
      );
    }
    if (options.watch === true) {
      await watchRun(pipeline, config, {
        intervalSeconds: options.interval,
        wallboardPort: options.wallboardPort,
        onNewFiles: () => printReport(config, options, pipeline.store, globals()),
        log: createLogger(globals().logLevel),
      });
    }
  } finally {
    await pipeline.close();
  }
});

program
  .command('ingest')
  .description('read export files or folders through collector → bus → aggregator → store (files are not moved)')
  .argument('<paths...>', 'files or folders (a folder is read in file-name order, i.e. rotation order)')
  .requiredOption('-f, --format <format>', 'queue_log | queue_log_db | cdr_csv | mapped:<source name in the config>')
  .option(
    '-s, --source <name>',
    'source name, the prefix of every record id (default: the format, or a configured source of that name)',
  )
  .option('--zone <zone>', 'time zone of local times in the export, e.g. Europe/London (for queue_log_db and cdr_csv)')
  .option(
    '--columns <layout>',
    'cdr_csv column layout: auto (default: a header, else 16–21 columns by shape), 16, 18 (stock cdr.conf), 19, 21, or names a,b,c',
  )
  .option(
    '--complete',
    'the files are finished: read an unterminated last line too (by default it is held back while the file may still be written)',
  )
  .action(
    async (
      paths: string[],
      options: { format: string; source?: string; zone?: string; columns?: string; complete?: boolean },
    ) => {
      const config = load();
      const { source, notes } = ingestSource(config, options);
      for (const n of notes) process.stderr.write(`cdrflow: ${n}\n`);
      const { present, missing } = existingPaths(paths);
      if (present.length > 0) {
        const { pipeline, progress } = await openPipeline({ ...config, sources: [source] }, globals());
        try {
          const plan = planPaths(source, present, { complete: options.complete === true, nowMs: Date.now() });
          const summary = await ingestPlanned(pipeline, plan, progress);
          for (const n of collectNotes(summary)) process.stderr.write(`cdrflow: ${n}\n`);
          process.stdout.write(
            `${summary.published} files ingested as source "${source.name}": ${summary.records} records, ` +
              `${summary.rejects} rejected rows${summary.rejects > 0 ? ' (see `cdrflow rejects`)' : ''}, ` +
              `${summary.duplicates} files skipped as already ingested.\n` +
              (source.format === 'queue_log' || source.format === 'queue_log_db'
                ? `${summary.rebuiltCalls} calls rebuilt from a close without its ENTERQUEUE (its start in a file not given).\n`
                : '') +
              repeatedLine(summary) +
              heldLine(summary) +
              'Next: cdrflow report --quarter <key>\n',
          );
        } finally {
          await pipeline.close();
        }
      }
      if (missing.length > 0) throw new MissingPathsError(missing, paths.length);
    },
  );

program
  .command('collector')
  .description(
    'run the collector service: watch every configured inbox, publish to Kafka (KAFKA_BROKERS), archive when acknowledged',
  )
  .addOption(pollIntervalOption())
  .action(async (options: { pollInterval: number }) => {
    await runCollectorService({ config: load(), log: serviceLogger(), pollIntervalMs: options.pollInterval * 1000 });
  });

program
  .command('aggregator')
  .description(
    'run an aggregator service: consume from Kafka in a consumer group, write ClickHouse (CLICKHOUSE_URL or embedded)',
  )
  .action(async () => {
    await runAggregatorService({ config: load(), log: serviceLogger() });
  });

addReportOptions(
  program.command('report').description('print the committee table (and --by breakdowns) from ClickHouse'),
).action(async (options: ReportOptions) => {
  const config = load();
  const store = await openStore(config);
  try {
    await printReport(config, options, store, globals());
  } finally {
    await store.close();
  }
});

program
  .command('rejects')
  .description('list rejected rows with file, line and reason (docs/rejects.md explains each reason)')
  .option('-s, --source <name>', 'only this source')
  .option('-n, --limit <rows>', 'rows to show', positiveInt, 50)
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .action(async (options: { source?: string; limit: number; format: 'table' | 'json' | 'csv' }) => {
    const config = load();
    const store = await openStore(config);
    try {
      const listing = await store.listRejects({
        limit: options.limit,
        ...(options.source === undefined ? {} : { source: options.source }),
      });
      process.stdout.write(formatRejects(listing, options.format) + '\n');
    } finally {
      await store.close();
    }
  });

addPeriodOptions(
  program
    .command('abandoned')
    .description(
      'list the abandoned calls behind the rate: by queue (menu option) and wait band, one by one, and whether the caller got through later',
    ),
)
  .option(
    '--recovered-within <minutes>',
    'an abandon is recovered when the same caller is answered within this many minutes',
    positiveInt,
    60,
  )
  .option('-n, --limit <calls>', 'calls listed in table and Markdown output (CSV and JSON list all)', positiveInt, 50)
  .addOption(new Option('--format <format>', 'output format').choices(ABANDONED_FORMATS).default('table'))
  .action(
    async (
      options: Pick<ReportOptions, 'quarter' | 'month' | 'year' | 'from' | 'to'> & {
        recoveredWithin: number;
        limit: number;
        format: AbandonedFormat;
      },
    ) => {
      const config = load();
      const store = await openStore(config);
      try {
        const period = await resolvePeriod(store, selector(options), config.reporting);
        const view = await buildAbandonedView(store, period, options.recoveredWithin);
        process.stdout.write(renderAbandoned(view, options.format, config.reporting.zone, options.limit) + '\n');
      } finally {
        await store.close();
      }
    },
  );

for (const command of reconcileCommands(load)) program.addCommand(command);
program.addCommand(backfillCommand());
program.addCommand(agentsCommand(load));

program
  .command('alert-rules')
  .description('print the Prometheus call-handling alert rules generated from the KPI catalogue and kpi.targets')
  .option('--window <range>', 'PromQL range the averages are taken over', DEFAULT_ALERT_RULE_OPTIONS.window)
  .option('--for <duration>', 'how long a breach must last before the alert fires', DEFAULT_ALERT_RULE_OPTIONS.for)
  .option(
    '--unanswered-minutes <minutes>',
    'callers waiting with no answer in their queue for this long fire CallersWaitingNoAnswer',
    positiveInt,
    DEFAULT_ALERT_RULE_OPTIONS.noAnswerMinutes,
  )
  .option(
    '--feed-quiet-minutes <minutes>',
    'a followed queue_log with callers waiting and no new line for this long fires CdrflowFeedStalled',
    positiveInt,
    DEFAULT_ALERT_RULE_OPTIONS.feedQuietMinutes,
  )
  .action((options: { window: string; for: string; unansweredMinutes: number; feedQuietMinutes: number }) => {
    const config = load();
    const { unansweredMinutes, ...rest } = options;
    process.stdout.write(
      callHandlingRules(config.kpi, { ...DEFAULT_ALERT_RULE_OPTIONS, ...rest, noAnswerMinutes: unansweredMinutes }),
    );
  });

program
  .command('dashboards')
  .description('write the Grafana dashboards generated from the KPI catalogue and kpi.targets, one JSON file each')
  .requiredOption('--out <dir>', 'folder to write them into (this repository keeps them in infra/grafana/dashboards)')
  .action((options: { out: string }) => {
    const config = load();
    mkdirSync(options.out, { recursive: true });
    for (const { file, dashboard } of grafanaDashboards(config.kpi)) {
      writeFileSync(join(options.out, file), dashboardJson(dashboard));
      process.stderr.write(`cdrflow: wrote ${join(options.out, file)}\n`);
    }
  });

program
  .command('migrate')
  .description('create or upgrade the ClickHouse tables and views (also done at every start)')
  .action(async () => {
    const config = load();
    const store = await openStore(config);
    await store.close();
    process.stdout.write(
      `ClickHouse schema is up to date (${config.clickhouse.url ?? `embedded at ${config.dataDir}/chdb`}).\n`,
    );
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  process.exitCode = reportError(e);
});
