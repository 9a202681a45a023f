import fc from 'fast-check';
import { OUTCOMES, type CallRecord } from '@cdrflow/schema';
import { WAIT_BUCKET_BOUNDS_SECONDS, type CallFacts } from '@cdrflow/kpi';

/** Waits that hit every bucket, exact bounds and one millisecond past them included. */
export const waitMsArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 4_000_000 }),
  fc.constantFrom(...WAIT_BUCKET_BOUNDS_SECONDS).chain((s) => fc.constantFrom(s * 1000, s * 1000 + 1, s * 1000 - 1)),
);

export const callFactsArb: fc.Arbitrary<CallFacts> = fc
  .record({
    outcome: fc.constantFrom<CallRecord['outcome']>(...OUTCOMES),
    waitMs: waitMsArb,
    talkMs: fc.integer({ min: 0, max: 7_200_000 }),
    rebuilt: fc.boolean(),
  })
  // The schema allows talk time on answered contacts only.
  .map((c) => (c.outcome === 'answered' ? c : { ...c, talkMs: 0 }));
