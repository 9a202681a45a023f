import { StoreError } from '@cdrflow/store';

/**
 * Prints an error for a person and returns the exit code: 2 for a problem in
 * what was asked (config, arguments, periods), 1 for a failure while working.
 */
export function reportError(e: unknown): number {
  const error = e instanceof Error ? e : new Error(String(e));
  const usage = [
    'ConfigError',
    'PeriodInvalidError',
    'CalendarInvalidError',
    'KpiSettingsInvalidError',
    'InvalidOptionsError',
  ];
  process.stderr.write(`cdrflow: ${error.message}\n`);
  if (error instanceof StoreError && error.code === 'connect_failed') {
    process.stderr.write('  check CLICKHOUSE_URL, or unset it to use the embedded engine\n');
  }
  if (!usage.includes(error.name) && !(error instanceof StoreError) && process.env.CDRFLOW_DEBUG !== undefined) {
    process.stderr.write(`${error.stack ?? ''}\n`);
  }
  return usage.includes(error.name) ? 2 : 1;
}
