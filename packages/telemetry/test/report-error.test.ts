import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BusError } from '@cdrflow/bus';
import { ConfigError } from '@cdrflow/config';
import { FailureError, UsageError } from '@cdrflow/errors';
import { PeriodInvalidError } from '@cdrflow/kpi';
import { StoreError } from '@cdrflow/store';
import { MetricsPortInUseError } from '@cdrflow/telemetry';
import { reportError } from '@cdrflow/telemetry';

/** What reportError wrote to stderr, and the exit code it returned. */
function report(e: unknown): { exitCode: number; stderr: string } {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    return { exitCode: reportError(e), stderr: written.join('') };
  } finally {
    spy.mockRestore();
  }
}

// Names that were never on the old list of usage class names: the exit code comes from `kind` alone.
class SomeUsage extends UsageError {
  override readonly name = 'SomeUsage';
  readonly code = 'some_usage';
}
class SomeFailure extends FailureError {
  override readonly name = 'ConfigError'; // a usage class's name, on a failure: still exit 1
  readonly code = 'some_failure';
}

describe('reportError', () => {
  let debug: string | undefined;
  beforeEach(() => {
    debug = process.env.CDRFLOW_DEBUG;
    delete process.env.CDRFLOW_DEBUG;
  });
  afterEach(() => {
    if (debug === undefined) delete process.env.CDRFLOW_DEBUG;
    else process.env.CDRFLOW_DEBUG = debug;
  });

  it('exits 2 for a usage error and 1 for anything else, by kind and not by name', () => {
    expect(report(new SomeUsage('bad argument'))).toEqual({ exitCode: 2, stderr: 'cdrflow: bad argument\n' });
    expect(report(new SomeFailure('bad data'))).toEqual({ exitCode: 1, stderr: 'cdrflow: bad data\n' });
    expect(report(new ConfigError('--from and --to go together')).exitCode).toBe(2);
    expect(report(new PeriodInvalidError('"last quarter" is not a period key')).exitCode).toBe(2);
    expect(report(new MetricsPortInUseError('the metrics port 0.0.0.0:9464 is in use')).exitCode).toBe(2);
    expect(report(new BusError('closed', 'the Kafka bus is closed')).exitCode).toBe(1);
    expect(report(new StoreError('query_failed', 'query failed: boom', true)).exitCode).toBe(1);
  });

  it('prints the message of a ConfigError with its problems', () => {
    const e = new ConfigError('invalid configuration in cdrflow.yaml:', ['sources: required', 'kpi: unknown key']);
    expect(report(e)).toEqual({
      exitCode: 2,
      stderr: 'cdrflow: invalid configuration in cdrflow.yaml:\n  - sources: required\n  - kpi: unknown key\n',
    });
  });

  it('exits 1 for an error cdrflow did not throw on purpose, and for a thrown non-Error', () => {
    expect(report(new Error('ENOENT: no such file'))).toEqual({
      exitCode: 1,
      stderr: 'cdrflow: ENOENT: no such file\n',
    });
    expect(report('a string')).toEqual({ exitCode: 1, stderr: 'cdrflow: a string\n' });
  });

  it('adds the CLICKHOUSE_URL hint to a StoreError that could not connect', () => {
    expect(report(new StoreError('connect_failed', 'cannot reach ClickHouse at http://ch:8123', true))).toEqual({
      exitCode: 1,
      stderr:
        'cdrflow: cannot reach ClickHouse at http://ch:8123\n' +
        '  check CLICKHOUSE_URL, or unset it to use the embedded engine\n',
    });
    expect(report(new StoreError('query_failed', 'query failed: boom', true)).stderr).toBe(
      'cdrflow: query failed: boom\n',
    );
  });

  it('with CDRFLOW_DEBUG, prints the stack of a failure but not of a usage error', () => {
    process.env.CDRFLOW_DEBUG = '1';
    const failure = new SomeFailure('bad data');
    expect(report(failure)).toEqual({ exitCode: 1, stderr: `cdrflow: bad data\n${failure.stack}\n` });
    const plain = new Error('boom');
    expect(report(plain).stderr).toBe(`cdrflow: boom\n${plain.stack}\n`);
    expect(report(new SomeUsage('bad argument')).stderr).toBe('cdrflow: bad argument\n');
    expect(report(new ConfigError('--from and --to go together')).stderr).toBe(
      'cdrflow: --from and --to go together\n',
    );
    const store = new StoreError('query_failed', 'query failed: boom', true);
    expect(report(store).stderr).toBe(`cdrflow: query failed: boom\n${store.stack}\n`);
  });
});
