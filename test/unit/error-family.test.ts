import { describe, expect, it, vi } from 'vitest';
import * as aggregator from '@cdrflow/aggregator';
import * as bus from '@cdrflow/bus';
import * as cli from '@cdrflow/cli';
import * as collector from '@cdrflow/collector';
import * as config from '@cdrflow/config';
import * as errors from '@cdrflow/errors';
import * as formats from '@cdrflow/formats';
import * as kpi from '@cdrflow/kpi';
import * as ops from '@cdrflow/ops';
import * as report from '@cdrflow/report';
import * as schema from '@cdrflow/schema';
import * as store from '@cdrflow/store';
import * as telemetry from '@cdrflow/telemetry';
import * as time from '@cdrflow/time';
import { reportError } from '@cdrflow/telemetry';

/**
 * One error family (docs/decisions.md): every error class a package exports
 * extends CdrflowError, and the CLI's exit code follows `kind`, never a name.
 */
const MODULES: Record<string, Record<string, unknown>> = {
  aggregator,
  bus,
  cli,
  collector,
  config,
  errors,
  formats,
  kpi,
  ops,
  report,
  schema,
  store,
  telemetry,
  time,
};

type ErrorClass = abstract new (...args: never[]) => Error;

const exportedErrorClasses: [string, ErrorClass][] = Object.entries(MODULES).flatMap(([pkg, exports]) =>
  Object.entries(exports)
    .filter((entry): entry is [string, ErrorClass] => {
      const value = entry[1];
      return typeof value === 'function' && (value === Error || value.prototype instanceof Error);
    })
    .map(([name, cls]): [string, ErrorClass] => [`@cdrflow/${pkg} ${name}`, cls]),
);

/** One instance of every concrete error class, as the code throws it, with the exit code the CLI gives it. */
const INSTANCES: { error: errors.CdrflowError; code: string; kind: errors.ErrorKind; exitCode: number }[] = [
  {
    error: new schema.RecordInvalidError('CallRecord', ['waitMs: required']),
    code: 'record_invalid',
    kind: 'failure',
    exitCode: 1,
  },
  { error: new bus.BusError('closed', 'the Kafka bus is closed'), code: 'closed', kind: 'failure', exitCode: 1 },
  { error: new config.ConfigError('--from and --to go together'), code: 'config_invalid', kind: 'usage', exitCode: 2 },
  { error: new kpi.PeriodInvalidError('"x" is not a period key'), code: 'period_invalid', kind: 'usage', exitCode: 2 },
  {
    error: new kpi.KpiSettingsInvalidError(['view: unknown']),
    code: 'kpi_settings_invalid',
    kind: 'usage',
    exitCode: 2,
  },
  {
    error: new kpi.IntervalMisalignedError('interval start 1 is not on a 15-minute UTC boundary'),
    code: 'interval_misaligned',
    kind: 'failure',
    exitCode: 1,
  },
  { error: new kpi.CalendarInvalidError(['zone: unknown']), code: 'calendar_invalid', kind: 'usage', exitCode: 2 },
  {
    error: new kpi.OpeningHoursInvalidError([
      'hours.monday: must be a day (mon … sun) or a run of days such as mon-fri',
    ]),
    code: 'opening_hours_invalid',
    kind: 'usage',
    exitCode: 2,
  },
  {
    error: new formats.InvalidOptionsError('CDR CSV', ['columns: required']),
    code: 'invalid_options',
    kind: 'usage',
    exitCode: 2,
  },
  {
    error: new formats.QueueLogConfigError('form', 'x', "'file' or 'db'"),
    code: 'queue_log_option_invalid',
    kind: 'usage',
    exitCode: 2,
  },
  {
    error: new formats.CdrLayoutError({ source: 'cdr', file: 'Master.csv' }, null, [
      { line: 1, fields: ['a', 'b'], quoted: [false, false], raw: 'a,b' },
    ]),
    code: 'cdr_layout_mismatch',
    kind: 'usage',
    exitCode: 2,
  },
  {
    error: new kpi.ErlangInputError('traffic must be a finite number ≥ 0, got -1'),
    code: 'erlang_input_invalid',
    kind: 'failure',
    exitCode: 1,
  },
  {
    error: new formats.QueueLogStateError('state is for source a, not b'),
    code: 'queue_log_state_invalid',
    kind: 'failure',
    exitCode: 1,
  },
  {
    error: new store.StoreError('connect_failed', 'cannot reach ClickHouse', true),
    code: 'connect_failed',
    kind: 'failure',
    exitCode: 1,
  },
  {
    error: new store.DataFolderBusyError('/data', {
      pid: 42,
      command: 'cdrflow ingest x.log',
      since: '2026-01-01T00:00:00Z',
    }),
    code: 'data_folder_busy',
    kind: 'failure',
    exitCode: 1,
  },
  { error: new time.UnknownTimeZoneError('Mars/Olympus'), code: 'unknown_time_zone', kind: 'usage', exitCode: 2 },
  {
    error: new time.TimePatternError('EEE', 'has no year (yyyy or yy)'),
    code: 'time_pattern_invalid',
    kind: 'usage',
    exitCode: 2,
  },
  {
    error: new telemetry.MetricsPortInUseError('the metrics port 0.0.0.0:9464 is in use'),
    code: 'metrics_port_in_use',
    kind: 'usage',
    exitCode: 2,
  },
];

describe('the error family', () => {
  it('finds the exported error classes', () => {
    expect(exportedErrorClasses.length).toBeGreaterThanOrEqual(INSTANCES.length);
  });

  it.each(exportedErrorClasses)('%s is CdrflowError or extends it', (_name, cls) => {
    expect(cls === errors.CdrflowError || cls.prototype instanceof errors.CdrflowError).toBe(true);
  });

  it('has an instance here of every concrete exported error class', () => {
    const covered = new Set<unknown>(INSTANCES.map((i) => i.error.constructor));
    const abstract = new Set<unknown>([errors.CdrflowError, errors.UsageError, errors.FailureError]);
    const missing = exportedErrorClasses.filter(([, cls]) => !abstract.has(cls) && !covered.has(cls));
    expect(missing.map(([name]) => name)).toEqual([]);
  });

  it.each(INSTANCES)('$error.name: code $code, kind $kind, exit $exitCode', ({ error, code, kind, exitCode }) => {
    expect(error).toBeInstanceOf(errors.CdrflowError);
    expect(error.code).toBe(code);
    expect(error.kind).toBe(kind);
    if (kind === 'usage') expect(error.retriable).toBe(false);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(reportError(error)).toBe(exitCode);
      expect(write).toHaveBeenCalledWith(`cdrflow: ${error.message}\n`);
    } finally {
      write.mockRestore();
    }
  });

  it('gives each class its own code', () => {
    const codes = INSTANCES.filter(
      (i) => !(i.error instanceof bus.BusError || i.error instanceof store.StoreError),
    ).map((i) => i.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('marks as retriable only what backing off can help', () => {
    expect(new store.StoreError('query_failed', 'query failed', true).retriable).toBe(true);
    expect(new store.StoreError('migration_failed', 'migration failed', false).retriable).toBe(false);
    expect(new bus.BusError('broker', 'sending', { retriable: true }).retriable).toBe(true);
    expect(new bus.BusError('closed', 'the Kafka bus is closed').retriable).toBe(false);
    for (const { error } of INSTANCES)
      if (!(error instanceof bus.BusError || error instanceof store.StoreError)) expect(error.retriable).toBe(false);
  });
});
