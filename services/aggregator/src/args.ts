import { Command, Option } from 'commander';
import type { ConfigFlags } from '@cdrflow/config';
import { LOG_LEVELS } from '@cdrflow/telemetry';

/** What the aggregator's entry point is asked to do: `main.js [--config …] [--data …] [--log-level …]`. */
export interface AggregatorArgs extends ConfigFlags {
  logLevel: string;
}

/** The aggregator's command line: the options of `cdrflow aggregator`, with `cdrflow`'s global ones it uses. */
export function aggregatorCommand(): Command {
  return new Command()
    .name('aggregator')
    .description(
      'an aggregator service: consume from Kafka in a consumer group, write ClickHouse (CLICKHOUSE_URL or embedded)',
    )
    .option('-c, --config <file>', 'YAML configuration (default: ./cdrflow.yaml if present, or $CDRFLOW_CONFIG)')
    .option(
      '-d, --data <dir>',
      'data folder: chDB, bus logs, collector state (overrides dataDir and $CDRFLOW_DATA_DIR)',
    )
    .addOption(new Option('--log-level <level>', 'log detail on stderr').choices(LOG_LEVELS).default('info'))
    .showHelpAfterError('(run with --help for usage)');
}

/** Parses the arguments after the script name; commander prints usage errors and exits, as `cdrflow` does. */
export function parseAggregatorArgs(argv: readonly string[], command: Command = aggregatorCommand()): AggregatorArgs {
  const o = command.parse(argv, { from: 'user' }).opts<{ config?: string; data?: string; logLevel: string }>();
  return { config: o.config, data: o.data, logLevel: o.logLevel };
}
