import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, type Config } from './config';

/** The `--config <file>` and `--data <dir>` options of `cdrflow` and of the collector and aggregator services. */
export interface ConfigFlags {
  config?: string | undefined;
  data?: string | undefined;
}

/** --config, else $CDRFLOW_CONFIG, else ./cdrflow.yaml if present; null: defaults and the environment only. */
function configFile(explicit: string | undefined): string | null {
  const file = explicit ?? process.env.CDRFLOW_CONFIG;
  if (file !== undefined && file !== '') return resolve(file);
  return existsSync('cdrflow.yaml') ? resolve('cdrflow.yaml') : null;
}

/**
 * The configuration the options name: --config (or $CDRFLOW_CONFIG, or
 * ./cdrflow.yaml if present), with --data overriding `dataDir` and
 * $CDRFLOW_DATA_DIR. One function for the CLI and both service entry points,
 * so they find the same file the same way.
 */
export function loadConfigFromFlags(flags: ConfigFlags): Config {
  return loadConfig({ file: configFile(flags.config), ...(flags.data === undefined ? {} : { dataDir: flags.data }) });
}
