import type { ClickHouseClient } from '@clickhouse/client';
import {
  emptySurveyAccumulator,
  type AgentCallSums,
  type AgentRingSums,
  type AgentTimeSums,
  type CallAccumulator,
  type IntervalDelta,
  type StoredCall,
  type StoredCallAccumulatorField,
  type StoredSurvey,
  type SurveyAccumulator,
} from '@cdrflow/kpi';
import { ClickHouseAbandonQueries } from './abandon-queries';
import { ClickHouseAgentQueries, LATEST_AGENT_INTERVALS } from './agent-queries';
import { connect, type StoreTarget } from './connection';
import type {
  AbandonQueries,
  AgentQueries,
  AnalystViews,
  FlushStore,
  ReconcileQueries,
  ReportQueries,
  StaffingQueries,
} from './interfaces';
import { ClickHouseAnalystViews } from './kpi-views';
import { MIGRATIONS_DIR, migrate } from './migrate';
import { ClickHouseReconcileQueries } from './reconcile';
import {
  ACCUMULATOR_SUMS,
  SURVEY_SUMS,
  agentTimeRow,
  callRow,
  intervalRow,
  rejectRow,
  surveyRow,
  surveyStatsRow,
} from './rows';
import { RangeBatch, rangeIndexes, spanOf } from './range-batch';
import { StoreSql } from './sql';
import { ClickHouseStaffingQueries } from './staffing-queries';
import { StoreError } from './store-error';
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

const LOOKUP_CHUNK = 10_000;
/** Tables whose rows carry the flush that wrote them. */
const FLUSHED_TABLES = ['calls', 'surveys', 'agent_time', 'interval_stats', 'survey_stats', 'rejects'] as const;

/**
 * The client's ping reports failure in its result rather than throwing, so
 * both start-up and readiness probes go through this one check.
 */
async function pingOrThrow(client: ClickHouseClient, target: StoreTarget): Promise<void> {
  let failure: unknown;
  try {
    const result = await client.ping();
    if (result.success) return;
    failure = result.error;
  } catch (e: unknown) {
    failure = e;
  }
  const message = failure instanceof Error ? failure.message : String(failure);
  throw new StoreError(
    'connect_failed',
    `cannot reach ClickHouse (${describe(target)}): ${message}`,
    true,
    {},
    {
      cause: failure,
    },
  );
}

export interface StoreOpenOptions {
  target: StoreTarget;
  /** The numbered SQL migrations; default: this repository's infra/clickhouse. */
  migrationsDir?: string;
  /** The site's calendar and KPI settings for the analyst views; without them the views are left as they are. */
  views?: KpiViewSettings;
}

/**
 * cdrflow's ClickHouse (a server, or chDB embedded): migrations, and every
 * interface of interfaces.ts over one connection. Whoever opens it passes it
 * on as the narrowest interface its consumer needs: the aggregator a
 * FlushStore, reports ReportQueries, reconcile ReconcileQueries, and so on.
 */
export class ClickHouseStore implements FlushStore, ReportQueries, ReconcileQueries, AbandonQueries, AgentQueries {
  private readonly sql: StoreSql;
  private readonly reconcileQueries: ClickHouseReconcileQueries;
  private readonly abandonQueries: ClickHouseAbandonQueries;
  private readonly agentQueries: ClickHouseAgentQueries;

  private constructor(
    private readonly client: ClickHouseClient,
    readonly target: StoreTarget,
  ) {
    this.sql = new StoreSql(client);
    // A restatement writes through this store's flush, so what replaces one of its methods (a fault injected by a test) applies to it too.
    this.reconcileQueries = new ClickHouseReconcileQueries(this.sql, this);
    this.abandonQueries = new ClickHouseAbandonQueries(this.sql);
    this.agentQueries = new ClickHouseAgentQueries(this.sql);
  }

  /** With `views`, the analyst views are (re)written with that zone, financial year and targets (kpi-views.ts). */
  static async open(options: StoreOpenOptions): Promise<ClickHouseStore> {
    const { target, migrationsDir = MIGRATIONS_DIR, views } = options;
    const client = await connect(target);
    await pingOrThrow(client, target);
    const store = new ClickHouseStore(client, target);
    const applied = await migrate(client, migrationsDir);
    if (views !== undefined) await store.analyst().ensure(views, applied.length > 0);
    return store;
  }

  /** Answers when ClickHouse does; throws a retriable StoreError when it does not (readiness probes). */
  ping(): Promise<void> {
    return pingOrThrow(this.client, this.target);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  // ---- FlushStore: the aggregator's exactly-once writes ----------------------

  async committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
    const rows = await this.sql.select<{ partition: number; next_offset: number }>(
      `SELECT partition, max(next_offset) AS next_offset FROM consumer_offsets
       WHERE consumer_group = {group:String} AND topic = {topic:String} GROUP BY partition`,
      { group, topic },
    );
    return new Map(rows.map((r) => [r.partition, r.next_offset]));
  }

  /**
   * Deletes rows a flush wrote for this partition beyond its committed offset:
   * the flush crashed before its offsets row, so the batch will be read again.
   * Deletes are costly in ClickHouse, so it looks first and deletes only where
   * such rows exist (normally nowhere).
   */
  async discardUncommitted(group: string, topic: string, partition: number, committed: number): Promise<string[]> {
    const params = { group, topic, partition, committed };
    const where = `consumer_group = {group:String} AND src_topic = {topic:String}
         AND src_partition = {partition:UInt16} AND src_offset > {committed:UInt64}`;
    const found = await this.sql.select<{ table: string }>(
      FLUSHED_TABLES.map((t) => `SELECT '${t}' AS table FROM ${t} WHERE ${where} LIMIT 1`).join(' UNION ALL '),
      params,
    );
    // UNION ALL answers in no set order; deletes (and the list returned) follow FLUSHED_TABLES.
    const tables = FLUSHED_TABLES.filter((t) => found.some((f) => f.table === t));
    for (const table of tables) await this.sql.run(`DELETE FROM ${table} WHERE ${where}`, params);
    return tables;
  }

  async latestCalls(ids: readonly string[]): Promise<Map<string, StoredCall>> {
    const found = new Map<string, StoredCall>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.sql.select<StoredCall>(
        `SELECT id, version, source, channel, direction, queue, service,
                toUnixTimestamp64Milli(arrived_at) AS arrivedAt, wait_ms AS waitMs, talk_ms AS talkMs, outcome,
                rebuilt
         FROM calls FINAL WHERE id IN {ids:Array(String)}`,
        { ids: ids.slice(i, i + LOOKUP_CHUNK) },
      );
      for (const row of rows) found.set(row.id, row);
    }
    return found;
  }

  async latestSurveys(ids: readonly string[]): Promise<Map<string, StoredSurvey>> {
    const found = new Map<string, StoredSurvey>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.sql.select<StoredSurvey>(
        `SELECT id, version, source, toUnixTimestamp64Milli(at) AS at, satisfied
         FROM surveys FINAL WHERE id IN {ids:Array(String)}`,
        { ids: ids.slice(i, i + LOOKUP_CHUNK) },
      );
      for (const row of rows) found.set(row.id, row);
    }
    return found;
  }

  /** The stored version of each agent interval id (newest wins, as for calls and surveys). */
  async latestAgentTimeVersions(ids: readonly string[]): Promise<Map<string, { version: number }>> {
    const found = new Map<string, { version: number }>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.sql.select<{ id: string; version: number }>(
        `SELECT id, max(version) AS version FROM agent_time WHERE id IN {ids:Array(String)} GROUP BY id`,
        { ids: ids.slice(i, i + LOOKUP_CHUNK) },
      );
      for (const row of rows) found.set(row.id, { version: row.version });
    }
    return found;
  }

  /**
   * Writes every partition's rows. They stay invisible to reports (the
   * *_committed views) until `commitOffsets` lands, and are discarded when the
   * partition is next assigned if it never does.
   */
  async writeRows(parts: readonly PartitionFlush[]): Promise<void> {
    await this.sql.insert(
      'calls',
      parts.flatMap((p) => p.calls.map((c) => callRow(c, p.provenance))),
    );
    await this.sql.insert(
      'surveys',
      parts.flatMap((p) => p.surveys.map((s) => surveyRow(s, p.provenance))),
    );
    await this.sql.insert(
      'agent_time',
      parts.flatMap((p) => p.agentTimes.map((a) => agentTimeRow(a, p.provenance))),
    );
    await this.sql.insert(
      'rejects',
      parts.flatMap((p) => p.rejects.map((r) => rejectRow(r, p.provenance))),
    );
    await this.sql.insert(
      'interval_stats',
      parts.flatMap((p) => p.intervalDeltas.map((d) => intervalRow(d, p.provenance))),
    );
    await this.sql.insert(
      'survey_stats',
      parts.flatMap((p) => p.surveyDeltas.map((d) => surveyStatsRow(d, p.provenance))),
    );
  }

  /** The commit point of a flush: one insert, so all its partitions commit together. */
  async commitOffsets(parts: readonly PartitionFlush[]): Promise<void> {
    await this.sql.insert(
      'consumer_offsets',
      parts.map((p) => ({
        consumer_group: p.provenance.group,
        topic: p.provenance.topic,
        partition: p.provenance.partition,
        next_offset: p.provenance.nextOffset,
        committed_at: Date.now(),
      })),
    );
  }

  // ---- ReportQueries -----------------------------------------------------------

  /** Summed accumulators for a time range, per channel × direction and an optional grouping. */
  sumCalls(range: RangeQuery, groupBy?: GroupBy): Promise<GroupedAccumulator[]> {
    return this.callSums.load(groupBy ?? null, range);
  }

  sumSurveys(range: RangeQuery): Promise<SurveyAccumulator> {
    return this.surveySums.load(null, range);
  }

  /**
   * Agents' logged-in and paused time in a range, from the latest committed
   * version of each agent interval; null when there is none (no agent events:
   * "No data", never 0).
   */
  sumStaffing(range: RangeQuery): Promise<StaffingSums | null> {
    return this.staffingSums.load(null, range);
  }

  private readonly callSums = new RangeBatch<GroupBy | null, GroupedAccumulator[]>((groupBy, ranges) =>
    this.sumCallsOver(ranges, groupBy),
  );
  private readonly surveySums = new RangeBatch<null, SurveyAccumulator>((_, ranges) => this.sumSurveysOver(ranges));
  private readonly staffingSums = new RangeBatch<null, StaffingSums | null>((_, ranges) =>
    this.sumStaffingOver(ranges),
  );

  private async sumCallsOver(ranges: readonly RangeQuery[], groupBy: GroupBy | null): Promise<GroupedAccumulator[][]> {
    const group = groupBy ?? "''";
    const span = spanOf(ranges);
    const rows = await this.sql.select<
      Pick<CallAccumulator, StoredCallAccumulatorField> & { r: number; channel: string; direction: string; grp: string }
    >(
      `SELECT r, channel, direction, ${group} AS grp, ${ACCUMULATOR_SUMS}
       FROM interval_stats_committed
       ARRAY JOIN ${rangeIndexes('toUnixTimestamp(interval_start) * 1000', ranges)} AS r
       WHERE interval_start >= fromUnixTimestamp64Milli({from:Int64}) AND interval_start < fromUnixTimestamp64Milli({to:Int64})
       GROUP BY r, channel, direction, grp ORDER BY r, channel, direction, grp`,
      { from: span.fromMs, to: span.toMs },
    );
    const maxima = await this.sql.select<{
      r: number;
      channel: string;
      direction: string;
      grp: string;
      maxWaitMs: number;
    }>(
      `SELECT r, channel, direction, ${group} AS grp, max(wait_ms) AS maxWaitMs
       FROM calls FINAL
       ARRAY JOIN ${rangeIndexes('toUnixTimestamp64Milli(arrived_at)', ranges)} AS r
       WHERE arrived_at >= fromUnixTimestamp64Milli({from:Int64}) AND arrived_at < fromUnixTimestamp64Milli({to:Int64})
       GROUP BY r, channel, direction, grp`,
      { from: span.fromMs, to: span.toMs },
    );
    // Longest wait comes from the calls themselves: a maximum cannot be
    // retracted when a later version of a call lowers its wait.
    const maxOf = new Map(
      maxima.map((m) => [`${m.r}\u0000${m.channel}\u0000${m.direction}\u0000${m.grp}`, m.maxWaitMs]),
    );
    const out = ranges.map((): GroupedAccumulator[] => []);
    for (const { r, channel, direction, grp, ...sums } of rows) {
      out[r - 1]?.push({
        channel,
        direction,
        group: grp,
        acc: { ...sums, maxWaitMs: maxOf.get(`${r}\u0000${channel}\u0000${direction}\u0000${grp}`) ?? 0 },
      });
    }
    return out;
  }

  private async sumSurveysOver(ranges: readonly RangeQuery[]): Promise<SurveyAccumulator[]> {
    const span = spanOf(ranges);
    const rows = await this.sql.select<SurveyAccumulator & { r: number }>(
      `SELECT r, ${SURVEY_SUMS} FROM survey_stats_committed
       ARRAY JOIN ${rangeIndexes('toUnixTimestamp(interval_start) * 1000', ranges)} AS r
       WHERE interval_start >= fromUnixTimestamp64Milli({from:Int64}) AND interval_start < fromUnixTimestamp64Milli({to:Int64})
       GROUP BY r`,
      { from: span.fromMs, to: span.toMs },
    );
    const byRange = new Map(rows.map(({ r, ...sums }) => [r, sums]));
    return ranges.map((_, i) => byRange.get(i + 1) ?? emptySurveyAccumulator());
  }

  private async sumStaffingOver(ranges: readonly RangeQuery[]): Promise<(StaffingSums | null)[]> {
    const span = spanOf(ranges);
    const rows = await this.sql.select<{
      r: number;
      loggedInMs: number | string;
      pausedMs: number | string;
      agents: number | string;
    }>(
      `SELECT r, sum(logged_in_ms) AS loggedInMs, sum(paused_ms) AS pausedMs, uniqExact(source, agent) AS agents
       FROM ${LATEST_AGENT_INTERVALS}
       ARRAY JOIN ${rangeIndexes('toUnixTimestamp(interval_start) * 1000', ranges)} AS r
       WHERE logged_in_ms > 0
       GROUP BY r`,
      { from: span.fromMs, to: span.toMs },
    );
    // A range with no agent interval has no row: "No data", never 0.
    const byRange = new Map(
      rows.map((row) => [
        row.r,
        { loggedInMs: Number(row.loggedInMs), pausedMs: Number(row.pausedMs), agents: Number(row.agents) },
      ]),
    );
    return ranges.map((_, i) => byRange.get(i + 1) ?? null);
  }

  /** Arrival time of the latest contact, or null when nothing has been ingested. */
  async latestArrivalMs(): Promise<number | null> {
    const rows = await this.sql.select<{ latest: number | null; n: number }>(
      `SELECT toUnixTimestamp64Milli(max(arrived_at)) AS latest, count() AS n FROM calls`,
    );
    const row = rows[0];
    return row === undefined || row.n === 0 ? null : row.latest;
  }

  async listRejects(options: { source?: string; limit: number }): Promise<{ total: number; rows: RejectListing[] }> {
    const where = options.source === undefined ? '' : 'WHERE source = {source:String}';
    const params = options.source === undefined ? {} : { source: options.source };
    const total = await this.sql.select<{ n: number }>(`SELECT count() AS n FROM rejects FINAL ${where}`, params);
    const rows = await this.sql.select<RejectListing>(
      `SELECT source, file, line, reason, detail, raw FROM rejects FINAL ${where}
       ORDER BY source, file, line LIMIT {limit:UInt32}`,
      { ...params, limit: options.limit },
    );
    return { total: total[0]?.n ?? 0, rows };
  }

  async countRejects(): Promise<number> {
    return (await this.listRejects({ limit: 0 })).total;
  }

  /** The definitions the last report was computed with (`report_definitions`, 0005), or null before the first. */
  async lastReportDefinitions(): Promise<RecordedDefinitions | null> {
    const rows = await this.sql.select<RecordedDefinitions>(
      `SELECT definitions, toUnixTimestamp64Milli(reported_at) AS reportedAtMs
       FROM report_definitions ORDER BY reported_at DESC LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  /** Appends the definitions a report used; later than the last record even if the clock is not. */
  async recordReportDefinitions(definitions: string, previous: RecordedDefinitions | null): Promise<void> {
    const reportedAt = Math.max(Date.now(), (previous?.reportedAtMs ?? 0) + 1);
    await this.sql.insert('report_definitions', [{ reported_at: reportedAt, definitions }]);
  }

  // ---- ReconcileQueries (reconcile.ts) ------------------------------------------

  committedCut(): Promise<CommittedCut> {
    return this.reconcileQueries.committedCut();
  }

  committedCalls(range: RangeQuery, cut: CommittedCut): Promise<StoredCall[]> {
    return this.reconcileQueries.committedCalls(range, cut);
  }

  storedIntervals(range: RangeQuery, cut: CommittedCut): Promise<IntervalDelta[]> {
    return this.reconcileQueries.storedIntervals(range, cut);
  }

  writeRestatement(deltas: readonly IntervalDelta[]): Promise<number | null> {
    return this.reconcileQueries.writeRestatement(deltas);
  }

  // ---- AbandonQueries (abandon-queries.ts) -----------------------------------------

  abandonedCalls(range: RangeQuery): Promise<AbandonedCall[]> {
    return this.abandonQueries.abandonedCalls(range);
  }

  answeredCallsOf(callerKeys: readonly string[], range: RangeQuery): Promise<AnsweredCallOfCaller[]> {
    return this.abandonQueries.answeredCallsOf(callerKeys, range);
  }

  // ---- AgentQueries (agent-queries.ts) --------------------------------------------

  agentCalls(range: RangeQuery): Promise<AgentCallSums[]> {
    return this.agentQueries.agentCalls(range);
  }

  agentTime(range: RangeQuery): Promise<AgentTimeSums[]> {
    return this.agentQueries.agentTime(range);
  }

  agentRings(range: RangeQuery): Promise<AgentRingSums[]> {
    return this.agentQueries.agentRings(range);
  }

  // ---- StaffingQueries (staffing-queries.ts) ---------------------------------------

  /** The per-interval sums behind required staff (Erlang C). */
  staffing(): StaffingQueries {
    return new ClickHouseStaffingQueries(this.sql);
  }

  // ---- analyst views (kpi-views.ts) ------------------------------------------------

  /** The settings-dependent analyst views (docs/analysts.md), and SQL run against them. */
  analyst(): AnalystViews {
    return new ClickHouseAnalystViews(this.client);
  }
}

function describe(target: StoreTarget): string {
  return target.kind === 'server' ? target.url : `embedded chDB at ${target.path}`;
}
