import type { Command } from 'commander';

/** The period a read command covers: one of --quarter, --month, --year or --from/--to (default: the latest quarter). */
export function addPeriodOptions(command: Command): Command {
  return command
    .option('--quarter <key>', 'fiscal quarter, e.g. 2020-21Q1 (Q1 = the first quarter of the financial year)')
    .option('--month <key>', 'calendar month, e.g. 2020-06')
    .option('--year <key>', 'financial year, e.g. 2020-21')
    .option('--from <date>', 'first local day of a custom range, YYYY-MM-DD')
    .option('--to <date>', 'last local day of a custom range (inclusive), YYYY-MM-DD');
}
