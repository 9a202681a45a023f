import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addSurvey,
  emptySurveyAccumulator,
  isEmptySurveyAccumulator,
  mergeSurveyAccumulators,
  surveyContribution,
  type SurveyAccumulator,
} from '@cdrflow/kpi';

function accumulate(answers: readonly boolean[]): SurveyAccumulator {
  const acc = emptySurveyAccumulator();
  for (const satisfied of answers) addSurvey(acc, { satisfied });
  return acc;
}

describe('SurveyAccumulator', () => {
  it('counts responses and satisfied ones', () => {
    expect(accumulate([true, false, true])).toEqual({ responses: 3, satisfied: 2 });
  });

  it('a retraction cancels its contribution to exactly the empty accumulator', () => {
    fc.assert(
      fc.property(fc.boolean(), (satisfied) => {
        const net = mergeSurveyAccumulators(
          surveyContribution({ satisfied }, 1),
          surveyContribution({ satisfied }, -1),
        );
        expect(net).toEqual(emptySurveyAccumulator());
        expect(isEmptySurveyAccumulator(net)).toBe(true);
      }),
    );
  });

  it('merge is associative and commutative with the empty accumulator as identity', () => {
    const arb = fc.array(fc.boolean(), { maxLength: 20 }).map(accumulate);
    fc.assert(
      fc.property(arb, arb, arb, (a, b, c) => {
        expect(mergeSurveyAccumulators(mergeSurveyAccumulators(a, b), c)).toEqual(
          mergeSurveyAccumulators(a, mergeSurveyAccumulators(b, c)),
        );
        expect(mergeSurveyAccumulators(a, b)).toEqual(mergeSurveyAccumulators(b, a));
        expect(mergeSurveyAccumulators(a, emptySurveyAccumulator())).toEqual(a);
      }),
    );
  });

  it('adding one by one equals merging contributions', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 30 }), (answers) => {
        const merged = answers
          .map((satisfied) => surveyContribution({ satisfied }, 1))
          .reduce(mergeSurveyAccumulators, emptySurveyAccumulator());
        expect(accumulate(answers)).toEqual(merged);
      }),
    );
  });
});
