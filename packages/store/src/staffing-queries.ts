import type {
  CallAccumulator,
  IntervalQueueCalls,
  IntervalStaffedTime,
  StoredCallAccumulatorField,
} from '@cdrflow/kpi';
import type { StaffingQueries } from './interfaces';
import { ACCUMULATOR_SUMS } from './rows';
import type { StoreSql } from './sql';
import type { RangeQuery } from './types';

const IN_RANGE = (column: string): string =>
  `${column} >= fromUnixTimestamp64Milli({from:Int64}) AND ${column} < fromUnixTimestamp64Milli({to:Int64})`;

/**
 * The per-interval sums required staff is sized from (packages/kpi
 * required-staff.ts): committed rows only, as every report reads them.
 */
export class ClickHouseStaffingQueries implements StaffingQueries {
  constructor(private readonly sql: StoreSql) {}

  async intervalCalls(range: RangeQuery): Promise<IntervalQueueCalls[]> {
    const rows = await this.sql.select<
      Pick<CallAccumulator, StoredCallAccumulatorField> & { intervalStartMs: number; queue: string }
    >(
      `SELECT toUnixTimestamp(interval_start) * 1000 AS intervalStartMs, queue, ${ACCUMULATOR_SUMS}
       FROM interval_stats_committed
       WHERE direction = 'inbound' AND channel = 'phone' AND ${IN_RANGE('interval_start')}
       GROUP BY interval_start, queue ORDER BY interval_start, queue`,
      { from: range.fromMs, to: range.toMs },
    );
    // maxWaitMs is not stored and not needed to size staff.
    return rows.map(({ intervalStartMs, queue, ...sums }) => ({
      intervalStartMs: Number(intervalStartMs),
      queue,
      acc: { ...sums, maxWaitMs: 0 },
    }));
  }

  async intervalStaffedTime(range: RangeQuery): Promise<IntervalStaffedTime[] | null> {
    const rows = await this.sql.select<{ intervalStartMs: number | string; staffedMs: number | string }>(
      // The newest committed version of each agent interval, the range applied first so only it is sorted
      // (every version of an agent interval has that interval's start: it is part of the id).
      `SELECT toUnixTimestamp(interval_start) * 1000 AS intervalStartMs, sum(logged_in_ms - paused_ms) AS staffedMs
       FROM (
         SELECT a.interval_start AS interval_start, a.logged_in_ms AS logged_in_ms, a.paused_ms AS paused_ms
         FROM agent_time AS a
         INNER JOIN committed_offsets AS o
             ON a.consumer_group = o.consumer_group AND a.src_topic = o.topic AND a.src_partition = o.partition
         WHERE a.src_offset <= o.next_offset AND ${IN_RANGE('a.interval_start')}
         ORDER BY a.id, a.version DESC
         LIMIT 1 BY a.id
       )
       GROUP BY interval_start ORDER BY interval_start`,
      { from: range.fromMs, to: range.toMs },
    );
    // No agent interval in the range: "No data", never an interval with nobody on duty.
    if (rows.length === 0) return null;
    return rows.map((r) => ({ intervalStartMs: Number(r.intervalStartMs), staffedMs: Number(r.staffedMs) }));
  }
}
