import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FixtureCli, scenario, writeConfig } from '../support/fixture-ingest';
import { tempDir } from '../support/temp-dir';

/**
 * The committee's follow-up questions answered from data, through the real
 * CLI over one chDB folder: which abandoned calls are behind the rate (by
 * queue, wait band, recovered or not), and what the quarter's average is
 * under the old mean-of-months practice. The queue_log below is written
 * here and every expected figure is worked out by hand in the comments.
 */
const at = (iso: string) => Date.parse(iso) / 1000;

/** Jan–Mar 2024 are GMT in Europe/London, so local time = UTC below. */
function queueLog(): string {
  const lines: string[] = [];
  const abandon = (id: string, queue: string, caller: string, start: number, wait: number) =>
    lines.push(
      `${start}|${id}|${queue}|NONE|ENTERQUEUE||${caller}|1`,
      `${start + wait}|${id}|${queue}|NONE|ABANDON|1|1|${wait}`,
    );
  const answer = (id: string, queue: string, caller: string, start: number, wait: number) =>
    lines.push(
      `${start}|${id}|${queue}|NONE|ENTERQUEUE||${caller}|1`,
      `${start + wait}|${id}|${queue}|SIP/2001|CONNECT|${wait}|${id}.b|1`,
      `${start + wait + 60}|${id}|${queue}|SIP/2001|COMPLETECALLER|${wait}|60|1`,
    );
  // January: three abandons, two answered calls.
  abandon('a1', 'sales', '07700900101', at('2024-01-10T10:00:00Z'), 45); // hangs up 10:00:45
  answer('a1r', 'sales', '07700900101', at('2024-01-10T10:10:00Z'), 20); // 9 min later: recovered
  abandon('a2', 'housing', '07700900102', at('2024-01-10T11:00:00Z'), 400); // hangs up 11:06:40
  answer('a2r', 'housing', '07700900102', at('2024-01-10T12:40:00Z'), 30); // 93 min later: not within 60
  abandon('a3', 'sales', '07700900103', at('2024-01-10T13:00:00Z'), 10); // never calls back
  // February: eight answered calls waiting 100 s each. March: none.
  for (let n = 0; n < 8; n++) answer(`f${n}`, 'sales', `0770090020${n}`, at('2024-02-05T09:00:00Z') + n * 600, 100);
  return lines.sort((a, b) => Number(a.split('|')[0]) - Number(b.split('|')[0])).join('\n') + '\n';
}

const cli = scenario(async () => {
  const dir = tempDir('committee-questions');
  const log = join(dir, 'queue_log-2024q1');
  writeFileSync(log, queueLog());
  const fixture = new FixtureCli(join(dir, 'data'), writeConfig(dir, 'cdrflow.yaml', {}));
  const summary = await fixture.ingest([log], 'queue_log');
  expect(summary.records).toBe(13);
  expect(summary.rejects).toBe(0);
  return fixture;
});

interface AbandonedJson {
  period: string;
  recoveredWithinMinutes: number;
  bands: string[];
  byQueue: Array<{ queue: string; byBand: number[]; abandoned: number; recovered: number }>;
  calls: Array<{ id: string; queue: string; waitMs: number; callerKey: string | null; recoveredAtMs: number | null }>;
}

describe('the committee’s questions, answered from data', () => {
  it('lists the abandoned calls behind the rate, by queue (menu option) and wait band, with recovered callers', async () => {
    const view = JSON.parse(
      await (await cli()).run(['abandoned', '--month', '2024-01', '--format', 'json']),
    ) as AbandonedJson;
    expect(view.period).toBe('Jan 2024');
    expect(view.recoveredWithinMinutes).toBe(60);
    expect(view.bands).toEqual(['≤ 30 s', '30–60 s', '60–120 s', '120–300 s', '300–600 s', '> 600 s']);
    // sales: a3 (10 s) and a1 (45 s); housing: a2 (400 s). Only a1's caller got through within 60 minutes.
    expect(view.byQueue).toEqual([
      { queue: 'sales', byBand: [1, 1, 0, 0, 0, 0], abandoned: 2, recovered: 1 },
      { queue: 'housing', byBand: [0, 0, 0, 0, 1, 0], abandoned: 1, recovered: 0 },
    ]);
    expect(view.calls.map((c) => [c.id, c.queue, c.waitMs, c.recoveredAtMs])).toEqual([
      ['queue-log:a1', 'sales', 45_000, at('2024-01-10T10:10:00Z') * 1000],
      ['queue-log:a2', 'housing', 400_000, null],
      ['queue-log:a3', 'sales', 10_000, null],
    ]);
    // Callers appear only as pseudonymous keys, never as numbers.
    for (const c of view.calls) {
      expect(c.callerKey).toMatch(/^[0-9a-f]{16,}$/);
      expect(JSON.stringify(c)).not.toContain('07700900');
    }
    // A wider window recovers a2 too (93 minutes after the hang-up).
    const wide = JSON.parse(
      await (await cli()).run(['abandoned', '--month', '2024-01', '--recovered-within', '120', '--format', 'json']),
    ) as AbandonedJson;
    expect(wide.byQueue.map((q) => [q.queue, q.recovered])).toEqual([
      ['sales', 1],
      ['housing', 1],
    ]);
  });

  it('shows the quarter call-weighted by default and reproduces the mean of monthly means on request, saying which', async () => {
    const c = await cli();
    const wait = (json: string) =>
      (
        JSON.parse(json) as { committee: { rows: Array<{ id: string; cells: Array<{ display: string }> }> } }
      ).committee.rows.find((r) => r.id === 'CSU10')!.cells[0]!.display;
    // Answered waits: January 20 s and 30 s, February 8 × 100 s → (20 + 30 + 800) / 10 = 85.0 s.
    expect(wait(await c.run(['report', '--quarter', '2023-24Q4', '--format', 'json']))).toBe('85.0 s');
    // Monthly averages: January 25 s, February 100 s, March no data → (25 + 100) / 2 = 62.5 s.
    const old = await c.run([
      'report',
      '--quarter',
      '2023-24Q4',
      '--quarter-average',
      'mean-of-months',
      '--format',
      'json',
    ]);
    expect(wait(old)).toBe('62.5 s');
    const text = await c.run(['report', '--quarter', '2023-24Q4', '--quarter-average', 'mean-of-months']);
    expect(text).toContain('mean of the monthly averages');
    // The financial year 2023-24 holds the same ten answered calls.
    expect(wait(await c.run(['report', '--year', '2023-24', '--format', 'json']))).toBe('85.0 s');
  });
});
