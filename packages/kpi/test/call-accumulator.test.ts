import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CALL_ACCUMULATOR_SCALAR_FIELDS,
  addCall,
  callContribution,
  emptyCallAccumulator,
  isEmptyAccumulator,
  mergeCallAccumulators,
  type CallAccumulator,
  type CallFacts,
} from '@cdrflow/kpi';
import { callFactsArb } from './arbitraries';

function accumulate(calls: readonly CallFacts[]): CallAccumulator {
  const acc = emptyCallAccumulator();
  for (const c of calls) addCall(acc, c);
  return acc;
}

/** 19 zeros with the given counts at the given bucket indexes. */
function buckets(counts: Record<number, number> = {}): number[] {
  const h = new Array<number>(19).fill(0);
  for (const [i, n] of Object.entries(counts)) h[Number(i)] = n;
  return h;
}

describe('CallAccumulator', () => {
  it('counts a queued contact (fate not known yet) as a contact and in no outcome or wait figure', () => {
    const acc = emptyCallAccumulator();
    addCall(acc, { outcome: 'queued', waitMs: 0, talkMs: 0 });
    expect(acc).toEqual({ ...emptyCallAccumulator(), contacts: 1 });
    // Replaced by its answered version: the contact stays one, the wait moves in.
    const net = mergeCallAccumulators(
      mergeCallAccumulators(acc, callContribution({ outcome: 'queued', waitMs: 0, talkMs: 0 }, -1)),
      callContribution({ outcome: 'answered', waitMs: 15_000, talkMs: 0 }, 1),
    );
    const want = emptyCallAccumulator();
    addCall(want, { outcome: 'answered', waitMs: 15_000, talkMs: 0 });
    expect(net).toEqual(want);
  });

  it('documents a stable scalar field list', () => {
    expect(CALL_ACCUMULATOR_SCALAR_FIELDS).toEqual([
      'contacts',
      'answered',
      'abandoned',
      'timeout',
      'exitEmpty',
      'exitKey',
      'withdrawn',
      'unclosed',
      'other',
      'waitAnsweredMs',
      'waitAllMs',
      'talkMs',
      'maxWaitMs',
      'rebuilt',
    ]);
    expect(Object.keys(emptyCallAccumulator())).toEqual([
      ...CALL_ACCUMULATOR_SCALAR_FIELDS,
      'answeredWaitBuckets',
      'abandonedWaitBuckets',
    ]);
  });

  it('adds calls of every outcome exactly', () => {
    const acc = accumulate([
      { outcome: 'answered', waitMs: 20_000, talkMs: 100_000 }, // bucket ≤20 s (index 3)
      { outcome: 'answered', waitMs: 20_001, talkMs: 50_000 }, // bucket ≤30 s (index 4)
      { outcome: 'abandoned', waitMs: 4_000, talkMs: 0 }, // bucket ≤5 s (index 0)
      { outcome: 'abandoned', waitMs: 4_000_000, talkMs: 0 }, // overflow (index 18)
      { outcome: 'timeout', waitMs: 600_000, talkMs: 0 },
      { outcome: 'exit_empty', waitMs: 0, talkMs: 0 },
      { outcome: 'exit_key', waitMs: 30_000, talkMs: 0 },
      { outcome: 'withdrawn', waitMs: 1_000, talkMs: 0 },
      { outcome: 'unclosed', waitMs: 2_000, talkMs: 0 },
      { outcome: 'other', waitMs: 3_000, talkMs: 0, rebuilt: true },
    ]);
    expect(acc).toEqual({
      contacts: 10,
      answered: 2,
      abandoned: 2,
      timeout: 1,
      exitEmpty: 1,
      exitKey: 1,
      withdrawn: 1,
      unclosed: 1,
      other: 1,
      waitAnsweredMs: 40_001, // 20 000 + 20 001
      // 20 000 + 20 001 + 4 000 + 4 000 000 + 600 000 + 0 + 30 000 + 1 000 + 2 000 + 3 000
      waitAllMs: 4_680_001,
      talkMs: 150_000,
      maxWaitMs: 4_000_000,
      rebuilt: 1, // the `other` call, rebuilt from its close
      answeredWaitBuckets: buckets({ 3: 1, 4: 1 }),
      abandonedWaitBuckets: buckets({ 0: 1, 18: 1 }),
    } satisfies CallAccumulator);
  });

  it('merges into a new object and leaves its inputs alone', () => {
    const a = accumulate([{ outcome: 'answered', waitMs: 10_000, talkMs: 1_000 }]);
    const b = accumulate([{ outcome: 'abandoned', waitMs: 90_000, talkMs: 0 }]);
    const before = structuredClone(a);
    const m = mergeCallAccumulators(a, b);
    expect(a).toEqual(before);
    expect(m).toEqual(
      accumulate([
        { outcome: 'answered', waitMs: 10_000, talkMs: 1_000 },
        { outcome: 'abandoned', waitMs: 90_000, talkMs: 0 },
      ]),
    );
    expect(m.maxWaitMs).toBe(90_000);
  });

  it('retracts a call: every count and sum negated, max wait 0', () => {
    const r = callContribution({ outcome: 'answered', waitMs: 65_000, talkMs: 235_000 }, -1);
    expect(r).toEqual({
      ...emptyCallAccumulator(),
      contacts: -1,
      answered: -1,
      waitAnsweredMs: -65_000,
      waitAllMs: -65_000,
      talkMs: -235_000,
      maxWaitMs: 0,
      answeredWaitBuckets: buckets({ 7: -1 }), // 65 s is in the ≤90 s bucket
    } satisfies CallAccumulator);
    // Untouched fields are +0, not -0, so they compare equal to an empty accumulator under Object.is.
    expect(Object.is(r.abandoned, 0)).toBe(true);
    expect(Object.is(r.abandonedWaitBuckets[0], 0)).toBe(true);
  });

  it('is empty when every count and sum is zero, whatever the max wait', () => {
    expect(isEmptyAccumulator(emptyCallAccumulator())).toBe(true);
    expect(isEmptyAccumulator({ ...emptyCallAccumulator(), maxWaitMs: 5 })).toBe(true);
    expect(isEmptyAccumulator({ ...emptyCallAccumulator(), talkMs: 5 })).toBe(false);
    expect(isEmptyAccumulator({ ...emptyCallAccumulator(), abandonedWaitBuckets: buckets({ 2: 1 }) })).toBe(false);
  });
});

describe('CallAccumulator properties', () => {
  const accArb = fc.array(callFactsArb, { maxLength: 30 }).map(accumulate);

  it('merge is associative', () => {
    fc.assert(
      fc.property(accArb, accArb, accArb, (a, b, c) => {
        expect(mergeCallAccumulators(mergeCallAccumulators(a, b), c)).toEqual(
          mergeCallAccumulators(a, mergeCallAccumulators(b, c)),
        );
      }),
    );
  });

  it('merge is commutative', () => {
    fc.assert(
      fc.property(accArb, accArb, (a, b) => {
        expect(mergeCallAccumulators(a, b)).toEqual(mergeCallAccumulators(b, a));
      }),
    );
  });

  it('the empty accumulator is the identity', () => {
    fc.assert(
      fc.property(accArb, (a) => {
        expect(mergeCallAccumulators(a, emptyCallAccumulator())).toEqual(a);
        expect(mergeCallAccumulators(emptyCallAccumulator(), a)).toEqual(a);
      }),
    );
  });

  it('adding calls one by one equals merging their contributions', () => {
    fc.assert(
      fc.property(fc.array(callFactsArb, { maxLength: 50 }), (calls) => {
        const merged = calls.map((c) => callContribution(c, 1)).reduce(mergeCallAccumulators, emptyCallAccumulator());
        expect(accumulate(calls)).toEqual(merged);
      }),
    );
  });

  it('a contribution merged with its retraction is empty except the max wait', () => {
    fc.assert(
      fc.property(callFactsArb, (call) => {
        const net = mergeCallAccumulators(callContribution(call, 1), callContribution(call, -1));
        expect(net).toEqual({ ...emptyCallAccumulator(), maxWaitMs: call.waitMs });
        expect(isEmptyAccumulator(net)).toBe(true);
      }),
    );
  });

  it('replacing a version by retraction and contribution equals counting only the later version', () => {
    fc.assert(
      fc.property(fc.array(callFactsArb, { maxLength: 20 }), callFactsArb, callFactsArb, (others, v1, v2) => {
        const restated = [callContribution(v1, 1), callContribution(v1, -1), callContribution(v2, 1)].reduce(
          mergeCallAccumulators,
          accumulate(others),
        );
        const direct = accumulate([...others, v2]);
        // Everything but the max wait, which keeps v1's wait when it was the longest.
        expect({ ...restated, maxWaitMs: 0 }).toEqual({ ...direct, maxWaitMs: 0 });
        expect(restated.maxWaitMs).toBe(Math.max(direct.maxWaitMs, v1.waitMs));
      }),
    );
  });
});
