import type { SurveyResponse } from '@cdrflow/schema';
import type { AccumulatorOf, SURVEY_ACCUMULATOR_COLUMNS } from './accumulator-columns';

/** Survey counts, one field per entry of SURVEY_ACCUMULATOR_COLUMNS; mergeable sums like CallAccumulator. */
export type SurveyAccumulator = AccumulatorOf<typeof SURVEY_ACCUMULATOR_COLUMNS>;

export type SurveyFacts = Pick<SurveyResponse, 'satisfied'>;

export function emptySurveyAccumulator(): SurveyAccumulator {
  return { responses: 0, satisfied: 0 };
}

/** Adds one response in place. */
export function addSurvey(acc: SurveyAccumulator, response: SurveyFacts): void {
  acc.responses += 1;
  if (response.satisfied) acc.satisfied += 1;
}

export function mergeSurveyAccumulators(a: SurveyAccumulator, b: SurveyAccumulator): SurveyAccumulator {
  return { responses: a.responses + b.responses, satisfied: a.satisfied + b.satisfied };
}

/** One response's contribution; sign −1 retracts it when a later version replaces it. */
export function surveyContribution(response: SurveyFacts, sign: 1 | -1): SurveyAccumulator {
  const satisfied = response.satisfied ? 1 : 0;
  // `0 - v` keeps zeros positive, so a retraction merged with its contribution equals the empty accumulator.
  return sign === 1 ? { responses: 1, satisfied } : { responses: -1, satisfied: 0 - satisfied };
}

export function isEmptySurveyAccumulator(acc: SurveyAccumulator): boolean {
  return acc.responses === 0 && acc.satisfied === 0;
}
