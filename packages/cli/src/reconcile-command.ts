import { Command, Option } from 'commander';
import { periodRange, type Period } from '@cdrflow/kpi';
import type { ClickHouseStore } from '@cdrflow/store';
import type { Config } from '@cdrflow/config';
import { reconcile, renderReconciliation, renderRestatement, restate, type Reconciliation } from '@cdrflow/report';
import { openStore } from './embedded-pipeline';

interface RangeOptions {
  from: string;
  to: string;
  format: 'table' | 'json';
}

/** What a range command found: its JSON form, its text form, and whether it exits 0. */
interface Outcome {
  json: unknown;
  text: string;
  clean: boolean;
}

/**
 * A command over whole local days of config.reporting (--from/--to, as
 * `report` takes them) and --format: opens the configured store, runs, prints
 * the outcome and sets exit code 1 when it is not clean.
 */
function rangeCommand(
  name: string,
  description: string,
  load: () => Config,
  run: (store: ClickHouseStore, period: Period, config: Config, options: RangeOptions) => Promise<Outcome>,
): Command {
  return new Command(name)
    .description(description)
    .requiredOption('--from <date>', 'first local day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last local day (inclusive), YYYY-MM-DD')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: RangeOptions) => {
      const config = load();
      const period = periodRange(options.from, options.to, config.reporting);
      const store = await openStore(config);
      try {
        const outcome = await run(store, period, config, options);
        process.stdout.write((options.format === 'json' ? JSON.stringify(outcome.json, null, 2) : outcome.text) + '\n');
        if (!outcome.clean) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}

/** The JSON form of a reconciliation: everything but the correcting deltas. */
function asJson(r: Reconciliation) {
  return { period: r.period, intervals: r.intervals, rows: r.rows, calls: r.calls, differences: r.differences };
}

/**
 * `cdrflow reconcile` and `cdrflow restate`, for main.ts to register:
 * `for (const command of reconcileCommands(load)) program.addCommand(command);`
 * `load` is main.ts's own (global --config/--data/--sample).
 */
export function reconcileCommands(load: () => Config): Command[] {
  const reconcileCommand = rangeCommand(
    'reconcile',
    'recompute every 15-minute interval of the range from the calls and compare it with interval_stats; exits 1 on any difference',
    load,
    async (store, period, config, o) => {
      const r = await reconcile(store, period);
      const restateCommand = `cdrflow restate --from ${o.from} --to ${o.to}`;
      return {
        json: asJson(r),
        text: renderReconciliation(r, config.reporting.zone, restateCommand),
        clean: r.differences.length === 0,
      };
    },
  );
  const restateCommand = rangeCommand(
    'restate',
    'rebuild the range from the calls: write committed correcting deltas wherever interval_stats differs, then reconcile again',
    load,
    async (store, period, config) => {
      const result = await restate(store, period);
      const { before, restatement, after } = result;
      return {
        json: { restatement, corrected: asJson(before), after: asJson(after) },
        text: renderRestatement(result, config.reporting.zone),
        clean: after.differences.length === 0,
      };
    },
  );
  return [reconcileCommand, restateCommand];
}
