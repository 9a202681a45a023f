import { describe, expect, it } from 'vitest';
import { computeAgentFigures, formatOccupancy, type AgentCallSums, type AgentTimeSums } from '@cdrflow/kpi';

// Figures worked by hand: occupancy = talk ÷ (logged in − paused); handle time = talk ÷ answered.
const calls: AgentCallSums[] = [
  { source: 'pbx', agent: 'SIP/bob', queue: 'sales', answered: 2, talkMs: 300_000 },
  { source: 'pbx', agent: 'SIP/alice', queue: 'housing', answered: 1, talkMs: 60_000 },
  { source: 'pbx', agent: 'SIP/alice', queue: 'sales', answered: 3, talkMs: 540_000 },
];
const time: AgentTimeSums[] = [
  { source: 'pbx', agent: 'SIP/alice', loggedInMs: 3_600_000, pausedMs: 600_000 },
  { source: 'pbx', agent: 'SIP/carol', loggedInMs: 1_800_000, pausedMs: 1_800_000 },
];

describe('computeAgentFigures', () => {
  it('sums an agent over its queues and takes ratios of the sums, not means of per-queue figures', () => {
    const [alice] = computeAgentFigures(calls, time, { pseudonymise: false });
    expect(alice).toMatchObject({
      label: 'SIP/alice',
      answered: 4,
      talkMs: 600_000,
      // 600 s ÷ 4 = 150 s; the mean of the queues' 60 s and 180 s would be 120 s.
      avgHandleMs: 150_000,
      availableMs: 3_000_000,
      occupancyPercent: 20, // 600 s ÷ 3,000 s
    });
    expect(alice?.queues.map((q) => q.queue)).toEqual(['sales', 'housing']); // most answered first
  });

  it('lists agents by answered calls, keeps time-only agents, and gives "No data" rather than 0', () => {
    const figures = computeAgentFigures(calls, time, { pseudonymise: false });
    expect(figures.map((f) => f.label)).toEqual(['SIP/alice', 'SIP/bob', 'SIP/carol']);
    const [, bob, carol] = figures;
    expect(bob).toMatchObject({ loggedInMs: null, availableMs: null, occupancyPercent: null });
    // Logged in but paused throughout: no available time, so occupancy has no denominator.
    expect(carol).toMatchObject({ answered: 0, avgHandleMs: null, availableMs: 0, occupancyPercent: null });
    expect(carol === undefined ? 'missing' : formatOccupancy(carol)).toBeNull();
  });

  it('numbers pseudonyms in the order listed and drops the identity', () => {
    const figures = computeAgentFigures(calls, time, { pseudonymise: true });
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
      { pseudonymise: false },
    );
    expect(figures.map((f) => f.label)).toEqual(['SIP/alice (pbx)', 'SIP/bob (pbx)', 'SIP/bob (branch)']);
  });
});
