import type { Reject } from '@cdrflow/schema';

/**
 * Redaction of rejects: no caller number leaves a parser, not even in the
 * text of a row it could not read (docs/rejects.md, "What a reject shows";
 * docs/decisions.md, 39).
 *
 * Two rules, applied to a reject's `raw` and `detail`:
 * - by position: a field the format knows holds a caller (queue_log
 *   ENTERQUEUE callerid and callername, CDR src/clid/dst/channel/dstchannel,
 *   a mapped `caller` column) becomes MASK whatever it holds;
 * - by pattern, everywhere else: a phone-number-shaped run (an optional `+`,
 *   digits with spaces, dashes or brackets between them) of at least
 *   PHONE_MIN_DIGITS digits becomes MASK. Dates and times (`2024-01-05
 *   10:00:00`, `05/01/2024 10:00`) and Asterisk unique ids (`1700000000.123`)
 *   are recognised first and kept, so a person can still find the row; a bare
 *   epoch is kept only where the format puts a time.
 * The reject's file, line and reason are untouched: they find the row.
 */
export const MASK = '***';

/** Shorter runs are extensions, waits, positions and durations; the shortest national numbers have 6+ digits. */
export const PHONE_MIN_DIGITS = 6;

/** Dates, times and unique ids: kept as they are (tried before a phone number at each position). */
const KEPT =
  /\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?|\d{9,10}\.\d+/y;
const PHONE = /\+?\(?\d[\d\-() ]*\d\)?/y;

export function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) n++;
  }
  return n;
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * What one reject's redaction hid: the caller fields and number runs taken out
 * of the raw text, so the detail (written from the same row) can lose them too.
 */
export class Redaction {
  private readonly values: string[] = [];
  private readonly digitRuns: string[] = [];

  /** A field known to hold a caller: masked whatever it holds (an empty field stays empty). */
  caller(value: string): string {
    if (value === '') return value;
    this.values.push(value);
    const digits = digitsOf(value);
    if (digits.length >= PHONE_MIN_DIGITS) this.digitRuns.push(digits);
    return MASK;
  }

  /** Free text: phone-number-shaped runs masked, dates, times and unique ids kept. */
  text(value: string): string {
    let out = '';
    let i = 0;
    const n = value.length;
    while (i < n) {
      const c = value.charCodeAt(i);
      if (!isDigit(c) && c !== 0x2b && c !== 0x28) {
        out += value[i];
        i++;
        continue;
      }
      // A run that starts inside a word or number (`SIP/x1234567`, `a1700000000`) is still a run.
      KEPT.lastIndex = i;
      const kept = isDigit(c) ? KEPT.exec(value) : null;
      if (kept !== null) {
        out += kept[0];
        i += kept[0].length;
        continue;
      }
      PHONE.lastIndex = i;
      const phone = PHONE.exec(value);
      if (phone === null) {
        out += value[i];
        i++;
        continue;
      }
      const run = phone[0];
      if (digitCount(run) >= PHONE_MIN_DIGITS) {
        this.digitRuns.push(digitsOf(run));
        out += MASK;
      } else {
        out += run;
      }
      i += run.length;
    }
    return out;
  }

  /**
   * A detail written by the parser from the row: the hidden values are
   * replaced where they are quoted, and a number run in it is masked when its
   * digits are part of a hidden number (a detail may print `07700900123` as
   * the number 7700900123). Other numbers in a detail are the parser's own
   * (limits, computed waits) and stay.
   */
  detail(detail: string): string {
    let out = detail;
    for (const v of this.values) {
      if (v.length < 3) continue;
      out = out.replaceAll(v, MASK);
      const quoted = JSON.stringify(v).slice(1, -1);
      if (quoted !== v) out = out.replaceAll(quoted, MASK);
    }
    if (this.digitRuns.length === 0) return out;
    return out.replace(/\+?\d[\d\-() ]*\d/g, (run) => {
      const digits = digitsOf(run);
      if (digits.length < PHONE_MIN_DIGITS) return run;
      return this.digitRuns.some((hidden) => hidden.includes(digits) || digits.includes(hidden)) ? MASK : run;
    });
  }
}

/** Redacts a row's raw text with the format's rule; the same Redaction then cleans the detail. */
export type RawRedactor = (raw: string, redaction: Redaction) => string;

/** Free text with no known positions (a line that could not be split): the pattern rule alone. */
export const redactByPattern: RawRedactor = (raw, redaction) => redaction.text(raw);

/** The reject with its raw text and detail redacted; file, line and reason as they were. */
export function redactReject(reject: Reject, redactRaw: RawRedactor): Reject {
  const redaction = new Redaction();
  const raw = redactRaw(reject.raw, redaction);
  return { ...reject, raw, detail: redaction.detail(reject.detail) };
}

/** Every reject of the list redacted, in place (rejects are rare: this is off the hot path). */
export function redactRejects(rejects: Reject[], redactRaw: RawRedactor): void {
  for (let i = 0; i < rejects.length; i++) rejects[i] = redactReject(rejects[i] as Reject, redactRaw);
}
