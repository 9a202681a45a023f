import { parseAgentTime, type AgentTime } from '@cdrflow/schema';
import { describe, expect, it } from 'vitest';
import { QueueLogSession, type QueueLogSessionOptions } from '../src/queue-log/queue-log-session';

// Staffing rules (docs/kpi.md, "Staffing"; docs/formats.md, "Agent events").
// T is on a 15-minute boundary, so offsets read directly as interval positions.
const T = 1_704_099_600; // 2024-01-01T09:00:00Z

const options: QueueLogSessionOptions = { source: 'pbx', form: 'file', pseudonymise: (n) => `k${n.length}` };

function log(...lines: [number, string][]): string {
  return lines.map(([o, rest]) => `${T + o}|${rest}`).join('\n') + '\n';
}

function read(s: QueueLogSession, file: string, text: string): AgentTime[] {
  const parser = s.openFile(file);
  const out: AgentTime[] = [];
  for (const b of [parser.push(new TextEncoder().encode(text)), parser.end()]) {
    expect(b.rejects).toEqual([]);
    for (const a of b.agentTimes) out.push(parseAgentTime(a));
  }
  return out;
}

/** [agent, interval n, version, logged-in s, paused s] */
const rows = (times: AgentTime[]) =>
  times.map((a) => [a.agent, (a.intervalStart / 1000 - T) / 900, a.version, a.loggedInMs / 1000, a.pausedMs / 1000]);

/** A marker line far enough ahead to complete every interval before it. */
const tick = (o: number): [number, string] => [o, 'x|NONE|NONE|DID|0'];

describe('queue_log staffing', () => {
  it('AGENTLOGIN … AGENTLOGOFF: logged in between them, split at 15-minute boundaries', () => {
    const s = new QueueLogSession(options);
    const out = read(
      s,
      'a.log',
      log(
        [600, 'NONE|NONE|Agent/1|AGENTLOGIN|SIP/1-0001'],
        [1200, 'NONE|NONE|Agent/1|AGENTLOGOFF|SIP/1-0001|600'],
        tick(1800),
      ),
    );
    expect(rows(out)).toEqual([
      ['Agent/1', 0, 901, 300, 0], // 09:10–09:15
      ['Agent/1', 1, 901, 300, 0], // 09:15–09:20
    ]);
    expect(out[1]?.line).toBe(2);
    expect(s.agentCount()).toBe(0);
  });

  it('AGENTCALLBACKLOGIN / AGENTCALLBACKLOGOFF count the same way', () => {
    const s = new QueueLogSession(options);
    const out = read(
      s,
      'a.log',
      log(
        [100, 'NONE|NONE|Agent/2|AGENTCALLBACKLOGIN|1002@default'],
        [400, 'NONE|NONE|Agent/2|AGENTCALLBACKLOGOFF|1002@default|300|CommandLogoff'],
        tick(900),
      ),
    );
    expect(rows(out)).toEqual([['Agent/2', 0, 901, 300, 0]]);
  });

  it('ADDMEMBER to several queues: logged in from the first add until removed from the last', () => {
    const s = new QueueLogSession(options);
    const out = read(
      s,
      'a.log',
      log(
        [100, 'NONE|sales|SIP/1001|ADDMEMBER|'],
        [200, 'NONE|housing|SIP/1001|ADDMEMBER|'],
        [300, 'NONE|sales|SIP/1001|REMOVEMEMBER|'], // still in housing
        [700, 'NONE|housing|SIP/1001|REMOVEMEMBER|'], // out
        [800, 'NONE|sales|SIP/1001|REMOVEMEMBER|'], // not a member: no effect
        tick(900),
      ),
    );
    expect(rows(out)).toEqual([['SIP/1001', 0, 901, 600, 0]]);
  });

  it('REMOVEMEMBER from the last queue logs out an agent that also logged in', () => {
    const s = new QueueLogSession(options);
    const out = read(
      s,
      'a.log',
      log(
        [0, 'NONE|NONE|Agent/3|AGENTLOGIN|SIP/3'],
        [60, 'NONE|sales|Agent/3|ADDMEMBER|'],
        [360, 'NONE|sales|Agent/3|REMOVEMEMBER|'],
        tick(900),
      ),
    );
    expect(rows(out)).toEqual([['Agent/3', 0, 901, 360, 0]]);
  });

  it('PAUSE … UNPAUSE and PAUSEALL … UNPAUSEALL count paused time only while logged in', () => {
    const s = new QueueLogSession(options);
    const out = read(
      s,
      'a.log',
      log(
        [0, 'NONE|NONE|SIP/5|PAUSE|before login'], // not logged in: ignored
        [100, 'NONE|sales|SIP/5|ADDMEMBER|'],
        [200, 'NONE|sales|SIP/5|PAUSE|lunch'],
        [500, 'NONE|sales|SIP/5|UNPAUSE|'],
        [600, 'NONE|NONE|SIP/5|PAUSEALL|'],
        [1000, 'NONE|NONE|SIP/5|UNPAUSEALL|'],
        [1100, 'NONE|NONE|SIP/5|PAUSEALL|'],
        [1200, 'NONE|sales|SIP/5|REMOVEMEMBER|'], // logging out ends the pause too
        tick(1800),
      ),
    );
    expect(rows(out)).toEqual([
      ['SIP/5', 0, 901, 800, 300 + 300], // 100–900 in; paused 200–500 and 600–900
      ['SIP/5', 1, 901, 300, 100 + 100], // 900–1200 in; paused 900–1000 and 1100–1200
    ]);
  });

  it('ADDMEMBER with data PAUSED (realtime, manager QueueAdd) adds the member paused', () => {
    const s = new QueueLogSession(options);
    const out = read(
      s,
      'a.log',
      log(
        [100, 'REALTIME|sales|SIP/6|ADDMEMBER|PAUSED'],
        [400, 'NONE|sales|SIP/6|UNPAUSE|'],
        [600, 'MANAGER|housing|SIP/7|ADDMEMBER|'],
        tick(900),
      ),
    );
    expect(rows(out)).toEqual([
      ['SIP/6', 0, 901, 800, 300], // in from 100; paused 100–400
      ['SIP/7', 0, 901, 300, 0], // in from 600, never paused
    ]);
  });

  it('two agents for the same time count twice (hours are per agent)', () => {
    const s = new QueueLogSession(options);
    const out = read(
      s,
      'a.log',
      log([0, 'NONE|sales|SIP/1|ADDMEMBER|'], [0, 'NONE|sales|SIP/2|ADDMEMBER|'], tick(900)),
    );
    expect(rows(out)).toEqual([
      ['SIP/1', 0, 901, 900, 0],
      ['SIP/2', 0, 901, 900, 0],
    ]);
  });

  it('a whole quiet interval between events is emitted for an agent still logged in', () => {
    const s = new QueueLogSession(options);
    const out = read(s, 'a.log', log([450, 'NONE|sales|SIP/1|ADDMEMBER|'], tick(2000)));
    expect(rows(out)).toEqual([
      ['SIP/1', 0, 901, 450, 0],
      ['SIP/1', 1, 901, 900, 0],
      // end of file: interval 2 known up to 2000 − 1800 = 200 s
      ['SIP/1', 2, 201, 200, 0],
    ]);
  });

  it('across a rotation: provisional at the end of a file, superseded by a higher version from the next', () => {
    const s = new QueueLogSession(options);
    const first = read(
      s,
      'day1.log',
      log([0, 'NONE|NONE|Agent/1|AGENTLOGIN|SIP/1'], [100, 'NONE|NONE|Agent/1|PAUSE|'], [300, 'x|NONE|NONE|DID|0']),
    );
    expect(rows(first)).toEqual([['Agent/1', 0, 301, 300, 200]]);
    // Restarted from a snapshot between the files: the agent state goes with it.
    const state = JSON.parse(JSON.stringify(s.snapshot())) as ReturnType<QueueLogSession['snapshot']>;
    expect(state.agents?.map((a) => [a.agent, a.login, a.paused])).toEqual([['Agent/1', true, true]]);
    const restored = QueueLogSession.restore(options, state);
    const second = read(
      restored,
      'day2.log',
      log([400, 'NONE|NONE|Agent/1|UNPAUSE|'], [700, 'NONE|NONE|Agent/1|AGENTLOGOFF|SIP/1|700'], tick(950)),
    );
    expect(rows(second)).toEqual([['Agent/1', 0, 901, 700, 300]]); // paused 100–400
    expect(second[0]?.file).toBe('day2.log');
    expect(second[0]?.version).toBeGreaterThan(first[0]?.version ?? Infinity);
    // Re-reading the same files from the same state gives the same versions (idempotent downstream).
    const again = QueueLogSession.restore(options, state);
    expect(
      rows(
        read(
          again,
          'day2.log',
          log([400, 'NONE|NONE|Agent/1|UNPAUSE|'], [700, 'NONE|NONE|Agent/1|AGENTLOGOFF|SIP/1|700'], tick(950)),
        ),
      ),
    ).toEqual(rows(second));
  });

  it('a snapshot from before staffing (no agents key) restores with no agents', () => {
    const s = new QueueLogSession(options);
    read(s, 'a.log', log([0, 'NONE|sales|SIP/1|ADDMEMBER|']));
    const old = s.snapshot();
    delete old.agents;
    expect(QueueLogSession.restore(options, old).agentCount()).toBe(0);
  });

  it('the db form counts agent time the same way', () => {
    const s = new QueueLogSession({ ...options, form: 'db', zone: 'UTC' });
    const at = (o: number) => new Date((T + o) * 1000).toISOString().replace('T', ' ').replace('Z', '');
    const csv = [
      'id,time,callid,queuename,agent,event,data1,data2,data3,data4,data5',
      `1,${at(300)},NONE,sales,SIP/7,ADDMEMBER,,,,,`,
      `2,${at(600)},NONE,sales,SIP/7,PAUSE,,,,,`,
      `3,${at(960)},x,NONE,NONE,DID,0,,,,`,
    ].join('\n');
    expect(rows(read(s, 'q.csv', `${csv}\n`))).toEqual([
      ['SIP/7', 0, 901, 600, 300],
      ['SIP/7', 1, 61, 60, 60],
    ]);
  });

  it('call lines alone leave no agent state and emit no agent time', () => {
    const s = new QueueLogSession(options);
    const out = read(
      s,
      'a.log',
      log([0, 'c1|sales|NONE|ENTERQUEUE||07700900001|1'], [20, 'c1|sales|SIP/1|CONNECT|20|c1b|1'], tick(1900)),
    );
    expect(out).toEqual([]);
    expect(s.agentCount()).toBe(0);
  });
});

describe('queue_log rings not answered and pause reasons', () => {
  const readAll = (text: string) => {
    const s = new QueueLogSession(options);
    const parser = s.openFile('a.log');
    const batches = [parser.push(new TextEncoder().encode(text)), parser.end()];
    return {
      times: batches.flatMap((b) => b.agentTimes.map((a) => parseAgentTime(a))),
      rejects: batches.flatMap((b) => b.rejects),
    };
  };

  it('counts RINGNOANSWER and RINGCANCELED per queue in the interval of the ring, a repeated line once', () => {
    const { times, rejects } = readAll(
      log(
        [0, 'NONE|NONE|Agent/1|AGENTLOGIN|SIP/1'],
        [10, 'c1|sales|NONE|ENTERQUEUE||07700900001|1'],
        [25, 'c1|sales|Agent/1|RINGNOANSWER|15000'],
        [25, 'c1|sales|Agent/1|RINGNOANSWER|15000'], // the same line twice: a duplicate, not a second ring
        [40, 'c2|housing|NONE|ENTERQUEUE||07700900002|1'],
        [44, 'c2|housing|Agent/1|RINGCANCELED|4000'],
        [60, 'c1|sales|NONE|ABANDON|1|1|50'],
        [62, 'c2|housing|NONE|ABANDON|1|1|22'],
        [950, 'c3|sales|NONE|ENTERQUEUE||07700900003|1'],
        [960, 'c3|sales|Agent/1|RINGNOANSWER|10000'],
        tick(1800),
      ),
    );
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[4, 'duplicate_line']]);
    // 09:00: one ring in sales (line 3), one in housing (line 6); 09:15: one in sales (line 10).
    expect(times.map((a) => [(a.intervalStart / 1000 - T) / 900, a.ringsNotAnswered])).toEqual([
      [0, { sales: 1, housing: 1 }],
      [1, { sales: 1 }],
    ]);
  });

  it('a static member (no login events) gets a record with its rings and no time', () => {
    const { times } = readAll(
      log(
        [10, 'c1|sales|NONE|ENTERQUEUE||07700900001|1'],
        [30, 'c1|sales|SIP/7|RINGNOANSWER|20000'],
        [40, 'c1|sales|NONE|ABANDON|1|1|30'],
        tick(900),
      ),
    );
    expect(times.map((a) => [a.agent, a.version, a.loggedInMs, a.pausedMs, a.ringsNotAnswered, a.line])).toEqual([
      ['SIP/7', 901, 0, 0, { sales: 1 }, 2],
    ]);
  });

  it('splits paused time by the reason PAUSE gives, and by "" where it gives none', () => {
    const { times } = readAll(
      log(
        [0, 'NONE|NONE|Agent/1|AGENTLOGIN|SIP/1'],
        [100, 'NONE|NONE|Agent/1|PAUSE|lunch'],
        [400, 'NONE|NONE|Agent/1|UNPAUSE|'],
        [500, 'NONE|NONE|Agent/1|PAUSE|'],
        [1000, 'NONE|NONE|Agent/1|UNPAUSE|'],
        tick(1800),
      ),
    );
    // 09:00: lunch 100–400 = 300 s, no reason 500–900 = 400 s; 09:15: no reason 900–1000 = 100 s.
    expect(times.map((a) => [(a.intervalStart / 1000 - T) / 900, a.pausedMs / 1000, a.pausedByReasonMs])).toEqual([
      [0, 700, { lunch: 300_000, '': 400_000 }],
      [1, 100, { '': 100_000 }],
    ]);
  });

  it('a snapshot from before reasons were kept resumes a pause with no reason', () => {
    const s = new QueueLogSession(options);
    read(s, 'a.log', log([0, 'NONE|NONE|Agent/1|AGENTLOGIN|SIP/1'], [100, 'NONE|NONE|Agent/1|PAUSE|lunch']));
    const old = JSON.parse(JSON.stringify(s.snapshot())) as ReturnType<QueueLogSession['snapshot']>;
    for (const a of old.agents ?? []) {
      delete a.pauseReason;
      delete a.pausedByReasonMs;
      delete a.ringsNotAnswered;
    }
    const out = read(
      QueueLogSession.restore(options, old),
      'b.log',
      log([300, 'NONE|NONE|Agent/1|UNPAUSE|'], tick(900)),
    );
    // Paused 100–300; the snapshot was taken at 100, so all 200 s are counted after it, where the reason is unknown.
    expect(out.map((a) => [a.pausedMs / 1000, a.pausedByReasonMs])).toEqual([[200, { '': 200_000 }]]);
  });
});
