import { csvRowRedactor } from '../csv/csv-redact';
import { digitCount, PHONE_MIN_DIGITS, type RawRedactor } from '../redact';
import type { Pseudonymise } from '../types';

/**
 * cdr_csv columns that hold a caller or a dialled number: the caller id and
 * number, the dialled extension, and the channels (`SIP/07700900123-0000001a`
 * when a trunk or a mobile is dialled).
 */
const CALLER_COLUMNS: ReadonlySet<string> = new Set(['src', 'clid', 'dst', 'channel', 'dstchannel']);

/**
 * A CDR row's raw text with its caller columns masked and the other columns
 * masked by pattern. The columns are asked for at each reject: with
 * `columns: auto` the layout is known only once a row has fitted one, and
 * before that every column is masked by pattern.
 */
export function cdrRedactor(columns: () => readonly string[]): RawRedactor {
  return csvRowRedactor(',', (i) => (CALLER_COLUMNS.has(columns()[i] ?? '') ? 'caller' : 'text'));
}

/**
 * The queue when it comes from `dst`. Inbound, dst is the queue's extension
 * (short) or a name; outbound, it is the number dialled, a third party's
 * number. A dst with PHONE_MIN_DIGITS or more digits that the site has not
 * named in queueServices (a DID it routes to a queue) is replaced by its
 * pseudonym: calls to one number still group together, and the number is not
 * stored (docs/decisions.md, 39).
 */
export function queueFromDst(
  dst: string,
  queueServices: Readonly<Record<string, string>>,
  pseudonymise: Pseudonymise,
): string {
  if (digitCount(dst) < PHONE_MIN_DIGITS || Object.hasOwn(queueServices, dst)) return dst;
  return pseudonymise(dst);
}
