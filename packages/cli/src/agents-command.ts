import { Command, Option } from 'commander';
import type { Config } from '@cdrflow/config';
import { OUTPUT_FORMATS, buildAgentsView, renderAgents, resolvePeriod, type OutputFormat } from '@cdrflow/report';
import { openStore } from './embedded-pipeline';
import { selector, type ReportOptions } from './ingest-run';
import { addPeriodOptions } from './period-options';

type AgentsOptions = Pick<ReportOptions, 'quarter' | 'month' | 'year' | 'from' | 'to'> & {
  pseudonymiseAgents?: boolean;
  format: OutputFormat;
};

/**
 * `cdrflow agents`: calls answered, talk and handle time per agent and queue,
 * with logged-in, paused and available time and occupancy (docs/kpi.md,
 * "Agent figures"). `load` is main.ts's own (global --config/--data/--sample).
 */
export function agentsCommand(load: () => Config): Command {
  return addPeriodOptions(
    new Command('agents').description(
      'per agent and queue: calls answered, talk and handle time, logged-in, paused and available hours, occupancy',
    ),
  )
    .option(
      '--pseudonymise-agents',
      'print "Agent 01", "Agent 02", … (in the order listed) in place of names, for papers that leave the service',
    )
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .action(async (options: AgentsOptions) => {
      const config = load();
      const store = await openStore(config);
      try {
        const period = await resolvePeriod(store, selector(options), config.reporting);
        const view = await buildAgentsView(store, period, { pseudonymise: options.pseudonymiseAgents === true });
        process.stdout.write(renderAgents(view, options.format) + '\n');
      } finally {
        await store.close();
      }
    });
}
