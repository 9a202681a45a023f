import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_ACCUMULATOR_COLUMNS, SURVEY_ACCUMULATOR_COLUMNS, type AccumulatorColumn } from '@cdrflow/kpi';
import { ClickHouseStore, INTERVAL_STATS_COLUMNS, SURVEY_STATS_COLUMNS, type ColumnSpec } from '@cdrflow/store';
import { tempDir } from '../support/temp-dir';

// The table of accumulator columns (packages/kpi accumulator-columns.ts)
// against what the migrations (infra/clickhouse) really create: chDB's own
// DESCRIBE TABLE, after every migration, is the truth. One chDB folder for
// this file (one per process).
let store: ClickHouseStore;

beforeAll(async () => {
  store = await ClickHouseStore.open({ target: { kind: 'embedded', path: join(tempDir('columns'), 'chdb') } });
});
afterAll(async () => {
  await store.close();
});

async function describeTable(table: string): Promise<ColumnSpec[]> {
  const rows = await store.analyst().query<{ name: string; type: string }>(`DESCRIBE TABLE ${table}`);
  return rows.map(({ name, type }) => ({ name, type }));
}

/** The table's stored columns as DESCRIBE names and types them. */
const storedColumns = (columns: readonly AccumulatorColumn[]): ColumnSpec[] =>
  columns.flatMap((c) => (c.column === null ? [] : [{ name: c.column, type: c.type }]));

describe.each([
  { table: 'interval_stats', spec: INTERVAL_STATS_COLUMNS, accumulator: CALL_ACCUMULATOR_COLUMNS },
  { table: 'survey_stats', spec: SURVEY_STATS_COLUMNS, accumulator: SURVEY_ACCUMULATOR_COLUMNS },
])('$table', ({ table, spec, accumulator }) => {
  it('has exactly the columns the store writes, name by name and type by type, in order', async () => {
    expect(await describeTable(table)).toEqual(spec);
  });

  it('has a column of the same type for every stored field of the accumulator table, and no other sum', async () => {
    const ddl = await describeTable(table);
    const stored = storedColumns(accumulator);
    for (const column of stored) expect(ddl, `${table}.${column.name}`).toContainEqual(column);
    // Beside the interval, its dimensions and provenance, every column is an accumulator field.
    const sums = ddl.filter((c) => c.type === 'Int64' || c.type === 'Array(Int64)');
    expect(sums).toEqual(stored);
  });
});
