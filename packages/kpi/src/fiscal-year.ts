import type { CivilDate } from '@cdrflow/time';

/**
 * Financial years are named after the calendar year they start in, and show
 * the year they end in when they do not start in January: 2020-21 starts
 * 1 April 2020 (UK). With a January start the year is just 2020.
 */
export interface FiscalPosition {
  /** Calendar year in which the financial year starts. */
  startYear: number;
  /** 1–4 */
  quarter: number;
}

export function fiscalPositionOf(date: Pick<CivilDate, 'year' | 'month'>, startMonth: number): FiscalPosition {
  const startYear = date.month >= startMonth ? date.year : date.year - 1;
  const monthsIn = (date.month - startMonth + 12) % 12;
  return { startYear, quarter: Math.floor(monthsIn / 3) + 1 };
}

/** First day of the quarter (1–4) of the financial year starting in `startYear`. */
export function fiscalQuarterStart(startYear: number, quarter: number, startMonth: number): CivilDate {
  const index = startYear * 12 + (startMonth - 1) + (quarter - 1) * 3;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 };
}

/** "2020-21", or "2020" when the year starts in January. */
export function fiscalYearName(startYear: number, startMonth: number, separator: '-' | '/'): string {
  if (startMonth === 1) return String(startYear);
  return `${startYear}${separator}${String((startYear + 1) % 100).padStart(2, '0')}`;
}
