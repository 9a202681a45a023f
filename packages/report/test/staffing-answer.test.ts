import { describe, expect, it } from 'vitest';
import type { StaffingAnswer } from '@cdrflow/kpi';
import { requiredStaffCommentary, requiredStaffGrid } from '../src/staffing-answer';

const answer = (over: Partial<StaffingAnswer> = {}): StaffingAnswer => ({
  openHours: 780,
  waitAllMs: 1_000_000,
  staffedHours: 9000,
  wait: {
    requiredHours: 8100.25,
    shortHours: 212,
    shortfallHours: 95.5,
    waitInShortHoursMs: 410_000,
    targetSeconds: 300,
  },
  serviceLevel: {
    requiredHours: 9100,
    shortHours: 300,
    shortfallHours: 120.25,
    waitInShortHoursMs: 500_000,
    withinSeconds: 20,
    percent: 80,
  },
  ...over,
});
const columns = ['This quarter', 'Previous quarter', 'Same quarter last year'].map((title, i) => ({
  title,
  period: { label: `Q${i + 1}` },
}));

describe('the committee staffing answer', () => {
  it('links the short hours to their share of the wait (410 of 1,000 s = 41 %)', () => {
    expect(requiredStaffCommentary(answer(), 'quarter')).toBe(
      "In 212 of 780 open hours fewer agents were on duty than needed for an average wait of 300 s (Erlang C), 95.5 agent-hours short in all; those hours carried 41 % of the quarter's wait.",
    );
  });

  it('says none were short, and says nothing without agent events', () => {
    const none = answer({ wait: { ...answer().wait, shortHours: 0, shortfallHours: 0, waitInShortHoursMs: 0 } });
    expect(requiredStaffCommentary(none, 'quarter')).toBe(
      'In none of the 780 open hours were fewer agents on duty than needed for an average wait of 300 s (Erlang C).',
    );
    expect(requiredStaffCommentary(answer({ staffedHours: null }), 'quarter')).toBeNull();
    expect(requiredStaffCommentary(null, 'quarter')).toBeNull();
  });

  it('prints No data for a column without calls, and for the comparison without agent events', () => {
    const grid = requiredStaffGrid(
      { current: answer(), previous: answer({ staffedHours: null }), lastYear: null, hourOfWeek: [] },
      columns,
    )!;
    expect(grid.rows).toEqual([
      ['Open hours (calls offered)', '780', '780', 'No data'],
      ['Staffed agent-hours', '9,000.0', 'No data', 'No data'],
      ['Required agent-hours for ≤ 300 s average wait', '8,100.3', '8,100.3', 'No data'],
      ['Hours short of that', '212', 'No data', 'No data'],
      ['Agent-hours short in them', '95.5', 'No data', 'No data'],
      ["Share of callers' wait in them", '41 %', 'No data', 'No data'],
      ['Required agent-hours for 80 % within 20 s', '9,100.0', '9,100.0', 'No data'],
      ['Hours short of that', '300', 'No data', 'No data'],
      ['Agent-hours short in them', '120.3', 'No data', 'No data'],
    ]);
    expect(requiredStaffGrid({ current: null, previous: null, lastYear: null, hourOfWeek: [] }, columns)).toBeNull();
  });
});
