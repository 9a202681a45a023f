import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAgentTime, parseCallRecord, type AgentTime, type CallRecord, type Reject } from '@cdrflow/schema';
import { describe, expect, it } from 'vitest';
import { QueueLogSession } from '../src/queue-log/queue-log-session';

// Expected figures are worked out by hand in fixtures/queue_log/README.md.
const fixture = (name: string): Uint8Array =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/queue_log/${name}`, import.meta.url)));

const pseudonymise = (n: string): string => `k-${n.length}-${n.charCodeAt(n.length - 1)}`;

function read(
  session: QueueLogSession,
  files: string[],
): { calls: CallRecord[]; rejects: Reject[]; agentTimes: AgentTime[] } {
  const calls: CallRecord[] = [];
  const rejects: Reject[] = [];
  const agentTimes: AgentTime[] = [];
  for (const file of files) {
    const parser = session.openFile(file);
    for (const batch of [parser.push(fixture(file)), parser.end()]) {
      for (const c of batch.calls) calls.push(parseCallRecord(c));
      for (const a of batch.agentTimes) agentTimes.push(parseAgentTime(a));
      rejects.push(...batch.rejects);
    }
  }
  return { calls, rejects, agentTimes };
}

interface Figures {
  offered: number;
  answered: number;
  abandoned: number;
  timedOut: number;
  exitedEmpty: number;
  exitedWithKey: number;
  withdrawn: number;
  answeredWaitSumS: number;
  avgAnsweredWaitS: number;
  maxWaitS: number;
}

/** The latest version of each id, as the aggregator keeps it. */
function latest(calls: readonly CallRecord[]): CallRecord[] {
  const byId = new Map<string, CallRecord>();
  for (const c of calls) if ((byId.get(c.id)?.version ?? 0) < c.version) byId.set(c.id, c);
  return [...byId.values()];
}

function figures(calls: CallRecord[], queue: string): Figures {
  const mine = latest(calls).filter((c) => c.queue === queue);
  const count = (outcome: CallRecord['outcome']): number => mine.filter((c) => c.outcome === outcome).length;
  const answered = mine.filter((c) => c.outcome === 'answered');
  const answeredWaitSumS = answered.reduce((sum, c) => sum + c.waitMs, 0) / 1000;
  return {
    offered: mine.length,
    answered: answered.length,
    abandoned: count('abandoned'),
    timedOut: count('timeout'),
    exitedEmpty: count('exit_empty'),
    exitedWithKey: count('exit_key'),
    withdrawn: count('withdrawn'),
    answeredWaitSumS,
    avgAnsweredWaitS: Math.round((answeredWaitSumS / answered.length) * 100) / 100,
    maxWaitS: Math.max(...mine.map((c) => c.waitMs)) / 1000,
  };
}

describe('fixtures/queue_log', () => {
  it('day1.log + day2.log (rotation) give the hand-checked per-queue figures', () => {
    const session = new QueueLogSession({
      source: 'pbx',
      form: 'file',
      queueServices: { sales: 'Revenues', housing: 'Housing' },
      pseudonymise,
    });
    const { calls, rejects } = read(session, ['day1.log', 'day2.log']);
    // In the order the closing lines are read; a call still open at the end of a file is emitted
    // there in its latest state (c7 answered, talk time unknown; c12 still waiting), and nothing
    // else twice: a bulk read emits one record per call that closes within it.
    expect(
      calls.map((c) => [c.id, c.outcome, c.waitMs / 1000, c.talkMs / 1000, c.version, `${c.file}:${c.line}`]),
    ).toEqual([
      ['pbx:c0', 'answered', 40, 200, 6, 'day1.log:7'],
      ['pbx:c2', 'abandoned', 55, 0, 8, 'day1.log:10'],
      ['pbx:c1', 'answered', 18, 180, 10, 'day1.log:15'],
      ['pbx:c3', 'answered', 60, 240, 10, 'day1.log:17'],
      ['pbx:c4', 'timeout', 300, 0, 8, 'day1.log:19'],
      ['pbx:c4/2', 'answered', 30, 120, 10, 'day1.log:22'],
      ['pbx:c5', 'exit_key', 20, 0, 8, 'day1.log:24'],
      ['pbx:c6', 'exit_empty', 5, 0, 8, 'day1.log:26'],
      ['pbx:c7', 'answered', 90, 0, 4, 'day1.log:28'],
      ['pbx:c7', 'answered', 90, 300, 10, 'day2.log:1'],
      ['pbx:c10', 'abandoned', 2, 0, 8, 'day2.log:5'],
      ['pbx:c9', 'answered', 45, 60, 10, 'day2.log:6'],
      ['pbx:c11', 'withdrawn', 30, 0, 8, 'day2.log:8'],
      ['pbx:c12', 'queued', 0, 0, 2, 'day2.log:9'],
    ]);
    expect(rejects.map((r) => [`${r.file}:${r.line}`, r.reason])).toEqual([
      ['day1.log:18', 'duplicate_line'],
      ['day2.log:10', 'orphan_event'],
    ]);
    // c0: rebuilt, arrived B+20 − (40 + 200) = B−220.
    expect(calls.find((c) => c.id === 'pbx:c0')?.arrivedAt).toBe((1704099600 - 220) * 1000);
    expect(calls.find((c) => c.id === 'pbx:c4/2')?.contactId).toBe('pbx:c4');
    expect(session.openCallCount()).toBe(1); // c12
    expect(figures(calls, 'sales')).toEqual({
      offered: 7, // c12 included: offered once its ENTERQUEUE is read
      answered: 3,
      abandoned: 2,
      timedOut: 0,
      exitedEmpty: 0,
      exitedWithKey: 1,
      withdrawn: 0,
      answeredWaitSumS: 138, // 18 + 30 + 90
      avgAnsweredWaitS: 46, // 138 / 3
      maxWaitS: 90,
    });
    expect(figures(calls, 'housing')).toEqual({
      offered: 6,
      answered: 3,
      abandoned: 0,
      timedOut: 1,
      exitedEmpty: 1,
      exitedWithKey: 0,
      withdrawn: 1,
      answeredWaitSumS: 145, // 40 + 60 + 45
      avgAnsweredWaitS: 48.33, // 145 / 3
      maxWaitS: 300,
    });
  });

  it('day1.log + day2.log give the hand-checked staffing per agent and interval, provisional then final', () => {
    const session = new QueueLogSession({ source: 'pbx', form: 'file', pseudonymise });
    const { agentTimes } = read(session, ['day1.log', 'day2.log']);
    const B = 1704099600 * 1000; // 09:00 UTC; 09:15 = B + 900 s
    const I2 = B + 900_000;
    // [id, version, logged-in s, paused s, file:line], in the order emitted (README, "Staffing").
    expect(
      agentTimes.map((a) => [a.id, a.version, a.loggedInMs / 1000, a.pausedMs / 1000, `${a.file}:${a.line}`]),
    ).toEqual([
      // day1: the 09:00 interval is complete when c7 ENTERQUEUE (B+900) is read.
      [`pbx:agent:Agent/1001:${B}`, 901, 898, 0, 'day1.log:3'],
      [`pbx:agent:Agent/1002:${B}`, 901, 894, 600, 'day1.log:16'],
      // end of day1 (watermark B+990): 09:15 provisional, 90 s known.
      [`pbx:agent:Agent/1001:${I2}`, 91, 90, 0, 'day1.log:3'],
      [`pbx:agent:Agent/1002:${I2}`, 91, 90, 90, 'day1.log:16'],
      // end of day2 (watermark B+1700): 09:15 still provisional, 800 s known.
      [`pbx:agent:Agent/1001:${I2}`, 801, 800, 0, 'day1.log:3'],
      [`pbx:agent:Agent/1002:${I2}`, 801, 800, 800, 'day2.log:11'],
    ]);
    // Newest version per id: logged in 898 + 894 + 800 + 800 = 3,392 s, paused 600 + 800 = 1,400 s.
    const latest = new Map<string, AgentTime>();
    for (const a of agentTimes) if ((latest.get(a.id)?.version ?? 0) < a.version) latest.set(a.id, a);
    const sum = (f: (a: AgentTime) => number) => [...latest.values()].reduce((n, a) => n + f(a), 0) / 1000;
    expect([sum((a) => a.loggedInMs), sum((a) => a.pausedMs)]).toEqual([3392, 1400]);
    expect(session.agentCount()).toBe(2);
  });

  it('queue_log_db.csv (Europe/London local time) gives the hand-checked per-queue figures', () => {
    const session = new QueueLogSession({ source: 'db', form: 'db', zone: 'Europe/London', pseudonymise });
    const { calls, rejects } = read(session, ['queue_log_db.csv']);
    expect(rejects).toEqual([]);
    // BST: UTC = local − 1 h.
    expect(
      calls.map((c) => [c.id, c.outcome, new Date(c.arrivedAt).toISOString(), c.waitMs / 1000, c.talkMs / 1000]),
    ).toEqual([
      ['db:d2', 'abandoned', '2024-06-03T09:01:00.000Z', 70, 0],
      ['db:d1', 'answered', '2024-06-03T09:00:00.000Z', 25, 240],
      ['db:d4', 'withdrawn', '2024-06-03T09:05:00.000Z', 40, 0],
      ['db:d3', 'answered', '2024-06-03T09:03:00.000Z', 12, 180],
      ['db:d5', 'exit_key', '2024-06-03T09:07:00.000Z', 15, 0],
    ]);
    expect(figures(calls, 'sales')).toEqual({
      offered: 3,
      answered: 1,
      abandoned: 1,
      timedOut: 0,
      exitedEmpty: 0,
      exitedWithKey: 1,
      withdrawn: 0,
      answeredWaitSumS: 25,
      avgAnsweredWaitS: 25,
      maxWaitS: 70,
    });
    expect(figures(calls, 'housing')).toEqual({
      offered: 2,
      answered: 1,
      abandoned: 0,
      timedOut: 0,
      exitedEmpty: 0,
      exitedWithKey: 0,
      withdrawn: 1,
      answeredWaitSumS: 12,
      avgAnsweredWaitS: 12,
      maxWaitS: 40,
    });
  });
});
