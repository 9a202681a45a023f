import { afterAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { DEFAULT_CALENDAR, resolveKpiSettings } from '@cdrflow/kpi';
import { ClickHouseStore, type KpiViewSettings } from '@cdrflow/store';
import { tempDir } from '../support/temp-dir';

/**
 * Every `report` opens the store, and the store used to rewrite its eleven analyst views at each
 * open. `ensure` rewrites them only when the site's settings would write different SQL.
 */
const dir = tempDir('analyst-views-ensure');
const target = { kind: 'embedded' as const, path: join(dir, 'chdb') };
const settingsWith = (serviceLevelSeconds: number): KpiViewSettings => ({
  calendar: DEFAULT_CALENDAR,
  settings: resolveKpiSettings({ serviceLevelSeconds }),
});
let store: ClickHouseStore | undefined;

afterAll(async () => {
  await store?.close();
});

async function serviceLevelOfViews(s: ClickHouseStore): Promise<number> {
  const rows = await s
    .analyst()
    .query<{ service_level_seconds: number }>('SELECT service_level_seconds FROM kpi_view_settings');
  return rows[0]?.service_level_seconds ?? -1;
}

describe('analyst views at open', () => {
  it('are written at the first open, rewritten when the settings change, and left alone when they do not', async () => {
    store = await ClickHouseStore.open({ target, views: settingsWith(20) });
    expect(await serviceLevelOfViews(store)).toBe(20);

    const views = store.analyst();
    const create = vi.spyOn(views, 'create');
    await views.ensure(settingsWith(20));
    expect(create).not.toHaveBeenCalled();

    await views.ensure(settingsWith(30));
    expect(create).toHaveBeenCalledTimes(1);
    expect(await serviceLevelOfViews(store)).toBe(30);

    await views.ensure(settingsWith(30), true);
    expect(create).toHaveBeenCalledTimes(2);
  });
});
