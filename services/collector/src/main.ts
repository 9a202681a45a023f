/**
 * The collector service as a process of its own (`node services/collector/dist/main.js`
 * once bundled): the options, configuration and exit codes of `cdrflow collector`.
 * Metrics, health and readiness, SIGTERM/SIGINT and the graceful stop are the
 * service's own (runCollectorService).
 */
import { loadConfigFromFlags } from '@cdrflow/config';
import { createLogger, reportError } from '@cdrflow/telemetry';
import { parseCollectorArgs } from './args';
import { runCollectorService } from './service';

async function main(argv: readonly string[]): Promise<void> {
  const args = parseCollectorArgs(argv);
  await runCollectorService({
    config: loadConfigFromFlags(args),
    log: createLogger(args.logLevel),
    pollIntervalMs: args.pollIntervalMs,
  });
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.exitCode = reportError(e);
});
