import type { AbandonQueries } from './interfaces';
import type { StoreSql } from './sql';
import type { AbandonedCall, AnsweredCallOfCaller, RangeQuery } from './types';

const RANGE = `arrived_at >= fromUnixTimestamp64Milli({from:Int64}) AND arrived_at < fromUnixTimestamp64Milli({to:Int64})`;

/** The call-level queries behind `cdrflow abandoned`: the list behind the abandoned rate. */
export class ClickHouseAbandonQueries implements AbandonQueries {
  constructor(private readonly sql: StoreSql) {}

  /** Abandoned inbound phone calls arriving in the range, oldest first (outcome `abandoned`, as CSU11 counts). */
  abandonedCalls(range: RangeQuery): Promise<AbandonedCall[]> {
    return this.sql.select<AbandonedCall>(
      `SELECT id, toUnixTimestamp64Milli(arrived_at) AS arrivedMs,
              toUnixTimestamp64Milli(coalesce(ended_at, arrived_at + toIntervalMillisecond(wait_ms))) AS endedMs,
              queue, service, wait_ms AS waitMs, caller_key AS callerKey
       FROM calls_latest
       WHERE direction = 'inbound' AND channel = 'phone' AND outcome = 'abandoned' AND ${RANGE}
       ORDER BY arrived_at, id`,
      { from: range.fromMs, to: range.toMs },
    );
  }

  /** Answered inbound phone calls of these callers arriving in the range (a recovery may fall after the period ends). */
  answeredCallsOf(callerKeys: readonly string[], range: RangeQuery): Promise<AnsweredCallOfCaller[]> {
    if (callerKeys.length === 0) return Promise.resolve([]);
    return this.sql.select<AnsweredCallOfCaller>(
      `SELECT caller_key AS callerKey, toUnixTimestamp64Milli(arrived_at) AS arrivedMs
       FROM calls_latest
       WHERE direction = 'inbound' AND channel = 'phone' AND outcome = 'answered'
         AND caller_key IN {keys:Array(String)} AND ${RANGE}
       ORDER BY arrived_at`,
      { keys: [...new Set(callerKeys)], from: range.fromMs, to: range.toMs },
    );
  }
}
