import { describe, expect, it } from 'vitest';
import { collectorCommand, parseCollectorArgs } from '../src/args';

/** A command that throws instead of exiting and prints nothing, so a usage error can be asserted. */
function quiet() {
  return collectorCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
}

describe('collector entry point arguments', () => {
  it('defaults as `cdrflow collector` does: info logs, a scan every 2 seconds, config found by the usual rules', () => {
    expect(parseCollectorArgs([])).toEqual({
      config: undefined,
      data: undefined,
      logLevel: 'info',
      pollIntervalMs: 2000,
    });
  });

  it('reads --config, --data, --log-level and --poll-interval (seconds) into options', () => {
    expect(
      parseCollectorArgs([
        '-c',
        'cdrflow.yaml',
        '--data',
        '/srv/cdrflow',
        '--log-level',
        'debug',
        '--poll-interval',
        '5',
      ]),
    ).toEqual({ config: 'cdrflow.yaml', data: '/srv/cdrflow', logLevel: 'debug', pollIntervalMs: 5000 });
  });

  it('refuses a poll interval that is not a positive whole number, and an unknown log level', () => {
    expect(() => parseCollectorArgs(['--poll-interval', '0'], quiet())).toThrow(/must be a positive whole number/);
    expect(() => parseCollectorArgs(['--poll-interval', '1.5'], quiet())).toThrow(/must be a positive whole number/);
    expect(() => parseCollectorArgs(['--log-level', 'loud'], quiet())).toThrow(/Allowed choices are fatal, error/);
    expect(() => parseCollectorArgs(['--sample'], quiet())).toThrow(/unknown option '--sample'/);
  });
});
