import { describe, expect, it } from 'vitest';
import {
  OpeningHoursInvalidError,
  describeOpeningSchedule,
  intervalOpenness,
  isOpenAt,
  resolveOpeningSchedule,
} from '@cdrflow/kpi';

const utc = (iso: string) => Date.parse(iso);

// A council's week: weekdays 08:30-17:00, Saturday morning, Christmas Day closed.
// Expected instants are worked by hand from the UK's offsets: BST (UTC+1) from
// 29 March to 25 October 2020, GMT (UTC+0) otherwise; 1 June 2020 was a Monday.
const council = resolveOpeningSchedule(
  { hours: { 'mon-fri': '08:30-17:00', sat: '09:00-12:00', sun: 'closed' }, closedDays: ['2020-12-25'] },
  'Europe/London',
);

function issuesOf(input: unknown): readonly string[] {
  try {
    resolveOpeningSchedule(input, 'Europe/London');
  } catch (e: unknown) {
    if (e instanceof OpeningHoursInvalidError) return e.issues;
    throw e;
  }
  throw new Error('opening hours were accepted');
}

describe('isOpenAt', () => {
  it('opens at the local start and closes at the local end (end excluded), in summer time', () => {
    expect(isOpenAt(council, utc('2020-06-01T07:29:59.999Z'))).toBe(false); // 08:29:59.999 BST
    expect(isOpenAt(council, utc('2020-06-01T07:30:00Z'))).toBe(true); // 08:30 BST
    expect(isOpenAt(council, utc('2020-06-01T15:59:59Z'))).toBe(true); // 16:59:59 BST
    expect(isOpenAt(council, utc('2020-06-01T16:00:00Z'))).toBe(false); // 17:00 BST
  });

  it('reads Saturday and Sunday hours, and GMT in winter', () => {
    expect(isOpenAt(council, utc('2020-06-06T08:00:00Z'))).toBe(true); // Sat 09:00 BST
    expect(isOpenAt(council, utc('2020-06-06T11:00:00Z'))).toBe(false); // Sat 12:00 BST
    expect(isOpenAt(council, utc('2020-06-07T10:00:00Z'))).toBe(false); // Sunday
    expect(isOpenAt(council, utc('2020-12-01T08:30:00Z'))).toBe(true); // Tue 08:30 GMT
    expect(isOpenAt(council, utc('2020-12-01T08:29:00Z'))).toBe(false);
  });

  it('is closed all day on a closure day, open the day before', () => {
    expect(isOpenAt(council, utc('2020-12-24T10:00:00Z'))).toBe(true); // Thursday
    expect(isOpenAt(council, utc('2020-12-25T10:00:00Z'))).toBe(false); // Friday, Christmas Day
  });

  it('follows the local clock across the spring change (01:00 GMT becomes 02:00 BST)', () => {
    const night = resolveOpeningSchedule({ hours: { sun: '01:00-03:00' } }, 'Europe/London');
    expect(isOpenAt(night, utc('2020-03-29T00:59:00Z'))).toBe(false); // 00:59 GMT
    expect(isOpenAt(night, utc('2020-03-29T01:00:00Z'))).toBe(true); // 02:00 BST
    expect(isOpenAt(night, utc('2020-03-29T02:00:00Z'))).toBe(false); // 03:00 BST
  });

  it('takes 24:00 as the end of the day and several spans in a day', () => {
    const split = resolveOpeningSchedule({ hours: { mon: ['08:00-12:00', '13:00-24:00'] } }, 'UTC');
    expect(isOpenAt(split, utc('2020-06-01T12:30:00Z'))).toBe(false);
    expect(isOpenAt(split, utc('2020-06-01T23:59:59Z'))).toBe(true);
    expect(isOpenAt(split, utc('2020-06-02T00:00:00Z'))).toBe(false); // Tuesday: not named, closed
  });

  it('reads a run of days that wraps the week end', () => {
    const weekend = resolveOpeningSchedule({ hours: { 'sat-mon': '10:00-11:00' } }, 'UTC');
    expect(isOpenAt(weekend, utc('2020-06-01T10:30:00Z'))).toBe(true); // Monday
    expect(isOpenAt(weekend, utc('2020-06-07T10:30:00Z'))).toBe(true); // Sunday
    expect(isOpenAt(weekend, utc('2020-06-02T10:30:00Z'))).toBe(false); // Tuesday
  });

  it('is always open without a schedule', () => {
    expect(isOpenAt(null, utc('2020-12-25T03:00:00Z'))).toBe(true);
  });
});

describe('intervalOpenness', () => {
  it('classifies 15-minute UTC intervals as open, closed or partly open', () => {
    expect(intervalOpenness(council, utc('2020-06-01T07:15:00Z'))).toBe('closed'); // 08:15-08:30 BST
    expect(intervalOpenness(council, utc('2020-06-01T07:30:00Z'))).toBe('open'); // 08:30-08:45 BST
    expect(intervalOpenness(council, utc('2020-06-01T15:45:00Z'))).toBe('open'); // 16:45-17:00 BST
    expect(intervalOpenness(council, utc('2020-06-01T16:00:00Z'))).toBe('closed');
    const odd = resolveOpeningSchedule({ hours: { mon: '08:40-17:00' } }, 'UTC');
    expect(intervalOpenness(odd, utc('2020-06-01T08:30:00Z'))).toBe('partly_open');
    expect(intervalOpenness(null, utc('2020-06-01T08:30:00Z'))).toBe('open');
  });
});

describe('resolveOpeningSchedule', () => {
  it('says which key is wrong and what to write', () => {
    expect(issuesOf({ hours: { monday: '08:30-17:00' } })).toEqual([
      expect.stringMatching(/^hours\.monday: .*must be a day \(mon … sun\) or a run of days such as mon-fri/),
    ]);
    expect(issuesOf({ hours: { mon: '8:30-17:00' } })[0]).toMatch(/hours\.mon.*"HH:MM-HH:MM"/);
    expect(issuesOf({ hours: { mon: '22:00-02:00' } })[0]).toMatch(
      /hours\.mon: must end after it starts; a range across midnight is two days/,
    );
    expect(issuesOf({ hours: { 'mon-fri': '08:30-17:00', wed: '10:00-12:00' } })[0]).toMatch(
      /hours\.wed: gives wed hours a second time \(also in "mon-fri"\)/,
    );
    expect(issuesOf({ hours: { mon: ['13:00-17:00', '08:00-12:00'] } })[0]).toMatch(/overlap or are out of order/);
    expect(issuesOf({ hours: {}, closedDays: ['25/12/2020'] })[0]).toMatch(
      /closedDays\.0: must be a date YYYY-MM-DD.*25\/12\/2020/,
    );
    expect(issuesOf({ hours: {}, openingHours: 1 })[0]).toMatch(/openingHours/);
  });

  it('prints the schedule for the definitions under a report', () => {
    expect(describeOpeningSchedule('pbx', council)).toBe(
      'Opening hours of pbx (Europe/London): mon 08:30-17:00; tue 08:30-17:00; wed 08:30-17:00; thu 08:30-17:00; fri 08:30-17:00; sat 09:00-12:00; sun closed; closed on 2020-12-25.',
    );
  });
});
