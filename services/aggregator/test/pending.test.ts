import { describe, expect, it } from 'vitest';
import { makeReject, type AgentTime, type SurveyResponse } from '@cdrflow/schema';
import { call } from '../../../test/support/records';
import { PendingPartition } from '../src/pending';

const NINE = Date.UTC(2020, 5, 1, 9, 0, 0);

function survey(id: string, version: number): SurveyResponse {
  return {
    schema: 'survey.v1',
    id,
    version,
    source: 'v',
    at: NINE,
    callId: null,
    score: 4,
    scale: 5,
    satisfied: true,
    file: 'surveys.csv',
    line: version,
  };
}

function agentTime(agent: string, version: number): AgentTime {
  return {
    schema: 'agent_time.v1',
    id: `p:agent:${agent}:${NINE}`,
    version,
    source: 'p',
    agent,
    intervalStart: NINE,
    loggedInMs: 60_000,
    pausedMs: 0,
    ringsNotAnswered: {},
    pausedByReasonMs: {},
    file: 'queue_log',
    line: version,
  };
}

const reject = (line: number) => makeReject({ source: 'p', file: 'a.log', line }, 'bad_time', 'bad', 'raw');

/** Each held call as id@version/line, so which copy was kept shows. */
const held = (p: PendingPartition) => [...p.calls.values()].map((c) => `${c.id}@${c.version}/${c.line}`);

describe('PendingPartition', () => {
  it('starts empty at the committed offset, with nothing to commit', () => {
    const p = new PendingPartition('cdrflow.calls.v1', 3, 120);
    expect(p).toMatchObject({ topic: 'cdrflow.calls.v1', partition: 3, committedOffset: 120, nextOffset: 120 });
    expect(p.calls.size + p.surveys.size + p.agentTimes.size + p.rejects.length).toBe(0);
    expect([p.received, p.supersededInWindow]).toEqual([0, 0]);
    expect(p.advanced).toBe(false);
  });

  it('has something to commit once a message past the committed offset is held, even a duplicate', () => {
    const p = new PendingPartition('t', 0, 120);
    p.nextOffset = 121;
    expect(p.advanced).toBe(true);
    p.committedOffset = 121;
    expect(p.advanced).toBe(false);
  });

  it('holds the newest version of each id whatever order they arrive in; every repeat counts as superseded', () => {
    const p = new PendingPartition('t', 0, 0);
    p.addCall(call({ id: 'p:1', version: 2, line: 10 }));
    p.addCall(call({ id: 'p:1', version: 1, line: 11 })); // older: dropped
    p.addCall(call({ id: 'p:2', version: 1, line: 12 }));
    p.addCall(call({ id: 'p:2', version: 3, line: 13 })); // newer: replaces
    p.addCall(call({ id: 'p:2', version: 3, line: 14 })); // same version again: the first copy stays
    expect(held(p)).toEqual(['p:1@2/10', 'p:2@3/13']);
    expect(p.received).toBe(5);
    expect(p.supersededInWindow).toBe(3);
  });

  it('dedupes calls, surveys and agent time separately, by id within each', () => {
    const p = new PendingPartition('t', 0, 0);
    p.addCall(call({ id: 'x:1', version: 1 }));
    p.addSurvey(survey('x:1', 1)); // the same id string in another kind is another record
    p.addSurvey(survey('x:1', 2));
    p.addAgentTime(agentTime('Agent/1001', 300));
    p.addAgentTime(agentTime('Agent/1001', 901));
    p.addAgentTime(agentTime('Agent/1002', 901));
    p.addAgentTime(agentTime('Agent/1001', 450)); // a provisional record arriving after the complete one
    expect([...p.calls.keys()]).toEqual(['x:1']);
    expect([...p.surveys.values()].map((s) => [s.id, s.version])).toEqual([['x:1', 2]]);
    expect([...p.agentTimes.values()].map((a) => [a.agent, a.version])).toEqual([
      ['Agent/1001', 901],
      ['Agent/1002', 901],
    ]);
    expect(p.received).toBe(7);
    expect(p.supersededInWindow).toBe(3);
  });

  it('keeps every reject in arrival order: rejects have no id and are never superseded', () => {
    const p = new PendingPartition('t', 0, 0);
    p.addReject(reject(2));
    p.addReject(reject(1));
    p.addReject(reject(2));
    expect(p.rejects.map((r) => r.line)).toEqual([2, 1, 2]);
    expect([p.received, p.supersededInWindow]).toEqual([3, 0]);
  });

  it('drain hands the window over and starts an empty one at the same offsets', () => {
    const p = new PendingPartition('t', 1, 100);
    p.addCall(call({ id: 'p:1' }));
    p.addCall(call({ id: 'p:1' }));
    p.addSurvey(survey('v:1', 1));
    p.addAgentTime(agentTime('Agent/1001', 901));
    p.addReject(reject(7));
    p.nextOffset = 105;
    const drained = p.drain();

    expect(drained).toMatchObject({
      topic: 't',
      partition: 1,
      committedOffset: 100,
      nextOffset: 105,
      received: 5,
      supersededInWindow: 1,
    });
    expect([drained.calls.size, drained.surveys.size, drained.agentTimes.size, drained.rejects.length]).toEqual([
      1, 1, 1, 1,
    ]);
    // The live window continues from where the drained one stopped reading, with nothing held.
    expect(p).toMatchObject({ committedOffset: 100, nextOffset: 105, received: 0, supersededInWindow: 0 });
    expect([p.calls.size, p.surveys.size, p.agentTimes.size, p.rejects.length]).toEqual([0, 0, 0, 0]);
    expect(p.advanced).toBe(true);

    // What arrives afterwards goes to the live window only.
    p.addCall(call({ id: 'p:2' }));
    expect([...drained.calls.keys()]).toEqual(['p:1']);
    expect([...p.calls.keys()]).toEqual(['p:2']);
  });

  it('restore puts a failed flush’s window back in front of what arrived since; newer versions still win', () => {
    const p = new PendingPartition('t', 0, 100);
    p.addCall(call({ id: 'p:1', version: 1, line: 1 }));
    p.addCall(call({ id: 'p:2', version: 2, line: 2 }));
    p.addCall(call({ id: 'p:3', version: 1, line: 3 }));
    p.addCall(call({ id: 'p:3', version: 1, line: 4 })); // superseded in the first window
    p.addSurvey(survey('v:1', 1));
    p.addReject(reject(1));
    p.nextOffset = 106;
    const failed = p.drain();

    p.addCall(call({ id: 'p:1', version: 2, line: 11 })); // newer than the held one: replaces it
    p.addCall(call({ id: 'p:2', version: 1, line: 12 })); // older: the held one stays
    p.addCall(call({ id: 'p:3', version: 1, line: 13 })); // the same version: the earlier copy stays
    p.addCall(call({ id: 'p:4', version: 1, line: 14 }));
    p.addAgentTime(agentTime('Agent/1001', 901));
    p.addReject(reject(2));
    p.nextOffset = 112;
    p.restore(failed);

    expect(held(p)).toEqual(['p:1@2/11', 'p:2@2/2', 'p:3@1/3', 'p:4@1/14']);
    expect([...p.surveys.keys()]).toEqual(['v:1']);
    expect([...p.agentTimes.values()].map((a) => a.agent)).toEqual(['Agent/1001']);
    expect(p.rejects.map((r) => r.line)).toEqual([1, 2]);
    // The two windows' own counts, added: the ids both held (p:1, p:2, p:3) are not counted again as superseded.
    expect(p).toMatchObject({ committedOffset: 100, nextOffset: 112, received: 12, supersededInWindow: 1 });
  });
});
