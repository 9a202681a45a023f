import { describe, expect, it } from 'vitest';
import {
  QueueLogSession,
  type QueueLogSessionOptions,
  type QueueLogSessionState,
} from '../src/queue-log/queue-log-session';
import type { LiveQueueState } from '../src/queue-log/queue-log-live';

// Live queue state (docs/decisions.md, 37). Every expected figure is read off
// the lines of the test by hand: who entered and has not left, who is a member
// of which queue, paused or talking.
const T = 1_704_099_600; // 2024-01-01T09:00:00Z
const MS = 1000;
const HOUR = 3600;

const options: QueueLogSessionOptions = {
  source: 'pbx',
  form: 'file',
  pseudonymise: (n) => `k${n.length}`,
  queueServices: { sales: 'Revenue' },
};

function log(...lines: [number, string][]): string {
  return lines.map(([o, rest]) => `${T + o}|${rest}`).join('\n') + '\n';
}

function feed(s: QueueLogSession, text: string, file = 'queue_log'): void {
  const parser = s.openFile(file);
  expect(parser.push(new TextEncoder().encode(text)).rejects).toEqual([]);
}

/** The live state at `at` seconds after T, as plain data. */
function live(s: QueueLogSession, at: number): Record<string, unknown>[] {
  return s.live((T + at) * MS).map((q: LiveQueueState) => ({
    queue: q.queue,
    service: q.service,
    waiting: q.callersWaiting,
    oldestSince: q.oldestWaitingSinceMs === null ? null : q.oldestWaitingSinceMs / MS - T,
    lastAnswered: q.lastAnsweredMs === null ? null : q.lastAnsweredMs / MS - T,
    agents: q.agents,
    pausedByReason: Object.fromEntries(q.pausedByReason),
  }));
}

const noAgents = { loggedIn: 0, available: 0, onCall: 0, paused: 0 };

describe('queue_log live state', () => {
  it('counts callers from ENTERQUEUE until CONNECT or a close, the oldest first', () => {
    const s = new QueueLogSession(options);
    feed(
      s,
      log(
        [0, 'c1|sales|NONE|ENTERQUEUE||0123456789|1'],
        [10, 'c2|sales|NONE|ENTERQUEUE||0123456780|2'],
        [20, 'c3|sales|NONE|ENTERQUEUE||0123456781|3'],
        [30, 'c4|support|NONE|ENTERQUEUE||0123456782|1'],
        [40, 'c1|sales|SIP/1|CONNECT|40|c1.1|2'], // c1 answered after 40 s
        [50, 'c2|sales|NONE|ABANDON|1|2|40'], // c2 hung up
      ),
    );
    // Waiting now: c3 in sales (since +20), c4 in support (since +30). c1 is talking to SIP/1, a static member.
    expect(live(s, 60)).toEqual([
      {
        queue: 'sales',
        service: 'Revenue',
        waiting: 1,
        oldestSince: 20,
        lastAnswered: 40,
        agents: { loggedIn: 1, available: 0, onCall: 1, paused: 0 },
        pausedByReason: {},
      },
      {
        queue: 'support',
        service: '',
        waiting: 1,
        oldestSince: 30,
        lastAnswered: null,
        agents: noAgents,
        pausedByReason: {},
      },
    ]);
    feed(s, log([70, 'c1|sales|SIP/1|COMPLETECALLER|40|30|1'], [80, 'c3|sales|NONE|EXITWITHTIMEOUT|1|1|60']));
    // The queue stays on the board with nobody waiting: 0, not absent.
    expect(live(s, 90)[0]).toMatchObject({ queue: 'sales', waiting: 0, oldestSince: null, agents: noAgents });
  });

  it('a COMPLETE whose CONNECT was not read still dates the last answer (hold + talk back from it)', () => {
    const s = new QueueLogSession(options);
    feed(s, log([100, 'c9|sales|SIP/2|COMPLETEAGENT|15|40|1']));
    // Answered at 100 − 40 s talk = +60.
    expect(live(s, 100)[0]).toMatchObject({ queue: 'sales', waiting: 0, lastAnswered: 60 });
  });

  it('a caller older than the open-call timeout, by the log or the wall clock, is not waiting now', () => {
    const s = new QueueLogSession({ ...options, openCallTimeoutMs: HOUR * MS });
    feed(s, log([0, 'c1|sales|NONE|ENTERQUEUE||0123456789|1'], [1800, 'c2|sales|NONE|ENTERQUEUE||0123456780|1']));
    expect(live(s, 1800)[0]).toMatchObject({ waiting: 2, oldestSince: 0 });
    // The wall clock passes c1's hour (the log is quiet): exactly an hour still waits, a second more does not.
    expect(live(s, HOUR)[0]).toMatchObject({ waiting: 2, oldestSince: 0 });
    expect(live(s, HOUR + 1)[0]).toMatchObject({ waiting: 1, oldestSince: 1800 });
    // A clock behind the log does not bring it back: the log's own time says c1 is over the hour.
    feed(s, log([HOUR + 1, 'x|NONE|NONE|DID|0']));
    expect(live(s, 0)[0]).toMatchObject({ waiting: 1, oldestSince: 1800 });
  });

  it('agents: members by ADDMEMBER, paused per queue with the reason, PAUSEALL in every queue, on a call wins', () => {
    const s = new QueueLogSession(options);
    feed(
      s,
      log(
        [0, 'NONE|sales|SIP/1|ADDMEMBER|'],
        [0, 'NONE|support|SIP/1|ADDMEMBER|'],
        [0, 'NONE|sales|SIP/2|ADDMEMBER|'],
        [0, 'NONE|sales|SIP/3|ADDMEMBER|'],
        [0, 'NONE|support|SIP/3|ADDMEMBER|'],
        [0, 'NONE|sales|SIP/4|ADDMEMBER|'],
        [10, 'NONE|sales|SIP/2|PAUSE|Lunch'], // recent Asterisk: the reason in data1
        [20, 'NONE|NONE|SIP/3|PAUSEALL|'], // paused everywhere, then one PAUSE per queue
        [20, 'NONE|sales|SIP/3|PAUSE|'],
        [20, 'NONE|support|SIP/3|PAUSE|'],
        [30, 'NONE|sales|SIP/4|PAUSE'], // older Asterisk: no reason at all
        [40, 'c1|support|NONE|ENTERQUEUE||0123456789|1'],
        [45, 'c1|support|SIP/1|CONNECT|5|c1.1|2'],
      ),
    );
    // sales: SIP/1 on a call (from support), SIP/2 paused "Lunch", SIP/3 and SIP/4 paused without reason.
    // support: SIP/1 on a call, SIP/3 paused.
    expect(live(s, 50)).toEqual([
      {
        queue: 'sales',
        service: 'Revenue',
        waiting: 0,
        oldestSince: null,
        lastAnswered: null,
        agents: { loggedIn: 4, available: 0, onCall: 1, paused: 3 },
        pausedByReason: { Lunch: 1, '': 2 },
      },
      {
        queue: 'support',
        service: '',
        waiting: 0,
        oldestSince: null,
        lastAnswered: 45,
        agents: { loggedIn: 2, available: 0, onCall: 1, paused: 1 },
        pausedByReason: { '': 1 },
      },
    ]);
    feed(
      s,
      log(
        [60, 'NONE|sales|SIP/3|UNPAUSE|'], // still paused in support
        [60, 'NONE|NONE|SIP/2|UNPAUSEALL|'],
        [61, 'NONE|sales|SIP/2|UNPAUSE|'],
        [70, 'NONE|sales|SIP/4|REMOVEMEMBER|'],
        [80, 'c1|support|SIP/1|COMPLETECALLER|5|35|1'],
      ),
    );
    expect(live(s, 90).map((q) => [q['queue'], q['agents'], q['pausedByReason']])).toEqual([
      ['sales', { loggedIn: 3, available: 3, onCall: 0, paused: 0 }, {}],
      ['support', { loggedIn: 2, available: 1, onCall: 0, paused: 1 }, { '': 1 }],
    ]);
  });

  it('a static member (no ADDMEMBER) paused outside any queue is paused wherever it talks; logoff clears it', () => {
    const s = new QueueLogSession(options);
    feed(
      s,
      log(
        [0, 'NONE|NONE|Agent/7|AGENTLOGIN|SIP/7-0001'],
        [5, 'NONE|NONE|Agent/7|PAUSE|Break'],
        [10, 'c1|sales|NONE|ENTERQUEUE||0123456789|1'],
      ),
    );
    // An AGENTLOGIN names no queue: the agent is in no queue's count until it talks in one.
    expect(live(s, 20)[0]).toMatchObject({ queue: 'sales', waiting: 1, agents: noAgents });
    feed(s, log([30, 'NONE|NONE|Agent/7|AGENTLOGOFF|SIP/7-0001|30']));
    expect(s.snapshot().agents?.[0]?.pauses).toEqual([]);
  });

  it('is restored with the snapshot: the same callers, agents and last answers, none twice', () => {
    const s = new QueueLogSession(options);
    feed(
      s,
      log(
        [0, 'NONE|sales|SIP/1|ADDMEMBER|'],
        [0, 'NONE|sales|SIP/2|ADDMEMBER|'],
        [5, 'NONE|sales|SIP/2|PAUSE|Training'],
        [10, 'c1|sales|NONE|ENTERQUEUE||0123456789|1'],
        [20, 'c2|sales|NONE|ENTERQUEUE||0123456780|2'],
        [30, 'c1|sales|SIP/1|CONNECT|20|c1.1|2'],
      ),
    );
    const before = live(s, 40);
    const restored = QueueLogSession.restore(options, JSON.parse(JSON.stringify(s.snapshot())) as QueueLogSessionState);
    expect(live(restored, 40)).toEqual(before);
    expect(before[0]).toMatchObject({
      waiting: 1,
      oldestSince: 20,
      lastAnswered: 30,
      agents: { loggedIn: 2, available: 0, onCall: 1, paused: 1 },
      pausedByReason: { Training: 1 },
    });
  });

  it('a snapshot written before live state was kept restores with no pauses or answers, and no error', () => {
    const s = new QueueLogSession(options);
    feed(s, log([0, 'NONE|sales|SIP/1|ADDMEMBER|'], [10, 'c1|sales|NONE|ENTERQUEUE||0123456789|1']));
    const old = s.snapshot();
    delete old.answered;
    for (const a of old.agents ?? []) delete a.pauses;
    expect(live(QueueLogSession.restore(options, old), 20)[0]).toMatchObject({
      waiting: 1,
      agents: { loggedIn: 1, available: 1, onCall: 0, paused: 0 },
    });
  });
});
