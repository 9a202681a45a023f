import type { Command } from 'commander';
import type { ConfigFlags } from '@cdrflow/config';
import { serviceCommand } from '@cdrflow/telemetry';

/** What the aggregator's entry point is asked to do: `main.js [--config …] [--data …] [--log-level …]`. */
export interface AggregatorArgs extends ConfigFlags {
  logLevel: string;
}

/** The aggregator's command line: the options of `cdrflow aggregator`, with `cdrflow`'s global ones it uses. */
export function aggregatorCommand(): Command {
  return serviceCommand(
    'aggregator',
    'an aggregator service: consume from Kafka in a consumer group, write ClickHouse (CLICKHOUSE_URL or embedded)',
  );
}

/** Parses the arguments after the script name; commander prints usage errors and exits, as `cdrflow` does. */
export function parseAggregatorArgs(argv: readonly string[], command: Command = aggregatorCommand()): AggregatorArgs {
  const o = command.parse(argv, { from: 'user' }).opts<{ config?: string; data?: string; logLevel: string }>();
  return { config: o.config, data: o.data, logLevel: o.logLevel };
}
