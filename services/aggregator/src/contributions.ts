import {
  addCall,
  callContribution,
  intervalStart,
  mergeCallAccumulators,
  surveyContribution,
  mergeSurveyAccumulators,
} from '@cdrflow/kpi';
import type { IntervalDelta, StoredCall, StoredSurvey, SurveyDelta } from '@cdrflow/store';

/**
 * Folds call contributions into per-interval deltas: +1 for a new version,
 * −1 for the version it replaces, so interval_stats stays a sum of exactly
 * one contribution per contact whatever order versions arrive in.
 */
export class IntervalDeltas {
  private readonly calls = new Map<string, IntervalDelta>();
  private readonly surveys = new Map<string, SurveyDelta>();

  addCall(call: StoredCall, sign: 1 | -1): void {
    const intervalStartMs = intervalStart(call.arrivedAt);
    const key = `${intervalStartMs}\u0000${call.source}\u0000${call.channel}\u0000${call.direction}\u0000${call.queue}\u0000${call.service}`;
    const held = this.calls.get(key);
    if (held !== undefined && sign === 1) {
      // The common case (a new call in an interval already touched) adds in
      // place: no per-record accumulator is allocated.
      addCall(held.acc, call);
      return;
    }
    const contribution = callContribution(call, sign);
    if (held === undefined) {
      this.calls.set(key, {
        intervalStartMs,
        source: call.source,
        channel: call.channel,
        direction: call.direction,
        queue: call.queue,
        service: call.service,
        acc: contribution,
      });
    } else {
      held.acc = mergeCallAccumulators(held.acc, contribution);
    }
  }

  addSurvey(survey: StoredSurvey, sign: 1 | -1): void {
    const intervalStartMs = intervalStart(survey.at);
    const key = `${intervalStartMs}\u0000${survey.source}`;
    const contribution = surveyContribution(survey, sign);
    const held = this.surveys.get(key);
    if (held === undefined) this.surveys.set(key, { intervalStartMs, source: survey.source, acc: contribution });
    else held.acc = mergeSurveyAccumulators(held.acc, contribution);
  }

  callDeltas(): IntervalDelta[] {
    return [...this.calls.values()];
  }

  surveyDeltas(): SurveyDelta[] {
    return [...this.surveys.values()];
  }
}
