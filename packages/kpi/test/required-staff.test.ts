import { describe, expect, it } from 'vitest';
import {
  emptyCallAccumulator,
  hourOfWeek,
  requiredStaffByHour,
  requiredStaffByInterval,
  resolveKpiSettings,
  staffingAnswer,
  type CallAccumulator,
  type IntervalQueueCalls,
} from '@cdrflow/kpi';

const Q = 900_000;
const at = (iso: string): number => Date.parse(iso);
const answered = (n: number, talkSeconds: number, waitAllSeconds: number): CallAccumulator => ({
  ...emptyCallAccumulator(),
  contacts: n,
  answered: n,
  talkMs: n * talkSeconds * 1000,
  waitAnsweredMs: waitAllSeconds * 1000,
  waitAllMs: waitAllSeconds * 1000,
});

// 50 calls in 15 minutes at 150 s talk + 30 s wrap-up = 180 s handle time: A = 50 × 180 / 900 = 10 Erlangs,
// the published example (callcentrehelper.com, see erlang-c.test.ts): 11 agents give ASA 122.8 s ≤ 300 s
// (10 cannot: N must exceed A), and 14 are the fewest for 80 % within 20 s.
const settings = resolveKpiSettings({ staffing: { wrapUpSeconds: { sales: 30 } } });
const calls: IntervalQueueCalls[] = [
  // Monday 1 June 2020, 09:00 and 10:00 BST (08:00Z, 09:00Z).
  { intervalStartMs: at('2020-06-01T08:00:00Z'), queue: 'sales', acc: answered(50, 150, 1000) },
  { intervalStartMs: at('2020-06-01T09:00:00Z'), queue: 'sales', acc: answered(30, 150, 2000) },
  { intervalStartMs: at('2020-06-01T09:00:00Z'), queue: 'sales', acc: answered(20, 150, 1000) },
];
const staffed = [
  { intervalStartMs: at('2020-06-01T08:00:00Z'), staffedMs: 12 * Q },
  { intervalStartMs: at('2020-06-01T08:15:00Z'), staffedMs: 12 * Q },
  // Two agents' records for one interval: 6 + 4 = 10 agents on duty.
  { intervalStartMs: at('2020-06-01T09:00:00Z'), staffedMs: 6 * Q },
  { intervalStartMs: at('2020-06-01T09:00:00Z'), staffedMs: 4 * Q },
];

describe('required staff per interval', () => {
  const intervals = requiredStaffByInterval(calls, staffed, settings)!;

  it('sizes each interval by Erlang C on talk + the queue wrap-up, beside the agents on duty', () => {
    expect(intervals.map((i) => [i.offered, i.trafficErlangs, i.requiredForWait, i.requiredForServiceLevel])).toEqual([
      [50, 10, 11, 14],
      [0, 0, 0, 0],
      [50, 10, 11, 14],
    ]);
    expect(intervals.map((i) => i.staffedAgents)).toEqual([12, 12, 10]);
    expect(intervals[0]!.handleSeconds).toBe(180);
  });

  it('a queue without a configured wrap-up counts talk only', () => {
    const noWrap = requiredStaffByInterval(calls, staffed, resolveKpiSettings({}))!;
    expect(noWrap[0]!.handleSeconds).toBe(150);
    expect(noWrap[0]!.trafficErlangs).toBeCloseTo((50 * 150) / 900, 12);
  });

  it('an interval that answered nothing borrows the period handle time', () => {
    const abandonedOnly: CallAccumulator = { ...emptyCallAccumulator(), contacts: 5, abandoned: 5 };
    const withGap = requiredStaffByInterval(
      [...calls, { intervalStartMs: at('2020-06-01T10:00:00Z'), queue: 'sales', acc: abandonedOnly }],
      staffed,
      settings,
    )!;
    const last = withGap.at(-1)!;
    expect(last.handleSeconds).toBe(180);
    expect(last.trafficErlangs).toBe(1);
    expect(last.staffedAgents).toBe(0);
  });

  it('no agent events: staffing is null, never 0; no answered call: nothing to size', () => {
    expect(requiredStaffByInterval(calls, null, settings)!.every((i) => i.staffedAgents === null)).toBe(true);
    expect(requiredStaffByInterval([], staffed, settings)).toBeNull();
  });
});

describe('the committee answer', () => {
  const hours = requiredStaffByHour(requiredStaffByInterval(calls, staffed, settings)!, 'Europe/London');

  it('rolls intervals into local hours as agent-hours', () => {
    expect(hours.map((h) => [h.weekday, h.hour, h.requiredForWaitHours, h.staffedHours])).toEqual([
      [1, 9, 2.75, 6],
      [1, 10, 2.75, 2.5],
    ]);
  });

  it('counts the hours short of the need, the shortfall and the wait they carried', () => {
    const answer = staffingAnswer(hours, settings);
    expect(answer.openHours).toBe(2);
    expect(answer.staffedHours).toBe(8.5);
    // 10:00 needed 11 agents for a quarter hour (2.75 h) and had 10 (2.5 h); 3,000 of 4,000 s of wait.
    expect(answer.wait).toEqual({
      requiredHours: 5.5,
      shortHours: 1,
      shortfallHours: 0.25,
      waitInShortHoursMs: 3_000_000,
      targetSeconds: 300,
    });
    // 80 % within 20 s needs 14 agents (3.5 h per busy quarter): 10:00 is 1 h short, 09:00 had 6 h.
    expect(answer.serviceLevel).toMatchObject({ requiredHours: 7, shortHours: 1, shortfallHours: 1, percent: 80 });
    expect(answer.waitAllMs).toBe(4_000_000);
  });

  it('maps UTC intervals to local weekday and hour across the autumn change (two 01:00 hours)', () => {
    const autumn = requiredStaffByHour(
      requiredStaffByInterval(
        [
          { intervalStartMs: at('2020-10-25T00:15:00Z'), queue: 'q', acc: answered(1, 60, 0) },
          { intervalStartMs: at('2020-10-25T01:45:00Z'), queue: 'q', acc: answered(1, 60, 0) },
          { intervalStartMs: at('2020-10-24T23:45:00Z'), queue: 'q', acc: answered(1, 60, 0) },
        ],
        null,
        settings,
      )!,
      'Europe/London',
    );
    // 00:15Z is 01:15 BST and 01:45Z is 01:45 GMT: Sunday 01:00 twice; 23:45Z on the 24th is Sunday 00:45 BST.
    expect(autumn.map((h) => [h.weekday, h.hour])).toEqual([
      [7, 0],
      [7, 1],
      [7, 1],
    ]);
    const cells = hourOfWeek(autumn);
    expect(cells).toHaveLength(168);
    expect(cells[6 * 24 + 1]!.hours).toBe(2);
    expect(cells[6 * 24 + 1]!.staffedHours).toBeNull();
    expect(cells.filter((c) => c.hours === 0)).toHaveLength(166);
  });
});
