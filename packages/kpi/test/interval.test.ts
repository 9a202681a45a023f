import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CALENDAR_PERIOD_KINDS,
  DEFAULT_CALENDAR,
  INTERVAL_MS,
  IntervalMisalignedError,
  addCall,
  callContribution,
  emptyCallAccumulator,
  intervalStart,
  periodContaining,
  resolveCalendar,
  rollUp,
  rollUpSurveys,
  type CalendarPeriodKind,
  type CallAccumulator,
  type CallFacts,
  type Calendar,
} from '@cdrflow/kpi';
import { callFactsArb } from './arbitraries';

const LONDON = DEFAULT_CALENDAR;

describe('intervalStart', () => {
  it('floors to 15 minutes UTC', () => {
    expect(intervalStart(Date.UTC(2020, 9, 25, 1, 14, 59, 999))).toBe(Date.UTC(2020, 9, 25, 1, 0));
    expect(intervalStart(Date.UTC(2020, 9, 25, 1, 15))).toBe(Date.UTC(2020, 9, 25, 1, 15));
    expect(INTERVAL_MS).toBe(900_000);
  });
});

describe('rollUp', () => {
  it('sums intervals into local days across the autumn change', () => {
    // 2020-10-24T23:00Z is 00:00 BST on 25 Oct (first interval of the day);
    // 2020-10-25T23:45Z is 23:45 GMT on 25 Oct (last interval); 2020-10-26T00:00Z starts 26 Oct.
    const one = (waitMs: number): CallAccumulator => callContribution({ outcome: 'answered', waitMs, talkMs: 0 }, 1);
    const days = rollUp(
      [
        { intervalStartMs: Date.UTC(2020, 9, 24, 22, 45), acc: one(1_000) },
        { intervalStartMs: Date.UTC(2020, 9, 24, 23, 0), acc: one(2_000) },
        { intervalStartMs: Date.UTC(2020, 9, 25, 23, 45), acc: one(3_000) },
        { intervalStartMs: Date.UTC(2020, 9, 26, 0, 0), acc: one(4_000) },
      ],
      'day',
      LONDON,
    );
    expect([...days.keys()]).toEqual(['2020-10-24', '2020-10-25', '2020-10-26']);
    // 25 Oct holds the 2 000 ms and 3 000 ms waits: 2 answered, Σ 5 000 ms.
    expect(days.get('2020-10-25')?.answered).toBe(2);
    expect(days.get('2020-10-25')?.waitAnsweredMs).toBe(5_000);
  });

  it('rolls surveys up the same way', () => {
    const s = rollUpSurveys(
      [
        { intervalStartMs: Date.UTC(2020, 2, 31, 22, 45), acc: { responses: 3, satisfied: 2 } },
        { intervalStartMs: Date.UTC(2020, 2, 31, 23, 0), acc: { responses: 5, satisfied: 5 } },
        { intervalStartMs: Date.UTC(2020, 5, 30, 22, 45), acc: { responses: 1, satisfied: 0 } },
      ],
      'quarter',
      LONDON,
    );
    expect(Object.fromEntries(s)).toEqual({
      '2019-20Q4': { responses: 3, satisfied: 2 },
      '2020-21Q1': { responses: 6, satisfied: 5 }, // 5 + 1, 5 + 0
    });
  });

  it('refuses an interval start off the 15-minute grid', () => {
    expect(() => rollUp([{ intervalStartMs: 60_000, acc: emptyCallAccumulator() }], 'day', LONDON)).toThrow(
      IntervalMisalignedError,
    );
  });

  it('refuses a zone whose periods would split an interval', () => {
    // Liberia kept UTC−00:44:30 until 1972, so its local midnight fell at 00:44:30 UTC,
    // inside the 00:30–00:45 UTC interval.
    const monrovia = resolveCalendar({ zone: 'Africa/Monrovia' });
    expect(() =>
      rollUp([{ intervalStartMs: Date.UTC(1971, 5, 1, 0, 30), acc: emptyCallAccumulator() }], 'day', monrovia),
    ).toThrow(
      'the 15-minute interval at 1971-06-01T00:30:00.000Z straddles the end of day 1971-05-31 in Africa/Monrovia',
    );
  });
});

/** Instants in 2019–2021, weighted towards the days the clocks change and the edges of local days. */
const DST_DAYS = [
  Date.UTC(2019, 2, 31),
  Date.UTC(2019, 9, 27),
  Date.UTC(2020, 2, 29),
  Date.UTC(2020, 9, 25),
  Date.UTC(2021, 2, 28),
  Date.UTC(2021, 9, 31),
];
const QUARTER_EDGES = [
  Date.UTC(2019, 2, 31, 23),
  Date.UTC(2019, 5, 30, 23),
  Date.UTC(2019, 8, 30, 23),
  Date.UTC(2020, 0, 1),
  Date.UTC(2020, 2, 31, 23),
  Date.UTC(2021, 0, 1),
];
const arrivalArb = fc.oneof(
  fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2022, 0, 1) - 1 }),
  fc.constantFrom(...DST_DAYS).chain((d) => fc.integer({ min: d - 2 * 3_600_000, max: d + 26 * 3_600_000 })),
  fc.constantFrom(...QUARTER_EDGES).chain((d) => fc.integer({ min: d - 3_600_000, max: d + 3_600_000 })),
);
const timedCallArb = fc.record({ arrivedAt: arrivalArb, call: callFactsArb });

function groupBy(calls: readonly { arrivedAt: number; call: CallFacts }[], key: (t: number) => string | number) {
  const out = new Map<string | number, CallAccumulator>();
  for (const { arrivedAt, call } of calls) {
    const k = key(arrivedAt);
    let acc = out.get(k);
    if (acc === undefined) {
      acc = emptyCallAccumulator();
      out.set(k, acc);
    }
    addCall(acc, call);
  }
  return out;
}

describe('rollUp properties', () => {
  const check = (kinds: readonly CalendarPeriodKind[], calendar: Calendar): void => {
    fc.assert(
      fc.property(fc.array(timedCallArb, { maxLength: 60 }), (calls) => {
        const intervals = [...groupBy(calls, intervalStart)].map(([start, acc]) => ({
          intervalStartMs: Number(start),
          acc,
        }));
        for (const kind of kinds) {
          const direct = groupBy(calls, (t) => periodContaining(t, kind, calendar).key);
          expect(rollUp(intervals, kind, calendar)).toEqual(direct);
        }
      }),
      { numRuns: 150 },
    );
  };

  it('rolling 15-minute intervals up to months and quarters equals grouping the calls directly (Europe/London)', () => {
    check(['month', 'quarter'], LONDON);
  });

  it('holds for every period kind, in London and in a half-hour zone', () => {
    check(CALENDAR_PERIOD_KINDS, LONDON);
    check(CALENDAR_PERIOD_KINDS, resolveCalendar({ zone: 'America/St_Johns', fiscalYearStartMonth: 1 }));
  });
});
