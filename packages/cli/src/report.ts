import {
  buildCommitteeTable,
  computeCallFigures,
  computeSurveyFigures,
  emptyCallAccumulator,
  mergeCallAccumulators,
  parsePeriodKey,
  periodContaining,
  periodRange,
  previousPeriod,
  samePeriodLastYear,
  describeDefinitions,
  type Calendar,
  type CallAccumulator,
  type CallFigures,
  type CommitteeTable,
  type KpiSettings,
  type Period,
  type PeriodInput,
  type SurveyFigures,
} from '@cdrflow/kpi';
import type { CdrStore, GroupBy } from '@cdrflow/store';
import { ConfigError } from './config-error';

export type PeriodSelector =
  | { kind: 'quarter'; key: string }
  | { kind: 'month'; key: string }
  | { kind: 'range'; from: string; to: string }
  | { kind: 'latest_quarter' };

export interface GroupFigures {
  channel: string;
  group: string;
  figures: CallFigures;
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
  rejects: number;
}

/** Resolves what the user asked for into a period; "latest" is the quarter of the newest contact. */
export async function resolvePeriod(store: CdrStore, selector: PeriodSelector, calendar: Calendar): Promise<Period> {
  switch (selector.kind) {
    case 'quarter':
    case 'month':
      return parsePeriodKey(selector.key, calendar);
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

async function periodInput(store: CdrStore, period: Period): Promise<PeriodInput & { outbound: number }> {
  const range = { fromMs: period.startUtcMs, toMs: period.endUtcMs };
  const rows = await store.sumCalls(range);
  let phone = emptyCallAccumulator();
  let faceToFace = emptyCallAccumulator();
  let outbound = 0;
  for (const row of rows) {
    if (row.direction !== 'inbound') outbound += row.acc.contacts;
    else if (row.channel === 'phone') phone = mergeCallAccumulators(phone, row.acc);
    else if (row.channel === 'face_to_face') faceToFace = mergeCallAccumulators(faceToFace, row.acc);
  }
  return { period, phone, faceToFace, survey: await store.sumSurveys(range), outbound };
}

/** Builds every figure of a report from ClickHouse sums; nothing is averaged before this point. */
export async function buildReport(
  store: CdrStore,
  options: { period: Period; groupBy: GroupBy | null; settings: KpiSettings; calendar: Calendar },
): Promise<Report> {
  const { period, settings, calendar } = options;
  if (settings.view === 'caller') {
    throw new ConfigError(
      'kpi.view "caller" is not available in reports yet; use "per_queue" (the contacts_caller_view view in ClickHouse gives the caller view for ad-hoc SQL)',
    );
  }
  const [current, previous, lastYear] = await Promise.all([
    periodInput(store, period),
    periodInput(store, previousPeriod(period, calendar)),
    periodInput(store, samePeriodLastYear(period, calendar)),
  ]);
  const committee = buildCommitteeTable({ current, previous, lastYear, settings, calendar });
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
    definitions: describeDefinitions(settings, calendar),
    rejects: await store.countRejects(),
  };
}
