import { z } from 'zod';
import { UsageError } from '@cdrflow/errors';
import { assertTimeZone } from '@cdrflow/time';
import { describeIssue } from '@cdrflow/schema';

/** The local reporting calendar: periods start at local midnight in `zone`. */
export const CalendarSchema = z
  .object({
    /** IANA zone the periods are drawn in. */
    zone: z
      .string()
      .default('Europe/London')
      .refine(isKnownZone, { message: 'is not a time zone this system knows: use an IANA name such as Europe/London' }),
    /** Month the financial year starts in, 1 = January; 4 = April (UK public sector). */
    fiscalYearStartMonth: z
      .number()
      .int('must be a whole month number')
      .min(1, 'must be a month number from 1 (January) to 12 (December)')
      .max(12, 'must be a month number from 1 (January) to 12 (December)')
      .default(4),
  })
  .strict();

export type Calendar = z.output<typeof CalendarSchema>;
export type CalendarInput = z.input<typeof CalendarSchema>;

export const DEFAULT_CALENDAR: Calendar = { zone: 'Europe/London', fiscalYearStartMonth: 4 };

/** Whether the zone is an IANA zone this runtime knows. */
export function isKnownZone(zone: string): boolean {
  try {
    assertTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

export class CalendarInvalidError extends UsageError {
  override readonly name = 'CalendarInvalidError';
  readonly code = 'calendar_invalid';
  constructor(readonly issues: readonly string[]) {
    super(`calendar settings are invalid: ${issues.join('; ')}`);
  }
}

/** Validates and fills defaults; unknown keys are errors, so a misspelt key is not silently ignored. */
export function resolveCalendar(input: unknown = {}): Calendar {
  const result = CalendarSchema.safeParse(input);
  if (!result.success) throw new CalendarInvalidError(result.error.issues.map((i) => describeIssue(i, input)));
  return result.data;
}
