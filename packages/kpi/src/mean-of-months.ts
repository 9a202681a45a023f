import { kpiDefinition } from './catalogue';
import { kpiValue, type CommitteeTable, type PeriodInput } from './committee-table';
import { NO_DATA, formatRatio, printedValue } from './format';
import { periodContaining, type Period } from './period';
import type { Calendar } from './calendar';
import { rag } from './rag';
import type { KpiSettings } from './settings';

/** How a quarter's (or year's) average is formed from its contacts. */
export type QuarterAverage = 'call-weighted' | 'mean-of-months';
export const QUARTER_AVERAGES: readonly QuarterAverage[] = ['call-weighted', 'mean-of-months'];

/** The calendar months a quarter or financial year is made of, in order. */
export function monthsOf(period: Period, calendar: Calendar): Period[] {
  const months: Period[] = [];
  for (let at = period.startUtcMs; at < period.endUtcMs;) {
    const month = periodContaining(at, 'month', calendar);
    months.push(month);
    at = month.endUtcMs;
  }
  return months;
}

/** The footnote printed under a table whose averages are means of monthly means. */
export const MEAN_OF_MONTHS_NOTE =
  'Averages (CSU10, CSU12) in this table are the mean of the monthly averages, as the figures were published before cdrflow; months without contacts are left out. They are not call-weighted: a quiet month counts as much as a busy one. The call-weighted figure is the default (--quarter-average call-weighted).';

/**
 * Replaces the average-wait rows of a committee table with the mean of each
 * column's monthly figures, the practice cdrflow exists to correct, kept so
 * old published tables can be reproduced and compared. Rates and counts
 * stay call-weighted (they were never averaged by month). RAG is judged
 * again on the figure as printed.
 */
export function withMeanOfMonths(
  table: CommitteeTable,
  monthly: readonly [readonly PeriodInput[], readonly PeriodInput[], readonly PeriodInput[]],
  settings: KpiSettings,
): CommitteeTable {
  const rows = table.rows.map((row) => {
    if (kpiDefinition(row.id).unit !== 'seconds') return row;
    const printed: Array<number | null> = [];
    const cells = row.cells.map((_, column) => {
      const values = monthly[column]!.map((m) => kpiValue(row.id, m, settings)).filter((v): v is number => v !== null);
      if (values.length === 0) {
        printed.push(null);
        return { value: null, display: NO_DATA };
      }
      const value = values.reduce((a, b) => a + b, 0) / values.length;
      const shown = formatRatio(Math.round(value * 1_000_000), 1_000_000, 1);
      printed.push(printedValue(shown));
      return { value, display: `${shown} s` };
    }) as CommitteeTable['rows'][number]['cells'];
    const current = printed[0] ?? null;
    return {
      ...row,
      cells,
      rag: row.targetValue === null ? null : rag(current, row.targetValue, settings.amberTolerancePercent),
    };
  });
  const definitions = table.definitions.map((line) =>
    line.startsWith('Averages and rates are weighted by contacts') ? MEAN_OF_MONTHS_NOTE : line,
  );
  return { ...table, rows, definitions };
}
