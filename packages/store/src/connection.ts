import { mkdirSync } from 'node:fs';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { lockDataFolder } from './data-folder-lock';

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export type StoreTarget =
  | { kind: 'server'; url: string; database: string; username?: string; password?: string }
  | { kind: 'embedded'; path: string };

// Pinned so numbers come back as JSON numbers on every server version and on
// chDB, whose default differs from the package docs (../shared/measured).
const SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  // Inserts are acknowledged only once written, never buffered: the
  // aggregator commits offsets after its rows, so an ack must mean durable.
  async_insert: 0,
} as const;

/**
 * One `@clickhouse/client` API for both targets: a ClickHouse server by URL,
 * or the engine embedded in-process through chDB's connection hook (same SQL,
 * same code path). chDB allows one data folder per process.
 */
export async function connect(target: StoreTarget): Promise<ClickHouseClient> {
  if (target.kind === 'server') {
    return createClient({
      url: target.url,
      database: target.database,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
      clickhouse_settings: SETTINGS,
    });
  }
  const release = lockDataFolder(target.path);
  let connection: ClientConnection;
  try {
    mkdirSync(target.path, { recursive: true });
    // Loaded only for the embedded engine, so a server deployment can omit
    // chDB's 570 MB native package (npm ci --omit=optional).
    const { createChdbConnection } = await import('chdb/connection');
    // chdb bundles its own copy of the client's types; they are the same at run time.
    connection = createChdbConnection({ path: target.path }) as unknown as ClientConnection;
  } catch (e: unknown) {
    release();
    throw e;
  }
  const client = createClient({ connection, clickhouse_settings: SETTINGS });
  const close = client.close.bind(client);
  // The folder is free again once the engine is closed, for a later process or a later open in this one.
  client.close = async () => {
    try {
      await close();
    } finally {
      release();
    }
  };
  return client;
}
