import { createHmac } from 'node:crypto';
import type { Pseudonymise } from '@cdrflow/formats';

/**
 * Keyed HMAC-SHA256 of the caller number, normalised to digits (and a leading +)
 * so `01632 960 123` and `01632960123` give the same key. 128 bits of the MAC
 * are kept: enough to link repeat callers, and the number cannot be recovered
 * without the key.
 */
export function callerPseudonymiser(key: string): Pseudonymise {
  return (callerNumber) => {
    const normalised = callerNumber.replace(/[^\d+]/g, '');
    return createHmac('sha256', key).update(normalised).digest('hex').slice(0, 32);
  };
}
