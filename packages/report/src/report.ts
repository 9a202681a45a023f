import {
  buildCommitteeTable,
  commentary,
  computeCallFigures,
  kpiValue,
  monthsOf,
  withMeanOfMonths,
  computeSurveyFigures,
  computeStaffingFigures,
  emptyCallAccumulator,
  mergeCallAccumulators,
  parsePeriodKey,
  periodContaining,
  periodRange,
  previousPeriod,
  samePeriodLastYear,
  type Calendar,
  type CallAccumulator,
  type CallFigures,
  type CommitteeTable,
  type KpiId,
  type KpiSettings,
  type QuarterAverage,
  type StaffingFigures,
  type Period,
  type PeriodInput,
  type SurveyFigures,
} from '@cdrflow/kpi';
import type { ReportQueries, GroupBy, StaffingQueries } from '@cdrflow/store';
import { ConfigError } from '@cdrflow/config';
import {
  buildRequiredStaff,
  requiredStaffCommentary,
  requiredStaffDefinition,
  type RequiredStaffReport,
} from './staffing-answer';

export type PeriodSelector =
  | { kind: 'quarter'; key: string }
  | { kind: 'month'; key: string }
  | { kind: 'year'; key: string }
  | { kind: 'range'; from: string; to: string }
  | { kind: 'latest_quarter' };

export interface GroupFigures {
  channel: string;
  group: string;
  figures: CallFigures;
}

/** One period of a KPI trend: each committee row's unrounded figure, null for "No data". */
export interface TrendPoint {
  period: Period;
  values: Partial<Record<KpiId, number | null>>;
}

/** Periods in a trend: two years of quarters, the committee pack's chart span. */
export const TREND_PERIODS = 8;

/** Staffing per committee column (docs/kpi.md, "Staffing"); null for a period without agent events. */
export interface ReportStaffing {
  current: StaffingFigures | null;
  previous: StaffingFigures | null;
  lastYear: StaffingFigures | null;
}

/**
 * queue_log calls rebuilt from a close or CONNECT without their ENTERQUEUE
 * (docs/formats.md), per committee column: 0 for a period whose queue_log
 * ENTERQUEUE lines were all read; null for a period with no queue_log call.
 */
export interface ReportRebuiltCalls {
  current: number | null;
  previous: number | null;
  lastYear: number | null;
}

export interface Report {
  period: Period;
  committee: CommitteeTable;
  /** Inbound phone contacts: the committee's call-handling figures. */
  total: CallFigures;
  faceToFace: CallFigures;
  survey: SurveyFigures;
  /** Outbound and internal calls are counted here only, never in a KPI. */
  outboundCalls: number;
  groupBy: GroupBy | null;
  groups: GroupFigures[];
  definitions: string[];
  /** Agents' logged-in, paused and staffed hours beside the calls they answered, per column. */
  staffing: ReportStaffing;
  /** Agents needed by Erlang C against agents on duty, per column, and the period's hours of the week. */
  requiredStaff: RequiredStaffReport;
  /** Plain sentences on volume, wait, abandons and staffing against the comparison periods. */
  commentary: string[];
  /** The last TREND_PERIODS periods of this kind, oldest first, ending with this one; empty for a custom range. */
  trend: TrendPoint[];
  rebuiltCalls: ReportRebuiltCalls;
  rejects: number;
}

/** Printed under the table when staffing is shown (docs/kpi.md, "Staffing"). */
export const STAFFING_DEFINITION =
  'Staffing (from queue_log agent events): an agent is logged in from AGENTLOGIN or its first ADDMEMBER until AGENTLOGOFF or REMOVEMEMBER from its last queue, and paused between PAUSE and UNPAUSE; staffed hours = logged-in − paused hours, summed per agent (two agents for an hour = 2 hours); answered calls per staffed hour = answered phone calls ÷ staffed hours.';

/** Resolves what the user asked for into a period; "latest" is the quarter of the newest contact. */
export async function resolvePeriod(
  store: ReportQueries,
  selector: PeriodSelector,
  calendar: Calendar,
): Promise<Period> {
  switch (selector.kind) {
    case 'quarter':
    case 'month':
      return parsePeriodKey(selector.key, calendar);
    case 'year':
      // "2020-21" as people write it; "FY2020-21" as the period key has it.
      return parsePeriodKey(selector.key.startsWith('FY') ? selector.key : `FY${selector.key}`, calendar);
    case 'range':
      return periodRange(selector.from, selector.to, calendar);
    case 'latest_quarter': {
      const latest = await store.latestArrivalMs();
      if (latest === null) {
        throw new ConfigError('nothing has been ingested yet: run `cdrflow ingest <files>` or `cdrflow run` first');
      }
      return periodContaining(latest, 'quarter', calendar);
    }
  }
}

/**
 * One period's sums, read once grouped by source: the totals merge every
 * source, and the rebuilt calls are those of the queue_log sources (null
 * when none of them has a call in the period).
 */
async function periodInput(
  store: ReportQueries,
  period: Period,
  queueLogSources: ReadonlySet<string>,
): Promise<PeriodInput & { outbound: number; rebuilt: number | null }> {
  const range = { fromMs: period.startUtcMs, toMs: period.endUtcMs };
  const rows = await store.sumCalls(range, 'source');
  let phone = emptyCallAccumulator();
  let faceToFace = emptyCallAccumulator();
  let outbound = 0;
  let queueLogContacts = 0;
  let rebuilt = 0;
  for (const row of rows) {
    if (queueLogSources.has(row.group)) {
      queueLogContacts += row.acc.contacts;
      rebuilt += row.acc.rebuilt;
    }
    if (row.direction !== 'inbound') outbound += row.acc.contacts;
    else if (row.channel === 'phone') phone = mergeCallAccumulators(phone, row.acc);
    else if (row.channel === 'face_to_face') faceToFace = mergeCallAccumulators(faceToFace, row.acc);
  }
  const [survey, staffing] = await Promise.all([store.sumSurveys(range), store.sumStaffing(range)]);
  return { period, phone, faceToFace, survey, staffing, outbound, rebuilt: queueLogContacts === 0 ? null : rebuilt };
}

/** What a report reads: the summed figures, and the per-interval sums required staff is sized from. */
export type ReportStore = ReportQueries & { staffing(): StaffingQueries };

/** Builds every figure of a report from ClickHouse sums; nothing is averaged before this point. */
export async function buildReport(
  store: ReportStore,
  options: {
    period: Period;
    groupBy: GroupBy | null;
    settings: KpiSettings;
    calendar: Calendar;
    /** Default call-weighted; mean-of-months reproduces tables published before cdrflow. */
    quarterAverage?: QuarterAverage;
    /** The configured queue_log sources, whose rebuilt calls are counted per period. @default none */
    queueLogSources?: readonly string[];
  },
): Promise<Report> {
  const { period, settings, calendar } = options;
  if (settings.view === 'caller') {
    throw new ConfigError(
      'kpi.view "caller" is not available in reports yet; use "per_queue" (the contacts_caller_view view in ClickHouse gives the caller view for ad-hoc SQL)',
    );
  }
  const queueLogSources = new Set(options.queueLogSources ?? []);
  const [current, previous, lastYear] = await Promise.all([
    periodInput(store, period, queueLogSources),
    periodInput(store, previousPeriod(period, calendar), queueLogSources),
    periodInput(store, samePeriodLastYear(period, calendar), queueLogSources),
  ]);
  const requiredStaff = await buildRequiredStaff(
    store.staffing(),
    { current: period, previous: previous.period, lastYear: lastYear.period },
    settings,
    calendar,
  );
  let committee = buildCommitteeTable({ current, previous, lastYear, settings, calendar });
  if (options.quarterAverage === 'mean-of-months') {
    if (period.kind !== 'quarter' && period.kind !== 'fiscal_year') {
      throw new ConfigError(
        '--quarter-average mean-of-months applies to a --quarter or a --year, not to a month or range',
      );
    }
    const monthsIn = (column: PeriodInput) =>
      Promise.all(monthsOf(column.period, calendar).map((month) => periodInput(store, month, queueLogSources)));
    const monthly = [await monthsIn(current), await monthsIn(previous), await monthsIn(lastYear)] as const;
    committee = withMeanOfMonths(committee, monthly, settings);
  }
  const trend = await buildTrend(
    store,
    { current, previous },
    committee.rows.map((r) => r.id),
    settings,
    calendar,
  );
  const groups: GroupFigures[] = [];
  if (options.groupBy !== null) {
    const rows = await store.sumCalls({ fromMs: period.startUtcMs, toMs: period.endUtcMs }, options.groupBy);
    const merged = new Map<string, { channel: string; group: string; acc: CallAccumulator }>();
    for (const row of rows) {
      if (row.direction !== 'inbound') continue;
      const key = `${row.channel}\u0000${row.group}`;
      const held = merged.get(key);
      if (held === undefined) merged.set(key, { channel: row.channel, group: row.group, acc: row.acc });
      else held.acc = mergeCallAccumulators(held.acc, row.acc);
    }
    for (const { channel, group, acc } of merged.values()) {
      groups.push({ channel, group, figures: computeCallFigures(acc, settings) });
    }
  }
  return {
    period,
    committee,
    total: computeCallFigures(current.phone, settings),
    faceToFace: computeCallFigures(current.faceToFace, settings),
    survey: computeSurveyFigures(current.survey),
    outboundCalls: current.outbound,
    groupBy: options.groupBy,
    groups,
    definitions: [
      ...committee.definitions,
      ...([current, previous, lastYear].some((c) => c.staffing !== null && c.staffing !== undefined)
        ? [STAFFING_DEFINITION]
        : []),
      ...requiredStaffDefinitions(requiredStaff, settings),
    ],
    staffing: {
      current: computeStaffingFigures(current.staffing, current.phone),
      previous: computeStaffingFigures(previous.staffing, previous.phone),
      lastYear: computeStaffingFigures(lastYear.staffing, lastYear.phone),
    },
    requiredStaff,
    commentary: [
      ...commentary({ current, previous, lastYear, settings }),
      ...[requiredStaffCommentary(requiredStaff.current, committee.columns[0].title.replace(/^This /, ''))].filter(
        (line) => line !== null,
      ),
    ],
    trend,
    rebuiltCalls: { current: current.rebuilt, previous: previous.rebuilt, lastYear: lastYear.rebuilt },
    rejects: await store.countRejects(),
  };
}

function requiredStaffDefinitions(required: RequiredStaffReport, settings: KpiSettings): string[] {
  const first = [required.current, required.previous, required.lastYear].find((a) => a !== null);
  return first === undefined ? [] : [requiredStaffDefinition(settings, first)];
}

/** Each committee KPI over the periods leading up to this one (the two newest are already summed). */
/** The trend needs no rebuilt count. */
const NO_SOURCES: ReadonlySet<string> = new Set();

async function buildTrend(
  store: ReportQueries,
  known: { current: PeriodInput; previous: PeriodInput },
  ids: readonly KpiId[],
  settings: KpiSettings,
  calendar: Calendar,
): Promise<TrendPoint[]> {
  if (known.current.period.kind === 'range') return [];
  const periods = [known.current.period, known.previous.period];
  while (periods.length < TREND_PERIODS) periods.push(previousPeriod(periods[periods.length - 1]!, calendar));
  const inputs = [
    known.current,
    known.previous,
    ...(await Promise.all(periods.slice(2).map((p) => periodInput(store, p, NO_SOURCES)))),
  ];
  return inputs.reverse().map((input) => ({
    period: input.period,
    values: Object.fromEntries(ids.map((id) => [id, kpiValue(id, input, settings)])),
  }));
}
