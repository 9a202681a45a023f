import { ABANDON_EXIT_OUTCOMES, DEFINITIONS_VERSION, type Calendar, type KpiSettings } from '@cdrflow/kpi';
import type { ReportQueries } from '@cdrflow/store';

/**
 * The read-time definitions: every setting that changes a reported figure.
 * None of them is applied when calls are stored. interval_stats keeps outcome
 * counts, wait and talk sums and wait histograms whose bounds every threshold
 * must be one of (kpi/settings.ts), and periods are sums of 15-minute UTC
 * intervals, so a change is applied exactly to every period, past ones
 * included, with nothing rewritten. Targets and the amber band only colour
 * figures and are left out.
 */
export function reportDefinitions(settings: KpiSettings, calendar: Calendar) {
  return {
    definitionsVersion: DEFINITIONS_VERSION,
    waitBasis: settings.waitBasis,
    abandonedExits: ABANDON_EXIT_OUTCOMES.filter((e) => settings.abandonedExits.includes(e)),
    shortAbandonSeconds: settings.shortAbandonSeconds,
    serviceLevelSeconds: settings.serviceLevelSeconds,
    zone: calendar.zone,
    fiscalYearStartMonth: calendar.fiscalYearStartMonth,
  };
}

type Definitions = ReturnType<typeof reportDefinitions>;

function show(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  return String(value);
}

/** `shortAbandonSeconds 0 → 10, abandonedExits none → timeout` */
function changes(before: Partial<Record<keyof Definitions, unknown>>, after: Definitions): string {
  return (Object.keys(after) as (keyof Definitions)[])
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k} ${before[k] === undefined ? '(unset)' : show(before[k])} → ${show(after[k])}`)
    .join(', ');
}

/**
 * Call once per printed report, after it was built. Compares the report's
 * definitions with those of the last report on this store (ClickHouse table
 * `report_definitions`) and records them when they differ. Returns the line
 * to print when they changed, or null (unchanged, or the first report).
 */
export async function definitionChangeNotice(
  store: ReportQueries,
  settings: KpiSettings,
  calendar: Calendar,
): Promise<string | null> {
  const current = reportDefinitions(settings, calendar);
  const text = JSON.stringify(current);
  const last = await store.lastReportDefinitions();
  if (last?.definitions === text) return null;
  await store.recordReportDefinitions(text, last);
  if (last === null) return null;
  const before = JSON.parse(last.definitions) as Partial<Record<keyof Definitions, unknown>>;
  return (
    `Definitions changed since the last report (${changes(before, current)}): ` +
    'every period is restated from stored counts; nothing stored was rewritten.'
  );
}
