import { describeCdrRule } from '@cdrflow/formats';
import type { SourceConfig } from './config';

/**
 * Lines the report prints under the table beside the KPI definitions, one per
 * source whose "answered" is a rule of its own: today every cdr_csv source
 * (docs/formats.md, "Answered means an agent answered"). Other sources add none.
 */
export function sourceDefinitions(sources: readonly SourceConfig[]): string[] {
  const lines: string[] = [];
  for (const s of sources) if (s.format === 'cdr_csv') lines.push(describeCdrRule(s.name, s.cdr));
  return lines;
}
