import {
  emptyCallAccumulator,
  emptySurveyAccumulator,
  type CallAccumulator,
  type Period,
  type PeriodInput,
} from '@cdrflow/kpi';

/** Only the fields the committee KPIs read; the histograms stay empty. */
export function calls(answered: number, abandoned: number, waitAnsweredMs: number): CallAccumulator {
  return { ...emptyCallAccumulator(), contacts: answered + abandoned, answered, abandoned, waitAnsweredMs };
}

/** A period's phone and face-to-face accumulators, without survey responses. */
export function periodInput(period: Period, phone: CallAccumulator, faceToFace = emptyCallAccumulator()): PeriodInput {
  return { period, phone, faceToFace, survey: emptySurveyAccumulator() };
}
