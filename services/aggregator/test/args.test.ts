import { describe, expect, it } from 'vitest';
import { aggregatorCommand, parseAggregatorArgs } from '../src/args';

/** A command that throws instead of exiting and prints nothing, so a usage error can be asserted. */
function quiet() {
  return aggregatorCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
}

describe('aggregator entry point arguments', () => {
  it('defaults as `cdrflow aggregator` does: info logs, config found by the usual rules', () => {
    expect(parseAggregatorArgs([])).toEqual({ config: undefined, data: undefined, logLevel: 'info' });
  });

  it('reads --config, --data and --log-level into options', () => {
    expect(parseAggregatorArgs(['--config', 'cdrflow.yaml', '-d', '/srv/cdrflow', '--log-level', 'warn'])).toEqual({
      config: 'cdrflow.yaml',
      data: '/srv/cdrflow',
      logLevel: 'warn',
    });
  });

  it('refuses an unknown log level and options the aggregator does not have', () => {
    expect(() => parseAggregatorArgs(['--log-level', 'loud'], quiet())).toThrow(/Allowed choices are fatal, error/);
    expect(() => parseAggregatorArgs(['--poll-interval', '2'], quiet())).toThrow(/unknown option '--poll-interval'/);
  });
});
