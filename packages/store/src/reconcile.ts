import type { IntervalDelta, StoredCall } from '@cdrflow/kpi';
import type { CdrStore, RangeQuery } from './cdr-store';
import { ACCUMULATOR_SUMS, type Provenance } from './rows';

/**
 * The flush identity restatements are written under. Its topic is no bus
 * topic, so no aggregator consumes it, and `discardUncommitted` of an
 * aggregator (which names its own group and topic) never touches its rows.
 * Each restatement commits the next offset of this one partition, so its rows
 * pass through the `*_committed` views exactly like an aggregator's flush.
 */
export const RESTATEMENTS = { group: 'cdrflow-restate', topic: 'cdrflow.restatements', partition: 0 } as const;

/**
 * Every flush's committed offset at one moment: the rows at or below it never
 * change afterwards (later flushes write above it; only rows above a committed
 * offset are ever deleted), so reading `calls` and `interval_stats` through
 * the same cut compares two tables as of one instant while aggregators run.
 */
export interface CommittedCut {
  groups: string[];
  topics: string[];
  partitions: number[];
  offsets: number[];
}

/** What the reconcile queries need of the store's connection (its error-wrapping helpers). */
export interface StoreSql {
  select<T>(query: string, params?: Record<string, unknown>): Promise<T[]>;
  insert(table: string, values: readonly Record<string, unknown>[]): Promise<void>;
}

/** The definitions the last report was computed with (`report_definitions`, 0005). */
export interface RecordedDefinitions {
  definitions: string;
  reportedAtMs: number;
}

/** The cut as a table, mirroring `committed_offsets`: (consumer_group, topic, partition, next_offset). */
const CUT = `cut AS (
  SELECT z.1 AS consumer_group, z.2 AS topic, z.3 AS partition, z.4 AS next_offset
  FROM (SELECT arrayJoin(arrayZip({groups:Array(String)}, {topics:Array(String)},
                                  {partitions:Array(UInt16)}, {offsets:Array(UInt64)})) AS z))`;

/** Rows of table alias `t` that were committed at the cut (the `*_committed` views' condition). */
const COMMITTED_AT_CUT = (t: string) => `INNER JOIN cut AS o
  ON ${t}.consumer_group = o.consumer_group AND ${t}.src_topic = o.topic AND ${t}.src_partition = o.partition
  WHERE ${t}.src_offset <= o.next_offset`;

const IN_RANGE = (column: string) =>
  `${column} >= fromUnixTimestamp64Milli({from:Int64}) AND ${column} < fromUnixTimestamp64Milli({to:Int64})`;

/**
 * The SQL of `cdrflow reconcile` and `cdrflow restate`: the latest committed
 * version of every call, the stored interval sums, both as of one committed
 * cut, and the correcting flush a restatement writes. The recomputation
 * itself is the aggregator's own code (packages/cli/src/reconcile.ts).
 */
export class ReconcileStore {
  constructor(
    private readonly store: CdrStore,
    private readonly sql: StoreSql,
  ) {}

  async committedCut(): Promise<CommittedCut> {
    const rows = await this.sql.select<{
      consumer_group: string;
      topic: string;
      partition: number;
      next_offset: number;
    }>('SELECT consumer_group, topic, partition, next_offset FROM committed_offsets');
    return {
      groups: rows.map((r) => r.consumer_group),
      topics: rows.map((r) => r.topic),
      partitions: rows.map((r) => r.partition),
      offsets: rows.map((r) => r.next_offset),
    };
  }

  /**
   * The latest committed version of every call that arrived in the range. The
   * latest version is chosen before the range is applied: a correction that
   * moved a call out of the range takes it out.
   */
  async committedCalls(range: RangeQuery, cut: CommittedCut): Promise<StoredCall[]> {
    return this.sql.select<StoredCall>(
      `WITH ${CUT}
       SELECT * FROM (
         SELECT c.id AS id, c.version AS version, c.source AS source, c.channel AS channel,
                c.direction AS direction, c.queue AS queue, c.service AS service,
                toUnixTimestamp64Milli(c.arrived_at) AS arrivedAt, c.wait_ms AS waitMs, c.talk_ms AS talkMs,
                c.outcome AS outcome
         FROM calls AS c ${COMMITTED_AT_CUT('c')}
           AND c.id IN (SELECT id FROM calls WHERE ${IN_RANGE('arrived_at')})
         ORDER BY id, version DESC
         LIMIT 1 BY id)
       WHERE arrivedAt >= {from:Int64} AND arrivedAt < {to:Int64}
       ORDER BY arrivedAt, id`,
      { ...cut, from: range.fromMs, to: range.toMs },
    );
  }

  /** interval_stats summed per interval and key, committed rows only. `maxWaitMs` is not stored: 0. */
  async storedIntervals(range: RangeQuery, cut: CommittedCut): Promise<IntervalDelta[]> {
    const rows = await this.sql.select<IntervalDelta['acc'] & Omit<IntervalDelta, 'acc'>>(
      `WITH ${CUT}
       SELECT toUnixTimestamp(s.interval_start) * 1000 AS intervalStartMs, s.source AS source, s.channel AS channel,
              s.direction AS direction, s.queue AS queue, s.service AS service, ${ACCUMULATOR_SUMS}, 0 AS maxWaitMs
       FROM interval_stats AS s ${COMMITTED_AT_CUT('s')} AND ${IN_RANGE('s.interval_start')}
       GROUP BY s.interval_start, s.source, s.channel, s.direction, s.queue, s.service
       ORDER BY intervalStartMs, source, channel, direction, queue, service`,
      { ...cut, from: range.fromMs, to: range.toMs },
    );
    return rows.map(({ intervalStartMs, source, channel, direction, queue, service, ...acc }) => ({
      intervalStartMs,
      source,
      channel,
      direction,
      queue,
      service,
      acc,
    }));
  }

  /**
   * Writes correcting deltas as one flush of the restatements partition, the
   * aggregator's way: rows of a restatement that never committed are deleted
   * first, then the rows, then the offsets row that makes them visible.
   * Returns the restatement's number (its offset), or null when there was
   * nothing to write.
   */
  async writeRestatement(deltas: readonly IntervalDelta[]): Promise<number | null> {
    const { group, topic, partition } = RESTATEMENTS;
    const committed = (await this.store.committedOffsets(group, topic)).get(partition) ?? 0;
    await this.store.discardUncommitted(group, topic, partition, committed);
    if (deltas.length === 0) return null;
    const provenance: Provenance = { group, topic, partition, nextOffset: committed + 1 };
    const flush = {
      provenance,
      calls: [],
      surveys: [],
      agentTimes: [],
      rejects: [],
      intervalDeltas: [...deltas],
      surveyDeltas: [],
    };
    await this.store.writeRows([flush]);
    await this.store.commitOffsets([flush]);
    return provenance.nextOffset;
  }

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
}
