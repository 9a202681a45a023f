import { join } from 'node:path';
import type { StoreOpenOptions, StoreTarget } from '@cdrflow/store';
import type { Config } from './config';

/** The ClickHouse a config names: a server by CLICKHOUSE_URL, or chDB in the data folder. */
export function storeTarget(config: Config): StoreTarget {
  const ch = config.clickhouse;
  if (ch.url === undefined) return { kind: 'embedded', path: join(config.dataDir, 'chdb') };
  return {
    kind: 'server',
    url: ch.url,
    database: ch.database,
    ...(ch.username === undefined ? {} : { username: ch.username }),
    ...(ch.password === undefined ? {} : { password: ch.password }),
  };
}

/** How every process opens the store: migrated, and the analyst views written for this site's calendar and KPI settings. */
export function storeOptions(config: Config): StoreOpenOptions {
  return { target: storeTarget(config), views: { calendar: config.reporting, settings: config.kpi } };
}
