import type { WallboardToday, WallboardTodaySource } from '@cdrflow/collector';
import {
  computeCallFigures,
  emptyCallAccumulator,
  mergeCallAccumulators,
  periodContaining,
  type Calendar,
  type CallAccumulator,
  type KpiSettings,
} from '@cdrflow/kpi';
import type { ReportQueries } from '@cdrflow/store';

/**
 * Today's figures for the embedded wallboard, from the store: exact sums of
 * the committed interval statistics for the local date in the reporting zone
 * (the same sums and read-time definitions as `cdrflow report`), per queue,
 * inbound contacts of every channel. A queue with nothing counted today is
 * left out, so the page says "No data" rather than 0.
 */
export function storeTodayFigures(
  store: Pick<ReportQueries, 'sumCalls'>,
  calendar: Calendar,
  settings: KpiSettings,
): WallboardTodaySource {
  return {
    serviceLevelSeconds: settings.serviceLevelSeconds,
    async byQueue(nowMs: number): Promise<ReadonlyMap<string, WallboardToday>> {
      const today = periodContaining(nowMs, 'day', calendar);
      const groups = await store.sumCalls({ fromMs: today.startUtcMs, toMs: today.endUtcMs }, 'queue');
      const byQueue = new Map<string, CallAccumulator>();
      for (const g of groups) {
        if (g.direction !== 'inbound') continue;
        byQueue.set(g.group, mergeCallAccumulators(byQueue.get(g.group) ?? emptyCallAccumulator(), g.acc));
      }
      const figures = new Map<string, WallboardToday>();
      for (const [queue, acc] of byQueue) {
        const f = computeCallFigures(acc, settings);
        if (f.contacts === 0) continue;
        figures.set(queue, {
          offered: f.offered,
          answered: f.answered,
          abandoned: f.abandoned,
          serviceLevelPercent: f.serviceLevelOfAnsweredPercent,
        });
      }
      return figures;
    },
  };
}
