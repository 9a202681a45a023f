import { Command, InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS } from './logger';

/** Commander parser of a whole number > 0. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/** Commander parser of a TCP port to listen on: 0 (any free port) to 65535. */
export function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number, 0–65535');
  return n;
}

/**
 * A service entry point's command line: `--config`, `--data` and `--log-level`
 * as `cdrflow` has them (services log at info), for the service to add its own.
 */
export function serviceCommand(name: string, description: string): Command {
  return new Command()
    .name(name)
    .description(description)
    .option('-c, --config <file>', 'YAML configuration (default: ./cdrflow.yaml if present, or $CDRFLOW_CONFIG)')
    .option(
      '-d, --data <dir>',
      'data folder: chDB, bus logs, collector state (overrides dataDir and $CDRFLOW_DATA_DIR)',
    )
    .addOption(new Option('--log-level <level>', 'log detail on stderr').choices(LOG_LEVELS).default('info'))
    .showHelpAfterError('(run with --help for usage)');
}
