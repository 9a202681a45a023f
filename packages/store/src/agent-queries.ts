import type { AgentCallSums, AgentRingSums, AgentTimeSums } from '@cdrflow/kpi';
import type { AgentQueries } from './interfaces';
import type { StoreSql } from './sql';
import type { RangeQuery } from './types';

/**
 * The latest committed version of each agent interval starting in
 * [{from}, {to}): agent_time_committed with the range applied before its
 * newest-version-per-id step rather than after it, so only the span's
 * intervals are sorted. The same rows, since every version of an agent
 * interval has that interval's start (it is part of the id).
 */
export const LATEST_AGENT_INTERVALS = `(
  SELECT a.interval_start AS interval_start, a.source AS source, a.agent AS agent,
         a.logged_in_ms AS logged_in_ms, a.paused_ms AS paused_ms,
         a.rings_not_answered AS rings_not_answered, a.paused_by_reason_ms AS paused_by_reason_ms
  FROM agent_time AS a
  INNER JOIN committed_offsets AS o
      ON a.consumer_group = o.consumer_group AND a.src_topic = o.topic AND a.src_partition = o.partition
  WHERE a.src_offset <= o.next_offset
    AND a.interval_start >= fromUnixTimestamp64Milli({from:Int64}) AND a.interval_start < fromUnixTimestamp64Milli({to:Int64})
  ORDER BY a.id, a.version DESC
  LIMIT 1 BY a.id
)`;

/**
 * The latest committed version of every call that arrived in [{from}, {to}).
 * A later version may move a call's arrival, so the newest version is chosen
 * first (among ids that ever arrived in the range) and the range applied to
 * it, as reconcile does.
 */
const LATEST_CALLS_IN_RANGE = `(
  SELECT * FROM (
    SELECT c.id AS id, c.source AS source, c.channel AS channel, c.direction AS direction, c.queue AS queue,
           c.outcome AS outcome, c.agent AS agent, c.talk_ms AS talk_ms, c.arrived_at AS arrived_at
    FROM calls AS c
    INNER JOIN committed_offsets AS o
        ON c.consumer_group = o.consumer_group AND c.src_topic = o.topic AND c.src_partition = o.partition
    WHERE c.src_offset <= o.next_offset
      AND c.id IN (SELECT id FROM calls
                   WHERE arrived_at >= fromUnixTimestamp64Milli({from:Int64}) AND arrived_at < fromUnixTimestamp64Milli({to:Int64}))
    ORDER BY c.id, c.version DESC
    LIMIT 1 BY c.id)
  WHERE arrived_at >= fromUnixTimestamp64Milli({from:Int64}) AND arrived_at < fromUnixTimestamp64Milli({to:Int64})
)`;

/** The sums behind `cdrflow agents` (docs/kpi.md, "Agent figures"): exact sums, no means. */
export class ClickHouseAgentQueries implements AgentQueries {
  constructor(private readonly sql: StoreSql) {}

  async agentCalls(range: RangeQuery): Promise<AgentCallSums[]> {
    const rows = await this.sql.select<{
      source: string;
      agent: string;
      queue: string;
      answered: number | string;
      talkMs: number | string;
    }>(
      `SELECT source, assumeNotNull(agent) AS agent, queue, count() AS answered, sum(talk_ms) AS talkMs
       FROM ${LATEST_CALLS_IN_RANGE}
       WHERE channel = 'phone' AND direction = 'inbound' AND outcome = 'answered' AND agent IS NOT NULL AND agent != ''
       GROUP BY source, agent, queue
       ORDER BY source, agent, queue`,
      { from: range.fromMs, to: range.toMs },
    );
    return rows.map((r) => ({ ...r, answered: Number(r.answered), talkMs: Number(r.talkMs) }));
  }

  /**
   * Intervals with logged-in time only: an interval that holds rings alone (a
   * static member) says nothing about the agent's time, which stays "No data".
   */
  async agentTime(range: RangeQuery): Promise<AgentTimeSums[]> {
    const rows = await this.sql.select<{
      source: string;
      agent: string;
      loggedInMs: number | string;
      pausedMs: number | string;
      reasons: string[];
      reasonMs: (number | string)[];
    }>(
      `SELECT source, agent, sum(logged_in_ms) AS loggedInMs, sum(paused_ms) AS pausedMs,
              mapKeys(sumMap(paused_by_reason_ms)) AS reasons, mapValues(sumMap(paused_by_reason_ms)) AS reasonMs
       FROM ${LATEST_AGENT_INTERVALS}
       WHERE logged_in_ms > 0
       GROUP BY source, agent
       ORDER BY source, agent`,
      { from: range.fromMs, to: range.toMs },
    );
    return rows.map(({ reasons, reasonMs, ...r }) => ({
      ...r,
      loggedInMs: Number(r.loggedInMs),
      pausedMs: Number(r.pausedMs),
      pausedByReasonMs: Object.fromEntries(reasons.map((reason, i) => [reason, Number(reasonMs[i])])),
    }));
  }

  async agentRings(range: RangeQuery): Promise<AgentRingSums[]> {
    const rows = await this.sql.select<{
      source: string;
      agent: string;
      queue: string;
      ringsNotAnswered: number | string;
    }>(
      `SELECT source, agent, queue, sum(rings) AS ringsNotAnswered
       FROM ${LATEST_AGENT_INTERVALS}
       ARRAY JOIN mapKeys(rings_not_answered) AS queue, mapValues(rings_not_answered) AS rings
       GROUP BY source, agent, queue
       ORDER BY source, agent, queue`,
      { from: range.fromMs, to: range.toMs },
    );
    return rows.map((r) => ({ ...r, ringsNotAnswered: Number(r.ringsNotAnswered) }));
  }
}
