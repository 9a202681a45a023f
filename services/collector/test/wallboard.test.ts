import { describe, expect, it } from 'vitest';
import type { LiveQueueState } from '@cdrflow/formats';
import { Wallboard, type LiveFeed, type WallboardToday } from '@cdrflow/collector';

const NOW = 1_800_000_000_000;

function queue(
  name: string,
  waiting: number,
  oldestMs: number | null,
  agents: [number, number, number],
): LiveQueueState {
  const [available, onCall, paused] = agents;
  return {
    queue: name,
    service: '',
    callersWaiting: waiting,
    oldestWaitingSinceMs: oldestMs,
    lastAnsweredMs: null,
    agents: { available, onCall, paused, loggedIn: available + onCall + paused },
    pausedByReason: new Map(),
  };
}

function feed(source: string, queues: LiveQueueState[]): LiveFeed {
  return { source, lastPollMs: () => NOW, lastLineMs: () => NOW - 5_000, queues: () => queues };
}

describe('Wallboard', () => {
  it('sums a queue over followed sources and keeps the oldest caller; today only where counted', async () => {
    const today = new Map<string, WallboardToday>([
      ['sales', { offered: 7, answered: 5, abandoned: 1, serviceLevelPercent: 60 }],
      ['visits', { offered: 2, answered: 0, abandoned: 0, serviceLevelPercent: null }],
    ]);
    const board = new Wallboard({
      waitTargetSeconds: 300,
      today: { serviceLevelSeconds: 20, byQueue: () => Promise.resolve(today) },
      now: () => NOW,
    });
    board.watch([
      feed('pbx1', [queue('sales', 2, NOW - 400_500, [1, 1, 0]), queue('support', 0, null, [2, 0, 1])]),
      feed('pbx2', [queue('sales', 1, NOW - 90_000, [0, 2, 1])]),
    ]);
    const snap = await board.snapshot();
    expect(snap.todayNote).toBeNull();
    expect(snap.feeds).toEqual([
      { source: 'pbx1', lastLineMs: NOW - 5_000 },
      { source: 'pbx2', lastLineMs: NOW - 5_000 },
    ]);
    // By hand: sales waits 2 + 1, the oldest entered 400.5 s ago (whole seconds: 400), agents summed.
    expect(snap.queues).toEqual([
      {
        queue: 'sales',
        live: {
          callersWaiting: 3,
          longestWaitSeconds: 400,
          agents: { available: 1, onCall: 3, paused: 1, loggedIn: 5 },
        },
        today: today.get('sales'),
      },
      {
        queue: 'support',
        live: {
          callersWaiting: 0,
          longestWaitSeconds: null,
          agents: { available: 2, onCall: 0, paused: 1, loggedIn: 3 },
        },
        today: null,
      },
      { queue: 'visits', live: null, today: today.get('visits') },
    ]);
  });

  it('without a source of today’s figures, says where they are and shows none', async () => {
    const board = new Wallboard({ waitTargetSeconds: null, today: { note: 'see Grafana' }, now: () => NOW });
    board.watch([feed('pbx', [queue('sales', 1, NOW + 2_000, [0, 0, 0])])]);
    const snap = await board.snapshot();
    expect(snap.todayNote).toBe('see Grafana');
    expect(snap.serviceLevelSeconds).toBeNull();
    // A caller logged ahead of this clock has waited 0 s, not a negative time.
    expect(snap.queues).toEqual([
      {
        queue: 'sales',
        live: { callersWaiting: 1, longestWaitSeconds: 0, agents: { available: 0, onCall: 0, paused: 0, loggedIn: 0 } },
        today: null,
      },
    ]);
  });
});
