import {
  NO_DATA,
  formatCount,
  formatRatio,
  hourOfWeek,
  requiredStaffByHour,
  requiredStaffByInterval,
  staffingAnswer,
  type Calendar,
  type KpiSettings,
  type Period,
  type Shortfall,
  type StaffingAnswer,
} from '@cdrflow/kpi';
import type { StaffingQueries } from '@cdrflow/store';
import type { Grid } from './grid';
import { heatmapCells, type HeatmapCell } from './heatmap';

/**
 * The committee's staffing question answered per period: how many agent-hours
 * the calls needed by Erlang C, how many were on duty, and in which hours the
 * difference fell (docs/kpi.md, "Required staff").
 */
export interface RequiredStaffReport {
  /** Per committee column; null when the period answered no call (no handle time to size with). */
  current: StaffingAnswer | null;
  previous: StaffingAnswer | null;
  lastYear: StaffingAnswer | null;
  /** The report period's 7 × 24 weekday-hour cells, Monday 00:00 first; empty without an answered call. */
  hourOfWeek: HeatmapCell[];
}

/** Printed under the table when required staff is shown. */
export function requiredStaffDefinition(settings: KpiSettings, answer: StaffingAnswer): string {
  const wrapUps = Object.entries(settings.staffing.wrapUpSeconds);
  return (
    `Required staff (Erlang C, per 15-minute interval, queues pooled): traffic = offered calls × handle time ÷ 900 s, ` +
    `handle time = talk + wrap-up (${wrapUps.length === 0 ? 'no wrapuptime configured: talk only' : wrapUps.map(([q, s]) => `${q} ${s} s`).join(', ')}; queue_log has no wrap-up event), ` +
    `the interval's own or, when it answered no call, the period's; the fewest agents whose Erlang C average wait over all offered calls is ≤ ${answer.wait.targetSeconds} s, ` +
    `and separately whose service level is ≥ ${answer.serviceLevel.percent} % within ${answer.serviceLevel.withinSeconds} s. ` +
    `Agents on duty = staffed (logged-in − paused) time ÷ the interval. An open hour is a local hour with calls offered; ` +
    `it is short when its staffed agent-hours are fewer than its required ones; wait = every caller's wait, abandoned included.`
  );
}

export async function buildRequiredStaff(
  queries: StaffingQueries,
  periods: { current: Period; previous: Period; lastYear: Period },
  settings: KpiSettings,
  calendar: Calendar,
): Promise<RequiredStaffReport> {
  const hoursOf = async (period: Period) => {
    const range = { fromMs: period.startUtcMs, toMs: period.endUtcMs };
    const [calls, staffed] = await Promise.all([queries.intervalCalls(range), queries.intervalStaffedTime(range)]);
    const intervals = requiredStaffByInterval(calls, staffed, settings);
    return intervals === null ? null : requiredStaffByHour(intervals, calendar.zone);
  };
  const [current, previous, lastYear] = await Promise.all([
    hoursOf(periods.current),
    hoursOf(periods.previous),
    hoursOf(periods.lastYear),
  ]);
  const answer = (hours: typeof current) => (hours === null ? null : staffingAnswer(hours, settings));
  return {
    current: answer(current),
    previous: answer(previous),
    lastYear: answer(lastYear),
    hourOfWeek: current === null ? [] : heatmapCells(hourOfWeek(current), settings),
  };
}

const HOUR_MS = 3_600_000;
/** Agent-hours to one decimal, rounded on whole milliseconds so the figure is exact to print. */
const hours = (h: number): string => formatRatio(Math.round(h * HOUR_MS), HOUR_MS, 1);
const percentOf = (part: number, whole: number): string | null =>
  whole > 0 ? `${formatRatio(part * 100, whole, 0)} %` : null;

/** The required-staff rows, one column per committee column; null when no column has an answered call. */
export function requiredStaffGrid(
  required: RequiredStaffReport,
  columns: readonly { title: string; period: { label: string } }[],
): Grid | null {
  const answers = [required.current, required.previous, required.lastYear];
  const first = answers.find((a) => a !== null);
  if (first === undefined) return null;
  const row = (label: string, cell: (a: StaffingAnswer) => string | null): string[] => [
    label,
    ...answers.map((a) => (a === null ? NO_DATA : (cell(a) ?? NO_DATA))),
  ];
  const staffed = (cell: (a: StaffingAnswer & { staffedHours: number }) => string | null) => (a: StaffingAnswer) =>
    a.staffedHours === null ? null : cell({ ...a, staffedHours: a.staffedHours });
  const shortfallRows = (target: string, of: (a: StaffingAnswer) => Shortfall): string[][] => [
    row(`Required agent-hours for ${target}`, (a) => hours(of(a).requiredHours)),
    row(
      'Hours short of that',
      staffed((a) => formatCount(of(a).shortHours)),
    ),
    row(
      'Agent-hours short in them',
      staffed((a) => hours(of(a).shortfallHours)),
    ),
  ];
  const wait = `≤ ${first.wait.targetSeconds} s average wait`;
  const sl = `${first.serviceLevel.percent} % within ${first.serviceLevel.withinSeconds} s`;
  const grid: Grid = {
    headers: ['Required staff (Erlang C)', ...columns.map((c) => c.title)],
    subheaders: ['', ...columns.map((c) => c.period.label)],
    rows: [
      row('Open hours (calls offered)', (a) => formatCount(a.openHours)),
      row(
        'Staffed agent-hours',
        staffed((a) => hours(a.staffedHours)),
      ),
      ...shortfallRows(wait, (a) => a.wait),
      row(
        `Share of callers' wait in them`,
        staffed((a) => percentOf(a.wait.waitInShortHoursMs, a.waitAllMs)),
      ),
      ...shortfallRows(sl, (a) => a.serviceLevel),
    ],
  };
  return grid;
}

/**
 * The sentence that links staffing to wait: "In 212 of 780 open hours fewer
 * agents were on duty than needed for 300 s; those hours carried 41 % of the
 * quarter's wait." Null without agent events or open hours.
 */
export function requiredStaffCommentary(answer: StaffingAnswer | null, periodNoun: string): string | null {
  if (answer === null || answer.staffedHours === null || answer.openHours === 0) return null;
  const { wait } = answer;
  const target = `an average wait of ${wait.targetSeconds} s (Erlang C)`;
  if (wait.shortHours === 0) {
    return `In none of the ${formatCount(answer.openHours)} open hours were fewer agents on duty than needed for ${target}.`;
  }
  const share = percentOf(wait.waitInShortHoursMs, answer.waitAllMs);
  return (
    `In ${formatCount(wait.shortHours)} of ${formatCount(answer.openHours)} open hours fewer agents were on duty than needed for ${target}, ` +
    `${hours(wait.shortfallHours)} agent-hours short in all` +
    (share === null ? '.' : `; those hours carried ${share} of the ${periodNoun}'s wait.`)
  );
}
