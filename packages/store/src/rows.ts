import type { AgentTime, CallRecord, Reject, SurveyResponse } from '@cdrflow/schema';
import type { IntervalDelta, SurveyDelta } from '@cdrflow/kpi';

/** Which flush wrote a row: the consumer group, partition and the offset the flush commits up to. */
export interface Provenance {
  group: string;
  topic: string;
  partition: number;
  /** The next offset to read after the batch this row came from. */
  nextOffset: number;
}

function provenanceColumns(p: Provenance) {
  return {
    consumer_group: p.group,
    src_topic: p.topic,
    src_partition: p.partition,
    src_offset: p.nextOffset,
  };
}

export function callRow(c: CallRecord, p: Provenance) {
  return {
    id: c.id,
    contact_id: c.contactId,
    stint: c.stint,
    version: c.version,
    source: c.source,
    channel: c.channel,
    direction: c.direction,
    queue: c.queue,
    service: c.service,
    arrived_at: c.arrivedAt,
    answered_at: c.answeredAt,
    ended_at: c.endedAt,
    wait_ms: c.waitMs,
    talk_ms: c.talkMs,
    outcome: c.outcome,
    exit_key: c.exitKey,
    caller_key: c.callerKey,
    agent: c.agent,
    file: c.file,
    line: c.line,
    ...provenanceColumns(p),
  };
}

export function surveyRow(s: SurveyResponse, p: Provenance) {
  return {
    id: s.id,
    version: s.version,
    source: s.source,
    at: s.at,
    call_id: s.callId,
    score: s.score,
    scale: s.scale,
    satisfied: s.satisfied,
    file: s.file,
    line: s.line,
    ...provenanceColumns(p),
  };
}

export function agentTimeRow(a: AgentTime, p: Provenance) {
  return {
    id: a.id,
    version: a.version,
    source: a.source,
    agent: a.agent,
    interval_start: Math.floor(a.intervalStart / 1000),
    logged_in_ms: a.loggedInMs,
    paused_ms: a.pausedMs,
    file: a.file,
    line: a.line,
    ...provenanceColumns(p),
  };
}

export function rejectRow(r: Reject, p: Provenance) {
  return {
    source: r.source,
    file: r.file,
    line: r.line,
    reason: r.reason,
    detail: r.detail,
    raw: r.raw,
    ...provenanceColumns(p),
  };
}

export function intervalRow(d: IntervalDelta, p: Provenance) {
  const a = d.acc;
  return {
    interval_start: Math.floor(d.intervalStartMs / 1000),
    source: d.source,
    channel: d.channel,
    direction: d.direction,
    queue: d.queue,
    service: d.service,
    contacts: a.contacts,
    answered: a.answered,
    abandoned: a.abandoned,
    timeout: a.timeout,
    exit_empty: a.exitEmpty,
    exit_key: a.exitKey,
    withdrawn: a.withdrawn,
    unclosed: a.unclosed,
    other: a.other,
    wait_answered_ms: a.waitAnsweredMs,
    wait_all_ms: a.waitAllMs,
    talk_ms: a.talkMs,
    answered_wait_buckets: a.answeredWaitBuckets,
    abandoned_wait_buckets: a.abandonedWaitBuckets,
    ...provenanceColumns(p),
  };
}

export function surveyStatsRow(d: SurveyDelta, p: Provenance) {
  return {
    interval_start: Math.floor(d.intervalStartMs / 1000),
    source: d.source,
    responses: d.acc.responses,
    satisfied: d.acc.satisfied,
    ...provenanceColumns(p),
  };
}

/** The SQL that sums interval_stats columns back into a CallAccumulator's fields. */
export const ACCUMULATOR_SUMS = `
  sum(contacts) AS contacts, sum(answered) AS answered, sum(abandoned) AS abandoned,
  sum(timeout) AS timeout, sum(exit_empty) AS exitEmpty, sum(exit_key) AS exitKey,
  sum(withdrawn) AS withdrawn, sum(unclosed) AS unclosed, sum(other) AS other,
  sum(wait_answered_ms) AS waitAnsweredMs, sum(wait_all_ms) AS waitAllMs, sum(talk_ms) AS talkMs,
  sumForEach(answered_wait_buckets) AS answeredWaitBuckets,
  sumForEach(abandoned_wait_buckets) AS abandonedWaitBuckets`;
