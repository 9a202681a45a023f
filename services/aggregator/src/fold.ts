import type { AgentTime, CallRecord, SurveyResponse } from '@cdrflow/schema';
import { IntervalDeltas, type IntervalDelta, type StoredCall, type StoredSurvey, type SurveyDelta } from '@cdrflow/kpi';
import type { PendingPartition } from './pending';

/** What ClickHouse already holds for the ids of a window: the newest committed version of each. */
export interface StoredVersions {
  calls: ReadonlyMap<string, StoredCall>;
  surveys: ReadonlyMap<string, StoredSurvey>;
  agentTimes: ReadonlyMap<string, { version: number }>;
}

/** A window reduced to what a flush writes for its partition. */
export interface FoldedWindow {
  calls: CallRecord[];
  surveys: SurveyResponse[];
  agentTimes: AgentTime[];
  intervalDeltas: IntervalDelta[];
  surveyDeltas: SurveyDelta[];
  /** Versions not newer than what ClickHouse or the same window already held. */
  dedupeHits: number;
}

/**
 * The aggregator's hot path after dedupe inside the window: keeps each record
 * newer than the stored version of its id, and turns it into +1 for itself and
 * −1 for the version it replaces, per interval. No I/O: the stored versions are
 * looked up before, so the benchmark runs exactly this.
 */
export function foldWindow(window: PendingPartition, stored: StoredVersions): FoldedWindow {
  const deltas = new IntervalDeltas();
  const calls: CallRecord[] = [];
  const surveys: SurveyResponse[] = [];
  const agentTimes: AgentTime[] = [];
  let dedupeHits = window.supersededInWindow;
  dedupeHits += keepNewer(window.calls.values(), stored.calls, (call, replaced) => {
    if (replaced !== undefined) deltas.addCall(replaced, -1);
    deltas.addCall(call, 1);
    calls.push(call);
  });
  dedupeHits += keepNewer(window.surveys.values(), stored.surveys, (survey, replaced) => {
    if (replaced !== undefined) deltas.addSurvey(replaced, -1);
    deltas.addSurvey(survey, 1);
    surveys.push(survey);
  });
  // No deltas for agent time: staffing is summed from the latest committed version of each id.
  dedupeHits += keepNewer(window.agentTimes.values(), stored.agentTimes, (agentTime) => {
    agentTimes.push(agentTime);
  });
  return {
    calls,
    surveys,
    agentTimes,
    intervalDeltas: deltas.callDeltas(),
    surveyDeltas: deltas.surveyDeltas(),
    dedupeHits,
  };
}

/**
 * Calls `accept` for each held record newer than the stored version of its id
 * (with the stored one it replaces); returns how many were not newer.
 */
function keepNewer<R extends { id: string; version: number }, S extends { version: number }>(
  held: Iterable<R>,
  stored: ReadonlyMap<string, S>,
  accept: (record: R, replaced: S | undefined) => void,
): number {
  let hits = 0;
  for (const record of held) {
    const previous = stored.get(record.id);
    if (previous !== undefined && previous.version >= record.version) hits += 1;
    else accept(record, previous);
  }
  return hits;
}
