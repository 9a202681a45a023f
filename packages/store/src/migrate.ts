import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { StoreError } from './store-error';

const MIGRATION_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  name: string;
  statements: string[];
}

/** Numbered `NNNN_name.sql` files in order; statements split on `;` at line end. */
export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => MIGRATION_NAME.test(f))
    .sort()
    .map((name) => ({
      name,
      statements: readFileSync(join(dir, name), 'utf8')
        .split(/;\s*$/m)
        .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
        .filter((s) => s.length > 0),
    }));
}

/** Applies the migrations not yet recorded in `schema_migrations`; returns the names applied. */
export async function migrate(client: ClickHouseClient, dir: string): Promise<string[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (name String, applied_at DateTime64(3, 'UTC'))
            ENGINE = ReplacingMergeTree ORDER BY name`,
  });
  const done = new Set(
    (
      await (
        await client.query({ query: 'SELECT name FROM schema_migrations', format: 'JSONEachRow' })
      ).json<{
        name: string;
      }>()
    ).map((r) => r.name),
  );
  const applied: string[] = [];
  for (const migration of loadMigrations(dir)) {
    if (done.has(migration.name)) continue;
    for (const statement of migration.statements) {
      try {
        await client.command({ query: statement });
      } catch (e: unknown) {
        throw new StoreError(
          'migration_failed',
          `migration ${migration.name} failed: ${(e as Error).message}`,
          false,
          { migration: migration.name, statement: statement.slice(0, 200) },
          { cause: e },
        );
      }
    }
    await client.insert({
      table: 'schema_migrations',
      values: [{ name: migration.name, applied_at: Date.now() }],
      format: 'JSONEachRow',
    });
    applied.push(migration.name);
  }
  return applied;
}

/** `infra/clickhouse/` of this checkout. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../infra/clickhouse/', import.meta.url));
