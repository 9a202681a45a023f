import type { StaffingSums } from './staffing';
import type { Calendar } from './calendar';
import type { CallAccumulator } from './call-accumulator';
import {
  COMMITTEE_KPI_IDS,
  DEFINITIONS_VERSION,
  describeDefinitions,
  formatTarget,
  kpiDefinition,
  kpiTitle,
  targetFor,
  type KpiId,
  type KpiUnit,
  type Target,
} from './catalogue';
import { computeCallFigures, computeSurveyFigures } from './figures';
import { NO_DATA, formatCount, formatRatio, printedValue } from './format';
import type { Period, PeriodKind } from './period';
import { rag, type RagStatus } from './rag';
import type { KpiSettings } from './settings';
import type { SurveyAccumulator } from './survey-accumulator';

/** The accumulators of one period; phone and face-to-face hold inbound queued contacts only. */
export interface PeriodInput {
  period: Period;
  phone: CallAccumulator;
  faceToFace: CallAccumulator;
  survey: SurveyAccumulator;
  /** Agents' time from queue_log agent events; null or absent when the period has none. */
  staffing?: StaffingSums | null;
}

export interface CommitteeTableInput {
  current: PeriodInput;
  previous: PeriodInput;
  lastYear: PeriodInput;
  settings: KpiSettings;
  calendar: Calendar;
  /** Rows in order; defaults to the published table's CSU10, CSU11, CSU12, CSU06. */
  rows?: readonly KpiId[];
}

export type ColumnRole = 'current' | 'previous' | 'lastYear';

export interface CommitteeColumn {
  role: ColumnRole;
  /** "This quarter", "Previous quarter", "Same quarter last year". */
  title: string;
  period: Period;
}

export interface CommitteeCell {
  /** The unrounded figure; null when the period has no data for it. */
  value: number | null;
  /** "79.3 s", "3.28 % (640 / 19,498)", "19,498" or "No data". */
  display: string;
  /** For averages, total wait in seconds; for rates, the count on top. Absent for counts. */
  numerator?: number;
  denominator?: number;
}

export interface CommitteeRow {
  id: KpiId;
  title: string;
  unit: KpiUnit;
  /** "≤ 300 s"; null when the KPI has no target. */
  target: string | null;
  targetValue: Target | null;
  /** RAG of the current period's cell, judged on the figure as printed. */
  rag: RagStatus | null;
  cells: [CommitteeCell, CommitteeCell, CommitteeCell];
}

export interface CommitteeTable {
  definitionsVersion: number;
  columns: [CommitteeColumn, CommitteeColumn, CommitteeColumn];
  rows: CommitteeRow[];
  /** Printed under the table, whatever the output format. */
  definitions: string[];
}

/** What a period of each kind is called in titles and sentences: "quarter", "financial year", … */
export const KIND_NOUN: Record<PeriodKind, string> = {
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  fiscal_year: 'financial year',
  range: 'period',
};

function columnTitles(kind: PeriodKind): Record<ColumnRole, string> {
  const noun = KIND_NOUN[kind];
  return { current: `This ${noun}`, previous: `Previous ${noun}`, lastYear: `Same ${noun} last year` };
}

/** A cell and the value its RAG is judged on (the printed figure). */
interface BuiltCell {
  cell: CommitteeCell;
  printed: number | null;
}

function averageCell(numeratorMs: number, denominator: number, value: number | null): BuiltCell {
  const numerator = numeratorMs / 1000;
  if (value === null) return { cell: { value, display: NO_DATA, numerator, denominator }, printed: null };
  const shown = formatRatio(numeratorMs, denominator * 1000, 1);
  return { cell: { value, display: `${shown} s`, numerator, denominator }, printed: printedValue(shown) };
}

function percentCell(numerator: number, denominator: number, value: number | null): BuiltCell {
  if (value === null) return { cell: { value, display: NO_DATA, numerator, denominator }, printed: null };
  const shown = formatRatio(numerator * 100, denominator, 2);
  return {
    cell: {
      value,
      display: `${shown} % (${formatCount(numerator)} / ${formatCount(denominator)})`,
      numerator,
      denominator,
    },
    printed: printedValue(shown),
  };
}

function countCell(count: number, hasData: boolean): BuiltCell {
  if (!hasData) return { cell: { value: null, display: NO_DATA }, printed: null };
  return { cell: { value: count, display: formatCount(count) }, printed: count };
}

function buildCell(id: KpiId, input: PeriodInput, settings: KpiSettings): BuiltCell {
  if (id === 'CSU06') {
    const s = computeSurveyFigures(input.survey);
    return percentCell(s.satisfied, s.responses, s.satisfiedPercent);
  }
  const f = computeCallFigures(kpiDefinition(id).source === 'face_to_face' ? input.faceToFace : input.phone, settings);
  // "No data" follows the design: a period with no contacts reports no figure, not zero.
  const hasData = f.contacts !== 0;
  switch (id) {
    case 'CSU10':
    case 'CSU12':
      return averageCell(f.avgWaitNumeratorMs, f.avgWaitDenominator, f.avgWaitSeconds);
    case 'CSU11':
      return percentCell(f.abandoned, f.offered, f.abandonRatePercent);
    case 'PHONE_OFFERED':
      return countCell(f.offered, hasData);
    case 'PHONE_ANSWERED':
      return countCell(f.answered, hasData);
    case 'PHONE_ABANDONED':
      return countCell(f.abandoned, hasData);
    case 'PHONE_SERVICE_LEVEL':
      return percentCell(f.answeredWithinServiceLevel, f.offered, f.serviceLevelPercent);
    case 'PHONE_SERVICE_LEVEL_OF_ANSWERED':
      return percentCell(f.answeredWithinServiceLevel, f.answered, f.serviceLevelOfAnsweredPercent);
    case 'PHONE_SERVICE_LEVEL_ABANDONS_MET':
      return percentCell(
        f.answeredWithinServiceLevel + f.abandonedWithinServiceLevel,
        f.offered,
        f.serviceLevelAbandonsMetPercent,
      );
  }
}

/** One KPI's unrounded figure for one period; null is "No data". */
export function kpiValue(id: KpiId, input: PeriodInput, settings: KpiSettings): number | null {
  return buildCell(id, input, settings).cell.value;
}

/**
 * The committee table as data: current, previous and same-period-last-year
 * columns, every figure call-weighted over its whole period. Rendering (text,
 * markdown, CSV, JSON) is the CLI's job.
 */
export function buildCommitteeTable(input: CommitteeTableInput): CommitteeTable {
  const { settings, calendar } = input;
  const titles = columnTitles(input.current.period.kind);
  const rows = (input.rows ?? COMMITTEE_KPI_IDS).map((id): CommitteeRow => {
    const def = kpiDefinition(id);
    const [current, previous, lastYear] = [input.current, input.previous, input.lastYear].map((p) =>
      buildCell(id, p, settings),
    ) as [BuiltCell, BuiltCell, BuiltCell];
    const target = targetFor(id, settings);
    return {
      id,
      title: kpiTitle(id, settings),
      unit: def.unit,
      target: target === null ? null : formatTarget(target, def.unit),
      targetValue: target,
      rag: target === null ? null : rag(current.printed, target, settings.amberTolerancePercent),
      cells: [current.cell, previous.cell, lastYear.cell],
    };
  });
  return {
    definitionsVersion: DEFINITIONS_VERSION,
    columns: [
      { role: 'current', title: titles.current, period: input.current.period },
      { role: 'previous', title: titles.previous, period: input.previous.period },
      { role: 'lastYear', title: titles.lastYear, period: input.lastYear.period },
    ],
    rows,
    definitions: describeDefinitions(settings, calendar),
  };
}
