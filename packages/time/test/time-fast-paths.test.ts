import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utcToWallClock, wallClockToUtc, type Disambiguation } from '@cdrflow/time';
import { compileNaiveTimePattern, compileTimePattern, compileTimePatternRegex } from '../src/time-pattern';
import { localTimeConverter } from '../src/time-reader';

const p2 = (n: number): string => String(n).padStart(2, '0');

/** Fixed-width patterns: read by position. Variable-width ones still go by the regex. */
const FIXED_PATTERNS = [
  'dd/MM/yyyy HH:mm:ss',
  'yyyy-MM-dd HH:mm:ss',
  "yyyy-MM-dd'T'HH:mm:ss.SSS",
  'dd.MM.yy HH:mm',
  'MM/dd/yyyy hh:mm:ss a',
  "HH'h'mm dd.MM.yyyy",
  'yyyyMMddHHmmssSS',
  "dd/MM/yyyy HH:mm:ss.S 'UK'",
];

/** Text that fits a pattern's shape, with values in and out of range, plus noise around it. */
function textFor(pattern: string): fc.Arbitrary<string> {
  const read = compileTimePatternRegex(pattern); // throws for a bad pattern, so the list above is checked too
  void read;
  return fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 61 }),
      second: fc.integer({ min: 0, max: 61 }),
      ms: fc.integer({ min: 0, max: 999 }),
      pm: fc.constantFrom('AM', 'PM', 'am', 'pM', 'XM', 'A'),
      before: fc.constantFrom('', ' ', '\t', '\u00a0', 'x'),
      after: fc.constantFrom('', ' ', '\r', '\u3000', '0'),
      mutate: fc.option(fc.tuple(fc.nat(), fc.constantFrom('/', ':', ' ', 'a', '٣', '9', '')), { nil: null }),
    })
    .map((v) => {
      let text = '';
      let i = 0;
      while (i < pattern.length) {
        const c = pattern.charAt(i);
        if (c === "'") {
          const close = pattern.indexOf("'", i + 1);
          text += pattern.slice(i + 1, close);
          i = close + 1;
          continue;
        }
        let j = i;
        while (pattern.charAt(j) === c) j += 1;
        const token = pattern.slice(i, j);
        i = j;
        const value: Record<string, string> = {
          yyyy: String(v.year).padStart(4, '0'),
          yy: p2(v.year % 100),
          MM: p2(v.month),
          dd: p2(v.day),
          HH: p2(v.hour),
          hh: p2(v.hour % 13),
          mm: p2(v.minute),
          ss: p2(v.second),
          SSS: String(v.ms).padStart(3, '0'),
          SS: p2(v.ms % 100),
          S: String(v.ms % 10),
          a: v.pm,
        };
        text += value[token] ?? token;
      }
      if (v.mutate !== null) {
        const [at, ch] = v.mutate;
        const k = at % (text.length + 1);
        text = text.slice(0, k) + ch + text.slice(k + 1);
      }
      return v.before + text + v.after;
    });
}

describe('positional time reader', () => {
  it.each(FIXED_PATTERNS)('gives exactly the regex reader’s answers for %s', (pattern) => {
    const fast = compileTimePattern(pattern);
    const slow = compileTimePatternRegex(pattern);
    const naive = compileNaiveTimePattern(pattern);
    fc.assert(
      fc.property(fc.oneof(textFor(pattern), fc.string()), (text) => {
        const want = slow(text);
        expect(fast(text)).toEqual(want);
        const expected =
          want === null
            ? Number.NaN
            : Date.UTC(want.year, want.month - 1, want.day, want.hour, want.minute, want.second, want.millisecond);
        expect(naive(text)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a variable-width pattern by the regex, and its naive time likewise', () => {
    const naive = compileNaiveTimePattern('d/M/yyyy H:mm');
    expect(naive('1/6/2020 9:05')).toBe(Date.UTC(2020, 5, 1, 9, 5));
    expect(naive('31/6/2020 9:05')).toBeNaN();
  });
});

const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Lord_Howe', // 30-minute DST shift
  'Asia/Kolkata', // half-hour offset, no DST
  'America/St_Johns', // half-hour offset with DST
  'Europe/Dublin', // "negative" DST in the tz database
  'UTC',
];

/** Days around which offsets change (spring gaps and autumn overlaps), and ordinary days. */
const AROUND = [
  Date.UTC(2020, 2, 29),
  Date.UTC(2020, 9, 25),
  Date.UTC(2021, 2, 14),
  Date.UTC(2021, 10, 7),
  Date.UTC(2020, 3, 5),
  Date.UTC(2020, 9, 4),
  Date.UTC(2019, 6, 1),
  Date.UTC(1995, 0, 1),
];

/** The wall clock a naive ms stands for. */
const clockOf = (naive: number) => utcToWallClock(naive, 'UTC');

describe('localTimeConverter', () => {
  it('agrees with wallClockToUtc at every minute of days with DST gaps and overlaps', () => {
    // 160,000 comparisons: collected and asserted once, because one expect() each made the test take seconds.
    const disagreements: string[] = [];
    for (const zone of ZONES) {
      const convert = localTimeConverter(zone);
      for (const day of AROUND) {
        for (let minute = -24 * 60; minute < 48 * 60; minute += 3) {
          const naive = day + minute * 60_000 + ((minute * 7919) % 60) * 1000;
          for (const d of ['earlier', 'later'] as Disambiguation[]) {
            const fast = convert(naive, d);
            const reference = wallClockToUtc(clockOf(naive), zone, d);
            if (fast !== reference) {
              disagreements.push(`${zone} ${new Date(naive).toISOString()} ${d}: ${fast} ≠ ${reference}`);
            }
          }
        }
      }
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
  });

  it('agrees with wallClockToUtc for random wall times, in any order', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
              fc.constantFrom(...AROUND).chain((d) => fc.integer({ min: d - 86_400_000, max: d + 2 * 86_400_000 })),
            ),
            fc.constantFrom<Disambiguation>('earlier', 'later'),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        (zone, times) => {
          const convert = localTimeConverter(zone);
          for (const [naive, d] of times) expect(convert(naive, d)).toBe(wallClockToUtc(clockOf(naive), zone, d));
        },
      ),
      { numRuns: 500 },
    );
  });
});
