import { describeCdrRule, type MappedCsvOptions } from '@cdrflow/formats';
import { describeOpeningSchedule, resolveOpeningSchedule, type OpeningSchedule } from '@cdrflow/kpi';
import type { SourceConfig } from './config';

/**
 * Lines the report prints under the table beside the KPI definitions, one per
 * configured source: the rules of that source's format that shaped the
 * figures (docs/formats.md): for CDR how "answered" is decided, for
 * queue_log the open-call and orphan rules, for mapped exports their outcome
 * mapping and for surveys what counts as satisfied; then one per source with
 * opening hours.
 */
export function sourceDefinitions(sources: readonly SourceConfig[], reportingZone: string): string[] {
  const lines = sources.map(sourceRule);
  for (const s of sources) {
    const schedule = sourceSchedule(s, reportingZone);
    if (schedule !== null) lines.push(describeOpeningSchedule(s.name, schedule));
  }
  return lines;
}

function sourceRule(s: SourceConfig): string {
  switch (s.format) {
    case 'cdr_csv':
      return describeCdrRule(s.name, s.cdr);
    case 'queue_log':
    case 'queue_log_db':
      return (
        `queue_log source "${s.name}": one contact per queue stint, ENTERQUEUE to its close; ` +
        `wait = the event's own holdtime or waittime; a call still waiting ${s.queueLog.openCallTimeoutMinutes} min ` +
        'after it entered is unclosed (offered, in no wait figure); ' +
        (s.queueLog.rebuiltCalls === 'reject'
          ? 'a call whose ENTERQUEUE is in no file read is not counted: its close is rejected (no_enterqueue).'
          : 'a close whose ENTERQUEUE is in no file read is rebuilt from its own figures (arrival = close − wait − talk).')
      );
    case 'mapped':
      return mappedRule(s.name, s.mapped);
  }
}

function mappedRule(name: string, m: MappedCsvOptions): string {
  if (m.kind === 'survey') {
    return `survey source "${name}": satisfied = score ≥ ${m.satisfiedAtOrAbove} on ${m.minScore}–${m.scale}.`;
  }
  const codes = Object.entries(m.outcomes)
    .map(([code, outcome]) => `${code} → ${outcome}`)
    .join(', ');
  const wait =
    m.columns.waitSeconds === undefined
      ? 'wait = answered − arrived when answered, else ended − arrived'
      : `wait = column ${String(m.columns.waitSeconds)}`;
  return (
    `mapped source "${name}" (${m.channel === 'face_to_face' ? 'face to face' : 'phone'}): outcome from column ` +
    `${String(m.columns.outcome)}: ${codes}; any other code is rejected (unknown_outcome); ${wait}.`
  );
}

/** The source's opening hours resolved for `isOpenAt`, in its own zone or the reporting zone; null: always open. */
export function sourceSchedule(source: SourceConfig, reportingZone: string): OpeningSchedule | null {
  return source.openingHours === undefined ? null : resolveOpeningSchedule(source.openingHours, reportingZone);
}
