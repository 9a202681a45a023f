import type { ClickHouseClient } from '@clickhouse/client';
import { StoreError } from './store-error';

/**
 * The store's one way to run SQL on its connection: every failure becomes a
 * retriable StoreError naming what was being done. Shared by the store's
 * query classes, so none of them needs the store itself.
 */
export class StoreSql {
  constructor(private readonly client: ClickHouseClient) {}

  async select<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    try {
      const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (e: unknown) {
      throw new StoreError('query_failed', `query failed: ${(e as Error).message}`, true, { query }, { cause: e });
    }
  }

  async run(query: string, params: Record<string, unknown>): Promise<void> {
    try {
      await this.client.command({ query, query_params: params });
    } catch (e: unknown) {
      throw new StoreError('write_failed', `statement failed: ${(e as Error).message}`, true, { query }, { cause: e });
    }
  }

  /**
   * Rows go as JSONCompactEachRow (values only, the column list once): 30 %
   * less per call row than JSONEachRow objects on chDB (BENCHMARKS.md). Every
   * row of one insert comes from one row builder (rows.ts), so all share the
   * first row's key order; a row with another number of columns throws.
   */
  async insert(table: string, values: readonly Record<string, unknown>[]): Promise<void> {
    const first = values[0];
    if (first === undefined) return;
    const columns = Object.keys(first) as [string, ...string[]];
    const rows = values.map((row) => {
      const cells = Object.values(row);
      if (cells.length !== columns.length)
        throw new TypeError(`a ${table} row has other columns than ${columns.join(', ')}`);
      return cells;
    });
    try {
      await this.client.insert({ table, columns, values: rows, format: 'JSONCompactEachRow' });
    } catch (e: unknown) {
      throw new StoreError(
        'write_failed',
        `insert of ${values.length} rows into ${table} failed: ${(e as Error).message}`,
        true,
        { table, rows: values.length },
        { cause: e },
      );
    }
  }
}
