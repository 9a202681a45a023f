import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callerPseudonymiser } from '../src/pseudonymise';

const KEY = 'a test key of more than sixteen characters';
const hmac = (n: string): string =>
  createHmac('sha256', KEY)
    .update(n.replace(/[^\d+]/g, ''))
    .digest('hex')
    .slice(0, 32);

describe('callerPseudonymiser', () => {
  it('is 128 bits of HMAC-SHA256 of the number normalised to digits and +', () => {
    const p = callerPseudonymiser(KEY);
    expect(p('01632 960 123')).toBe(hmac('01632960123'));
    expect(p('01632960123')).toBe(p('(01632) 960-123'));
    expect(p('+441632960123')).toMatch(/^[0-9a-f]{32}$/);
    expect(p('+441632960123')).not.toBe(p('01632960123'));
    expect(callerPseudonymiser('another key, also long enough')('01632960123')).not.toBe(p('01632960123'));
  });

  it('gives the same pseudonyms with or without the memo, however small, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.stringMatching(/^\+?[0-9 ()-]{0,14}$/), fc.string()), { maxLength: 200 }),
        fc.integer({ min: 0, max: 8 }),
        (numbers, memoEntries) => {
          const memo = callerPseudonymiser(KEY, { memoEntries });
          const repeats = [...numbers, ...numbers.slice().reverse(), ...numbers];
          for (const n of repeats) expect(memo(n)).toBe(hmac(n));
        },
      ),
    );
  });

  it('refuses a memo size that is not a whole number', () => {
    expect(() => callerPseudonymiser(KEY, { memoEntries: -1 })).toThrow('memoEntries must be a whole number ≥ 0');
    expect(() => callerPseudonymiser(KEY, { memoEntries: 1.5 })).toThrow(RangeError);
  });
});
