/**
 * An aggregator service as a process of its own (`node services/aggregator/dist/main.js`
 * once bundled): the options, configuration and exit codes of `cdrflow aggregator`.
 * Metrics, health and readiness, SIGTERM/SIGINT and the graceful stop are the
 * service's own (runAggregatorService).
 */
import { loadConfigFromFlags } from '@cdrflow/config';
import { createLogger, reportError } from '@cdrflow/telemetry';
import { parseAggregatorArgs } from './args';
import { runAggregatorService } from './service';

async function main(argv: readonly string[]): Promise<void> {
  const args = parseAggregatorArgs(argv);
  await runAggregatorService({ config: loadConfigFromFlags(args), log: createLogger(args.logLevel) });
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.exitCode = reportError(e);
});
