import { INTERVAL_MS, type CallRecord, type SurveyResponse } from '@cdrflow/schema';
import { addCall, callContribution, mergeCallAccumulators, type CallAccumulator } from './call-accumulator';
import { intervalStart } from './interval';
import { mergeSurveyAccumulators, surveyContribution, type SurveyAccumulator } from './survey-accumulator';

/** What the fold needs of a stored contact to retract its contribution: its dimensions and the figures it added. */
export type StoredCall = Pick<
  CallRecord,
  | 'id'
  | 'version'
  | 'source'
  | 'channel'
  | 'direction'
  | 'queue'
  | 'service'
  | 'arrivedAt'
  | 'waitMs'
  | 'talkMs'
  | 'outcome'
  | 'rebuilt'
>;
export type StoredSurvey = Pick<SurveyResponse, 'id' | 'version' | 'source' | 'at' | 'satisfied'>;

/** The dimensions interval_stats is summed by, besides the interval. */
export interface CallDimensions {
  source: string;
  channel: string;
  direction: string;
  queue: string;
  service: string;
}

/** The signed change a flush makes to one interval × dimension row of interval_stats. */
export interface IntervalDelta extends CallDimensions {
  intervalStartMs: number;
  acc: CallAccumulator;
}

/** The signed change a flush makes to one interval × source row of survey_stats. */
export interface SurveyDelta {
  intervalStartMs: number;
  source: string;
  acc: SurveyAccumulator;
}

/** One combination of a call's dimensions, and its deltas by interval number. */
interface DimensionDeltas {
  source: string;
  channel: StoredCall['channel'];
  direction: StoredCall['direction'];
  service: string;
  byInterval: Map<number, IntervalDelta>;
}

/**
 * Folds call contributions into per-interval deltas: +1 for a new version,
 * −1 for the version it replaces, so interval_stats stays a sum of exactly
 * one contribution per contact whatever order versions arrive in.
 *
 * Every call of a flush passes through here, so the lookup builds no key: a
 * map by queue, a short scan of that queue's few dimension combinations, and
 * a map by interval number (a small integer). A string key per call cost a
 * fifth of the hot path (BENCHMARKS.md).
 */
export class IntervalDeltas {
  private readonly byQueue = new Map<string, DimensionDeltas[]>();
  private readonly callOrder: IntervalDelta[] = [];
  private readonly surveys = new Map<string, SurveyDelta>();

  addCall(call: StoredCall, sign: 1 | -1): void {
    const dimension = this.dimensionOf(call);
    const intervalNumber = Math.floor(call.arrivedAt / INTERVAL_MS);
    const held = dimension.byInterval.get(intervalNumber);
    if (held !== undefined && sign === 1) {
      // The common case (a new call in an interval already touched) adds in
      // place: no per-record accumulator is allocated.
      addCall(held.acc, call);
      return;
    }
    const contribution = callContribution(call, sign);
    if (held === undefined) {
      const delta: IntervalDelta = {
        intervalStartMs: intervalNumber * INTERVAL_MS,
        source: call.source,
        channel: call.channel,
        direction: call.direction,
        queue: call.queue,
        service: call.service,
        acc: contribution,
      };
      dimension.byInterval.set(intervalNumber, delta);
      this.callOrder.push(delta);
    } else {
      held.acc = mergeCallAccumulators(held.acc, contribution);
    }
  }

  private dimensionOf(call: StoredCall): DimensionDeltas {
    let dimensions = this.byQueue.get(call.queue);
    if (dimensions === undefined) this.byQueue.set(call.queue, (dimensions = []));
    for (const d of dimensions) {
      if (
        d.source === call.source &&
        d.channel === call.channel &&
        d.direction === call.direction &&
        d.service === call.service
      )
        return d;
    }
    const added: DimensionDeltas = {
      source: call.source,
      channel: call.channel,
      direction: call.direction,
      service: call.service,
      byInterval: new Map(),
    };
    dimensions.push(added);
    return added;
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
    return [...this.callOrder];
  }

  surveyDeltas(): SurveyDelta[] {
    return [...this.surveys.values()];
  }
}
