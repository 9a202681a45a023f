import type {
  AgentCallSums,
  AgentRingSums,
  AgentTimeSums,
  IntervalDelta,
  IntervalQueueCalls,
  IntervalStaffedTime,
  StoredCall,
  StoredSurvey,
  SurveyAccumulator,
} from '@cdrflow/kpi';
import type {
  AbandonedCall,
  AnsweredCallOfCaller,
  CommittedCut,
  GroupBy,
  GroupedAccumulator,
  KpiViewSettings,
  PartitionFlush,
  RangeQuery,
  RecordedDefinitions,
  RejectListing,
  StaffingSums,
} from './types';

/**
 * What the store offers, one interface per kind of consumer, so each depends
 * on what it uses only. ClickHouseStore (clickhouse-store.ts) implements all of
 * them over one connection; a consumer takes the narrowest that serves it.
 */

/** What the aggregator's flush needs: exactly-once writes, and a readiness probe. */
export interface FlushStore {
  /** Answers when ClickHouse does; throws a retriable StoreError when it does not (readiness probes). */
  ping(): Promise<void>;
  /** The next offset to read of each partition of a topic, as the group last committed it. */
  committedOffsets(group: string, topic: string): Promise<Map<number, number>>;
  /**
   * Deletes rows a flush wrote for this partition beyond its committed offset
   * (a flush that crashed before its offsets row); returns the tables touched.
   */
  discardUncommitted(group: string, topic: string, partition: number, committed: number): Promise<string[]>;
  /** The stored (newest) version of each call id found. */
  latestCalls(ids: readonly string[]): Promise<Map<string, StoredCall>>;
  /** The stored (newest) version of each survey id found. */
  latestSurveys(ids: readonly string[]): Promise<Map<string, StoredSurvey>>;
  /** The stored version of each agent interval id (newest wins, as for calls and surveys). */
  latestAgentTimeVersions(ids: readonly string[]): Promise<Map<string, { version: number }>>;
  /** Writes every partition's rows, invisible to reports until `commitOffsets` lands. */
  writeRows(parts: readonly PartitionFlush[]): Promise<void>;
  /** The commit point of a flush: one insert, so all its partitions commit together. */
  commitOffsets(parts: readonly PartitionFlush[]): Promise<void>;
}

/** What reports read (committed rows only), and the definitions each report records. */
export interface ReportQueries {
  /** Summed accumulators for a time range, per channel × direction and an optional grouping. */
  sumCalls(range: RangeQuery, groupBy?: GroupBy): Promise<GroupedAccumulator[]>;
  sumSurveys(range: RangeQuery): Promise<SurveyAccumulator>;
  /** Agents' logged-in and paused time in a range; null when there is no agent event ("No data", never 0). */
  sumStaffing(range: RangeQuery): Promise<StaffingSums | null>;
  /** Arrival time of the latest contact, or null when nothing has been ingested. */
  latestArrivalMs(): Promise<number | null>;
  listRejects(options: { source?: string; limit: number }): Promise<{ total: number; rows: RejectListing[] }>;
  countRejects(): Promise<number>;
  /** The definitions the last report was computed with, or null before the first. */
  lastReportDefinitions(): Promise<RecordedDefinitions | null>;
  /** Appends the definitions a report used; later than the last record even if the clock is not. */
  recordReportDefinitions(definitions: string, previous: RecordedDefinitions | null): Promise<void>;
}

/**
 * What `cdrflow reconcile` and `cdrflow restate` need: the latest committed
 * version of every call and the stored interval sums, both as of one committed
 * cut, and the correcting flush a restatement writes.
 */
export interface ReconcileQueries {
  committedCut(): Promise<CommittedCut>;
  /** The latest committed version of every call that arrived in the range. */
  committedCalls(range: RangeQuery, cut: CommittedCut): Promise<StoredCall[]>;
  /** interval_stats summed per interval and key, committed rows only. `maxWaitMs` is not stored: 0. */
  storedIntervals(range: RangeQuery, cut: CommittedCut): Promise<IntervalDelta[]>;
  /** Writes correcting deltas as one committed flush; its number, or null when there was nothing to write. */
  writeRestatement(deltas: readonly IntervalDelta[]): Promise<number | null>;
}

/** The call-level queries behind `cdrflow abandoned`: the list behind the abandoned rate. */
export interface AbandonQueries {
  /** Abandoned inbound phone calls arriving in the range, oldest first (outcome `abandoned`, as CSU11 counts). */
  abandonedCalls(range: RangeQuery): Promise<AbandonedCall[]>;
  /** Answered inbound phone calls of these callers arriving in the range. */
  answeredCallsOf(callerKeys: readonly string[], range: RangeQuery): Promise<AnsweredCallOfCaller[]>;
}

/** The sums behind `cdrflow agents`: per agent, never averaged in the store. */
export interface AgentQueries {
  /** Answered inbound phone calls arriving in the range, per source, agent and queue. */
  agentCalls(range: RangeQuery): Promise<AgentCallSums[]>;
  /** Logged-in and paused time of the agent intervals starting in the range, per source and agent. */
  agentTime(range: RangeQuery): Promise<AgentTimeSums[]>;
  /** Rings let go (RINGNOANSWER, RINGCANCELED) in the agent intervals starting in the range, per source, agent and queue. */
  agentRings(range: RangeQuery): Promise<AgentRingSums[]>;
}

/** The per-interval sums that required staff (Erlang C) is sized from, committed rows only. */
export interface StaffingQueries {
  /** Inbound phone sums per 15-minute interval × queue (the queue chooses the wrap-up time). */
  intervalCalls(range: RangeQuery): Promise<IntervalQueueCalls[]>;
  /** Logged-in minus paused time per interval, over agents; null when the range has no agent event ("No data"). */
  intervalStaffedTime(range: RangeQuery): Promise<IntervalStaffedTime[] | null>;
}

/** The settings-dependent analyst views of one store (docs/analysts.md), and a way to query them. */
export interface AnalystViews {
  /** Creates or replaces every view for these settings. */
  create(views: KpiViewSettings): Promise<void>;
  /** Writes the views only when they do not already hold these settings' SQL (or `force`). */
  ensure(views: KpiViewSettings, force?: boolean): Promise<void>;
  /** Runs an analyst's SELECT (the examples of docs/analysts.md); rows as objects. */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}
