import { describe, expect, it } from 'vitest';
import {
  computeAgentFigures,
  formatOccupancy,
  type AgentCallSums,
  type AgentRingSums,
  type AgentTimeSums,
} from '@cdrflow/kpi';

// Figures worked by hand: occupancy = talk ÷ (logged in − paused); handle time = talk ÷ answered.
const calls: AgentCallSums[] = [
  { source: 'pbx', agent: 'SIP/bob', queue: 'sales', answered: 2, talkMs: 300_000 },
  { source: 'pbx', agent: 'SIP/alice', queue: 'housing', answered: 1, talkMs: 60_000 },
  { source: 'pbx', agent: 'SIP/alice', queue: 'sales', answered: 3, talkMs: 540_000 },
];
const time: AgentTimeSums[] = [
  // alice: 600 s paused, 500 s of it in records that carried a reason split.
  {
    source: 'pbx',
    agent: 'SIP/alice',
    loggedInMs: 3_600_000,
    pausedMs: 600_000,
    pausedByReasonMs: { lunch: 300_000, '': 50_000, training: 150_000 },
  },
  { source: 'pbx', agent: 'SIP/carol', loggedInMs: 1_800_000, pausedMs: 1_800_000, pausedByReasonMs: {} },
];
const rings: AgentRingSums[] = [
  { source: 'pbx', agent: 'SIP/alice', queue: 'sales', ringsNotAnswered: 2 },
  { source: 'pbx', agent: 'SIP/alice', queue: 'billing', ringsNotAnswered: 1 },
];

describe('computeAgentFigures', () => {
  it('sums an agent over its queues and takes ratios of the sums, not means of per-queue figures', () => {
    const [alice] = computeAgentFigures(calls, time, rings, { pseudonymise: false });
    expect(alice).toMatchObject({
      label: 'SIP/alice',
      answered: 4,
      talkMs: 600_000,
      // 600 s ÷ 4 = 150 s; the mean of the queues' 60 s and 180 s would be 120 s.
      avgHandleMs: 150_000,
      availableMs: 3_000_000,
      occupancyPercent: 20, // 600 s ÷ 3,000 s
    });
    expect(alice?.queues.map((q) => q.queue)).toEqual(['sales', 'housing', 'billing']); // most answered first
  });

  it('lists agents by answered calls, keeps time-only agents, and gives "No data" rather than 0', () => {
    const figures = computeAgentFigures(calls, time, rings, { pseudonymise: false });
    expect(figures.map((f) => f.label)).toEqual(['SIP/alice', 'SIP/bob', 'SIP/carol']);
    const [, bob, carol] = figures;
    expect(bob).toMatchObject({ loggedInMs: null, availableMs: null, occupancyPercent: null });
    // Logged in but paused throughout: no available time, so occupancy has no denominator.
    expect(carol).toMatchObject({ answered: 0, avgHandleMs: null, availableMs: 0, occupancyPercent: null });
    expect(carol === undefined ? 'missing' : formatOccupancy(carol)).toBeNull();
  });

  it('numbers pseudonyms in the order listed and drops the identity', () => {
    const figures = computeAgentFigures(calls, time, rings, { pseudonymise: true });
    expect(figures.map((f) => [f.label, f.identity])).toEqual([
      ['Agent 01', null],
      ['Agent 02', null],
      ['Agent 03', null],
    ]);
  });

  it('names the source beside the agent when several sources are listed', () => {
    const figures = computeAgentFigures(
      [...calls, { source: 'branch', agent: 'SIP/bob', queue: 'sales', answered: 1, talkMs: 1_000 }],
      [],
      [],
      { pseudonymise: false },
    );
    expect(figures.map((f) => f.label)).toEqual(['SIP/alice (pbx)', 'SIP/bob (pbx)', 'SIP/bob (branch)']);
  });

  it('counts rings per queue, 0 where an agent with agent events let none go, "No data" without agent events', () => {
    const [alice, bob, carol] = computeAgentFigures(calls, time, rings, { pseudonymise: false });
    expect(alice?.ringsNotAnswered).toBe(3); // 2 in sales + 1 in billing
    // billing: rings but no answered call, so a queue row of its own.
    expect(alice?.queues.map((q) => [q.queue, q.answered, q.ringsNotAnswered])).toEqual([
      ['sales', 3, 2],
      ['housing', 1, 0],
      ['billing', 0, 1],
    ]);
    expect(bob?.ringsNotAnswered).toBeNull();
    expect(bob?.queues.map((q) => q.ringsNotAnswered)).toEqual([null]);
    expect(carol?.ringsNotAnswered).toBe(0);
  });

  it('splits paused time by reason, largest first, the time without a split under ""', () => {
    const [alice, bob, carol] = computeAgentFigures(calls, time, rings, { pseudonymise: false });
    // '' = 50 s given no reason + 100 s from records without a split (600 − 300 − 50 − 150).
    expect(alice?.pausedByReason).toEqual([
      { reason: 'lunch', ms: 300_000 },
      { reason: '', ms: 150_000 },
      { reason: 'training', ms: 150_000 },
    ]);
    expect(bob?.pausedByReason).toBeNull();
    expect(carol?.pausedByReason).toEqual([{ reason: '', ms: 1_800_000 }]);
  });

  it('a static member with rings and no login events: rings counted, time "No data"', () => {
    const [dan] = computeAgentFigures(
      [],
      [],
      [{ source: 'pbx', agent: 'SIP/dan', queue: 'sales', ringsNotAnswered: 4 }],
      {
        pseudonymise: false,
      },
    );
    expect(dan).toMatchObject({ ringsNotAnswered: 4, loggedInMs: null, pausedByReason: null, occupancyPercent: null });
  });
});
