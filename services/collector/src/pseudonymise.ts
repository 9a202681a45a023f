import { createHmac } from 'node:crypto';
import type { Pseudonymise } from '@cdrflow/formats';

export interface CallerPseudonymiserOptions {
  /**
   * Caller numbers whose pseudonym is remembered, so a repeat caller costs a
   * map lookup instead of an HMAC (about 1.6 µs). Two generations of half
   * this size each: the older one is dropped when the newer fills, so the
   * numbers seen most recently stay. 0 turns the memo off. @default 100_000
   */
  memoEntries?: number;
}

const NOT_DIGIT_OR_PLUS = /[^\d+]/g;

/** True when the number is only digits and `+`, so normalising would change nothing. */
function isNormalised(n: string): boolean {
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if ((c < 0x30 || c > 0x39) && c !== 0x2b) return false;
  }
  return true;
}

/**
 * A copy of `s` that holds no reference to a larger string: a field cut out
 * of a line can otherwise keep the whole line alive for as long as the memo
 * keeps the field.
 */
const detached = (s: string): string => ` ${s}`.slice(1);

/**
 * Keyed HMAC-SHA256 of the caller number, normalised to digits (and a leading +)
 * so `01632 960 123` and `01632960123` give the same key. 128 bits of the MAC
 * are kept: enough to link repeat callers, and the number cannot be recovered
 * without the key.
 *
 * Repeat callers are common, so pseudonyms are memoised by the number as
 * given (bounded; see `memoEntries`). The memo lives in the collector's
 * memory only, beside the rows it is reading, and is never written anywhere.
 */
export function callerPseudonymiser(key: string, options: CallerPseudonymiserOptions = {}): Pseudonymise {
  const hmac = (callerNumber: string): string => {
    const normalised = isNormalised(callerNumber) ? callerNumber : callerNumber.replace(NOT_DIGIT_OR_PLUS, '');
    return createHmac('sha256', key).update(normalised).digest('hex').slice(0, 32);
  };
  const entries = options.memoEntries ?? 100_000;
  if (!Number.isInteger(entries) || entries < 0) {
    throw new RangeError(`memoEntries must be a whole number ≥ 0, got ${entries}`);
  }
  if (entries === 0) return hmac;
  const generation = Math.max(1, Math.floor(entries / 2));
  let recent = new Map<string, string>();
  let older = new Map<string, string>();
  return (callerNumber) => {
    const hit = recent.get(callerNumber);
    if (hit !== undefined) return hit;
    const number = detached(callerNumber);
    const value = older.get(callerNumber) ?? hmac(number);
    if (recent.size >= generation) {
      older = recent;
      recent = new Map();
    }
    recent.set(number, value);
    return value;
  };
}
