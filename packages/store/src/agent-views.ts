/**
 * `agent_figures`: the figures of `cdrflow agents` per agent and local
 * period (month, quarter, financial year), for analysts (docs/analysts.md).
 * Exact sums of the latest committed call versions (`calls_local`) and agent
 * intervals (`agent_time_committed`); every ratio is taken on those sums, and
 * is NULL when its denominator is 0 or when the agent has no agent events
 * ("No data", never 0). Time is per agent across queues (a pause is per
 * agent), so the view has no queue column: per-queue answered calls and talk
 * are a GROUP BY over `calls_local`, per-queue rings over
 * `agent_time_committed.rings_not_answered`. An interval holding rings alone
 * (a static member) gives rings, not time. `paused_by_reason_ms` holds only
 * the time of records that carried the split (written since migration 0008).
 *
 * `intervalLocalColumns` are the local time and period keys of
 * `interval_start` as the *_local views write them (kpi-views.ts).
 */
export function agentFiguresView(intervalLocalColumns: string): string {
  const periods = `[('month', month), ('quarter', quarter), ('fiscal_year', fiscal_year)]`;
  return `CREATE OR REPLACE VIEW agent_figures AS
SELECT
    period_kind, period, source, agent,
    sum(call_answered) AS answered,
    sum(call_talk_ms) AS talk_ms,
    if(answered > 0, talk_ms / answered / 1000, NULL) AS avg_handle_seconds,
    if(max(has_events) = 1, sum(rings), NULL) AS rings_not_answered,
    if(max(has_time) = 1, sum(time_logged_in_ms), NULL) AS logged_in_ms,
    if(max(has_time) = 1, sum(time_paused_ms), NULL) AS paused_ms,
    sumMap(paused_by_reason) AS paused_by_reason_ms,
    logged_in_ms - paused_ms AS available_ms,
    if(available_ms > 0, 100 * talk_ms / available_ms, NULL) AS occupancy_percent
FROM (
    SELECT p.1 AS period_kind, p.2 AS period, source, assumeNotNull(agent) AS agent,
           toUInt64(1) AS call_answered, toUInt64(talk_ms) AS call_talk_ms,
           toUInt64(0) AS time_logged_in_ms, toUInt64(0) AS time_paused_ms, toUInt8(0) AS has_time,
           toUInt64(0) AS rings, toUInt8(0) AS has_events, CAST(map(), 'Map(String, UInt64)') AS paused_by_reason
    FROM calls_local
    ARRAY JOIN ${periods} AS p
    WHERE channel = 'phone' AND direction = 'inbound' AND outcome = 'answered' AND agent IS NOT NULL AND agent != ''
    UNION ALL
    SELECT p.1, p.2, source, agent, toUInt64(0), toUInt64(0), toUInt64(logged_in_ms), toUInt64(paused_ms),
           toUInt8(logged_in_ms > 0), toUInt64(arraySum(mapValues(rings_not_answered))), toUInt8(1),
           CAST(paused_by_reason_ms, 'Map(String, UInt64)')
    FROM (SELECT ${intervalLocalColumns}, source, agent, logged_in_ms, paused_ms, rings_not_answered, paused_by_reason_ms
          FROM agent_time_committed)
    ARRAY JOIN ${periods} AS p
)
GROUP BY period_kind, period, source, agent`;
}
