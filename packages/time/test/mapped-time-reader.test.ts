import { describe, expect, it } from 'vitest';
import { compileTimePattern, TimePatternError } from '../src/time-pattern';
import { createTimeReader, readTimeAfter } from '../src/time-reader';

describe('compileTimePattern', () => {
  it('reads the common date-fns tokens into wall-clock fields', () => {
    expect(compileTimePattern('dd/MM/yyyy HH:mm:ss')('01/06/2020 09:04:30')).toEqual({
      year: 2020,
      month: 6,
      day: 1,
      hour: 9,
      minute: 4,
      second: 30,
      millisecond: 0,
    });
    expect(compileTimePattern("yyyy-MM-dd'T'HH:mm:ss.SSS")('2020-06-01T09:04:30.250')).toMatchObject({
      hour: 9,
      millisecond: 250,
    });
    expect(compileTimePattern('M/d/yy h:mm a')('6/1/20 12:05 AM')).toMatchObject({ year: 2020, hour: 0, minute: 5 });
    expect(compileTimePattern('M/d/yy h:mm a')('6/1/20 1:05 pm')).toMatchObject({ hour: 13 });
    expect(compileTimePattern("HH'h'mm dd.MM.yyyy")('09h04 01.06.2020')).toMatchObject({ hour: 9, minute: 4, day: 1 });
  });

  it('returns null for text that does not fit or is not a real date', () => {
    const read = compileTimePattern('dd/MM/yyyy HH:mm');
    expect(read('2020-06-01 09:04')).toBeNull();
    expect(read('31/06/2020 09:04')).toBeNull(); // June has 30 days
    expect(read('29/02/2021 09:04')).toBeNull(); // 2021 is not a leap year
    expect(read('29/02/2020 09:04')).toMatchObject({ day: 29 });
    expect(read('01/06/2020 24:00')).toBeNull();
    expect(compileTimePattern('M/d/yy h:mm a')('6/1/20 13:05 PM')).toBeNull();
  });

  it('refuses patterns it cannot read, naming what to use', () => {
    expect(() => compileTimePattern('EEE dd MMM yyyy')).toThrow(TimePatternError);
    expect(() => compileTimePattern('dd MMM yyyy')).toThrow(
      "time format \"dd MMM yyyy\" uses \"MMM\", which is not supported: use yyyy yy MM M dd d HH H hh h mm m ss s SSS SS S a, text in single quotes, or 'iso', 'epoch_s', 'epoch_ms'",
    );
    expect(() => compileTimePattern('HH:mm')).toThrow('time format "HH:mm" has no year (yyyy or yy)');
    expect(() => compileTimePattern('dd/MM/yyyy hh:mm')).toThrow('must use hh together with a (AM/PM), or HH alone');
  });
});

describe('createTimeReader', () => {
  it('reads ISO with and without an offset', () => {
    const read = createTimeReader('iso', 'Europe/London');
    // No offset: local London time, BST in June → 08:00Z.
    expect(read('2020-06-01T09:00:00')).toBe(Date.UTC(2020, 5, 1, 8, 0, 0));
    expect(read('2020-06-01 09:00')).toBe(Date.UTC(2020, 5, 1, 8, 0, 0));
    expect(read('2020-06-01T09:00:00Z')).toBe(Date.UTC(2020, 5, 1, 9, 0, 0));
    expect(read('2020-06-01T09:00:00.5+02:00')).toBe(Date.UTC(2020, 5, 1, 7, 0, 0, 500));
    expect(read('2020-06-01T09:00:00-0130')).toBe(Date.UTC(2020, 5, 1, 10, 30, 0));
    expect(read('2020-02-30T09:00:00Z')).toBeNull();
    expect(read('1591000000')).toBeNull();
  });

  it('reads epoch seconds and milliseconds', () => {
    expect(createTimeReader('epoch_s', 'UTC')('1591000000.1234')).toBe(1_591_000_000_123);
    expect(createTimeReader('epoch_s', 'UTC')('1e9')).toBeNull();
    expect(createTimeReader('epoch_ms', 'UTC')('1591000000123')).toBe(1_591_000_000_123);
    expect(createTimeReader('epoch_ms', 'UTC')('1591000000.5')).toBeNull();
  });

  it('takes the later reading in the autumn overlap only when the earlier one is too early', () => {
    const read = createTimeReader('dd/MM/yyyy HH:mm', 'Europe/London');
    const start = Date.UTC(2020, 9, 25, 0, 50); // 01:50 BST
    // 01:10 read as BST is 00:10Z, before start; as GMT 01:10Z.
    expect(readTimeAfter(read, '25/10/2020 01:10', start)).toBe(Date.UTC(2020, 9, 25, 1, 10));
    // 01:55 read as BST is 00:55Z, already after start.
    expect(readTimeAfter(read, '25/10/2020 01:55', start)).toBe(Date.UTC(2020, 9, 25, 0, 55));
    // Outside the overlap both readings agree, so an early time stays early (the parser rejects it).
    expect(readTimeAfter(read, '25/10/2020 00:10', start)).toBe(Date.UTC(2020, 9, 24, 23, 10));
  });
});
