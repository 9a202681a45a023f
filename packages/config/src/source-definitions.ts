import { describeCdrRule } from '@cdrflow/formats';
import { describeOpeningSchedule, resolveOpeningSchedule, type OpeningSchedule } from '@cdrflow/kpi';
import type { SourceConfig } from './config';

/**
 * Lines the report prints under the table beside the KPI definitions, one per
 * source whose "answered" is a rule of its own (every cdr_csv source: docs/formats.md,
 * "Answered means an agent answered") and one per source with opening hours.
 */
export function sourceDefinitions(sources: readonly SourceConfig[], reportingZone: string): string[] {
  const lines: string[] = [];
  for (const s of sources) if (s.format === 'cdr_csv') lines.push(describeCdrRule(s.name, s.cdr));
  for (const s of sources) {
    const schedule = sourceSchedule(s, reportingZone);
    if (schedule !== null) lines.push(describeOpeningSchedule(s.name, schedule));
  }
  return lines;
}

/** The source's opening hours resolved for `isOpenAt`, in its own zone or the reporting zone; null: always open. */
export function sourceSchedule(source: SourceConfig, reportingZone: string): OpeningSchedule | null {
  return source.openingHours === undefined ? null : resolveOpeningSchedule(source.openingHours, reportingZone);
}
