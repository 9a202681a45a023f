import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceReader } from '@cdrflow/collector';
import { loadConfig, type SourceConfig } from '@cdrflow/config';
import type { AgentTime, CallRecord, Reject } from '@cdrflow/schema';

/**
 * queuemetrics_table.csv and vendor_events.csv hold the same events as
 * day1.log + day2.log, whose figures are worked out by hand in
 * fixtures/queue_log/README.md; so the independent check of a table layout
 * is that it gives exactly the file form's records (the latest version of
 * each id, as the aggregator keeps it), rejects and staffing.
 */
const folder = new URL('../../../fixtures/queue_log/', import.meta.url);
const config = loadConfig({
  file: fileURLToPath(new URL('table-layouts.yaml', folder)),
  env: {},
  fallbackCallerKey: 'table-layouts-test-key',
});
const source = (name: string): SourceConfig => {
  const found = config.sources.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no source ${name} in table-layouts.yaml`);
  return found;
};
const pseudonymise = (n: string): string => `k-${n}`;

interface Read {
  calls: CallRecord[];
  rejects: Reject[];
  agentTimes: AgentTime[];
}

function read(name: string, files: readonly string[]): Read {
  const reader = sourceReader(source(name), pseudonymise);
  const out: Read = { calls: [], rejects: [], agentTimes: [] };
  for (const file of files) {
    const parser = reader.openFile(file);
    for (const batch of [parser.push(readFileSync(new URL(file, folder))), parser.end()]) {
      out.calls.push(...batch.calls);
      out.rejects.push(...batch.rejects);
      out.agentTimes.push(...batch.agentTimes);
    }
  }
  return out;
}

/** The newest version per id, without what names the source and the place it was read. */
function latest<T extends { id: string; version: number }>(records: readonly T[]): Record<string, unknown>[] {
  const byId = new Map<string, T>();
  for (const r of records) if ((byId.get(r.id)?.version ?? -1) < r.version) byId.set(r.id, r);
  return [...byId.values()]
    .map((r) => {
      const rest: Record<string, unknown> = { ...r };
      for (const key of ['source', 'file', 'line']) delete rest[key];
      for (const key of ['id', 'contactId'])
        if (typeof rest[key] === 'string') rest[key] = rest[key].replace(/^[^:]+:/, '');
      return rest;
    })
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

const fileForm = read('pbx', ['day1.log', 'day2.log']);

describe('queue_log tables in any layout give the file form figures (fixtures/queue_log)', () => {
  for (const [name, file] of [
    ['qm', 'queuemetrics_table.csv'],
    ['vendor', 'vendor_events.csv'],
  ] as const) {
    it(`${file} (${name}) reads as day1.log + day2.log`, () => {
      const db = read(name, [file]);
      // Hand-checked in README.md: 13 stints, 6 agent intervals.
      expect(latest(fileForm.calls)).toHaveLength(13);
      expect(latest(db.calls)).toEqual(latest(fileForm.calls));
      expect(latest(db.agentTimes)).toEqual(latest(fileForm.agentTimes));
      // The same faults: day1:18 repeats day1:17, day2:10 is c13's 1.4 EXITWITHTIMEOUT with no ENTERQUEUE.
      expect(db.rejects.map((r) => [r.reason, r.line])).toEqual([
        ['duplicate_line', 19],
        ['orphan_event', 39],
      ]);
      expect(fileForm.rejects.map((r) => [r.reason, r.file, r.line])).toEqual([
        ['duplicate_line', 'day1.log', 18],
        ['orphan_event', 'day2.log', 10],
      ]);
    });
  }

  it('names the missing column and lists the header when a mapped column is not there', () => {
    const reader = sourceReader(source('vendor'), pseudonymise);
    const parser = reader.openFile('short.csv');
    const text = 'EventTime;CallRef;Queue;AgentId;EventType;Note\n2024-01-01 10:00:00;c1;sales;NONE;Queued;\n';
    const batch = parser.push(new TextEncoder().encode(text));
    const rejects = [...batch.rejects, ...parser.end().rejects];
    const detail =
      'the header has no column for queue → "QueueName", ENTERQUEUE parameter 1 → "CrmUrl", ' +
      'ENTERQUEUE parameter 2 → "CallerNumber", ENTERQUEUE parameter 3 → "Position"';
    expect(rejects.map((r) => [r.line, r.reason, r.detail.slice(0, detail.length)])).toEqual([
      [1, 'missing_field', detail],
      [2, 'missing_field', detail],
    ]);
    expect(rejects[0]?.detail).toContain('; it has "EventTime", "CallRef", "Queue", "AgentId", "EventType", "Note"');
  });
});
