import type { IntervalDelta, StoredCall } from '@cdrflow/kpi';
import type { FlushStore, ReconcileQueries } from './interfaces';
import { ACCUMULATOR_SUMS, UNSTORED_ACCUMULATOR_ZEROS, type Provenance } from './rows';
import type { StoreSql } from './sql';
import type { CommittedCut, PartitionFlush, RangeQuery } from './types';

/**
 * The flush identity restatements are written under. Its topic is no bus
 * topic, so no aggregator consumes it, and `discardUncommitted` of an
 * aggregator (which names its own group and topic) never touches its rows.
 * Each restatement commits the next offset of this one partition, so its rows
 * pass through the `*_committed` views exactly like an aggregator's flush.
 */
export const RESTATEMENTS = { group: 'cdrflow-restate', topic: 'cdrflow.restatements', partition: 0 } as const;

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

/** Every CallAccumulator field, summed from interval_stats (stored fields) or 0 (the rest). */
const ACCUMULATOR_FIELDS = [ACCUMULATOR_SUMS, ...UNSTORED_ACCUMULATOR_ZEROS].join(', ');

/**
 * The SQL of `cdrflow reconcile` and `cdrflow restate`: the latest committed
 * version of every call, the stored interval sums, both as of one committed
 * cut, and the correcting flush a restatement writes through the store's own
 * flush. The recomputation itself is the aggregator's own code
 * (packages/report/src/reconcile.ts).
 */
export class ClickHouseReconcileQueries implements ReconcileQueries {
  constructor(
    private readonly sql: StoreSql,
    private readonly flush: FlushStore,
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
                c.outcome AS outcome, c.rebuilt AS rebuilt
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
              s.direction AS direction, s.queue AS queue, s.service AS service, ${ACCUMULATOR_FIELDS}
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
    const committed = (await this.flush.committedOffsets(group, topic)).get(partition) ?? 0;
    await this.flush.discardUncommitted(group, topic, partition, committed);
    if (deltas.length === 0) return null;
    const provenance: Provenance = { group, topic, partition, nextOffset: committed + 1 };
    const flush: PartitionFlush = {
      provenance,
      calls: [],
      surveys: [],
      agentTimes: [],
      rejects: [],
      intervalDeltas: [...deltas],
      surveyDeltas: [],
    };
    await this.flush.writeRows([flush]);
    await this.flush.commitOffsets([flush]);
    return provenance.nextOffset;
  }
}
