import { Option, type Command } from 'commander';
import type { ConfigFlags } from '@cdrflow/config';
import { positiveInt, serviceCommand } from '@cdrflow/telemetry';

/** What the collector's entry point is asked to do: `main.js [--config …] [--data …] [--log-level …] [--poll-interval …]`. */
export interface CollectorArgs extends ConfigFlags {
  logLevel: string;
  pollIntervalMs: number;
}

/** `--poll-interval <seconds>`, the same on `cdrflow collector` and the collector's own entry point. */
export function pollIntervalOption(): Option {
  return new Option('--poll-interval <seconds>', 'seconds between inbox scans').argParser(positiveInt).default(2);
}

/** The collector's command line: the options of `cdrflow collector`, with `cdrflow`'s global ones it uses. */
export function collectorCommand(): Command {
  return serviceCommand(
    'collector',
    'the collector service: watch every configured inbox, publish to Kafka (KAFKA_BROKERS), archive when acknowledged',
  ).addOption(pollIntervalOption());
}

/** Parses the arguments after the script name; commander prints usage errors and exits, as `cdrflow` does. */
export function parseCollectorArgs(argv: readonly string[], command: Command = collectorCommand()): CollectorArgs {
  const o = command.parse(argv, { from: 'user' }).opts<{
    config?: string;
    data?: string;
    logLevel: string;
    pollInterval: number;
  }>();
  return { config: o.config, data: o.data, logLevel: o.logLevel, pollIntervalMs: o.pollInterval * 1000 };
}
