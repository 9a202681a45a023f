import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  decodeRecord,
  encodeRecord,
  parseAgentTime,
  parseCallRecord,
  RecordInvalidError,
  type AgentTime,
  type CallRecord,
} from '@cdrflow/schema';

const call: CallRecord = {
  schema: 'call.v1',
  rebuilt: false,
  id: 'pbx:1590994800.42',
  contactId: 'pbx:1590994800.42',
  stint: 1,
  version: 3,
  source: 'pbx',
  channel: 'phone',
  direction: 'inbound',
  queue: 'housing',
  service: 'Housing',
  arrivedAt: Date.UTC(2020, 5, 1, 8, 0, 0),
  answeredAt: Date.UTC(2020, 5, 1, 8, 1, 5),
  endedAt: Date.UTC(2020, 5, 1, 8, 5, 0),
  waitMs: 65_000,
  talkMs: 235_000,
  outcome: 'answered',
  exitKey: null,
  callerKey: 'k1',
  agent: 'SIP/201',
  file: 'queue_log',
  line: 7,
};

describe('stable JSON encoding', () => {
  it('round-trips a call record exactly', () => {
    expect(decodeRecord(encodeRecord(call))).toEqual(call);
  });

  it('encodes the same record to the same bytes whatever its key order', () => {
    const shuffled = Object.fromEntries(Object.entries(call).reverse()) as CallRecord;
    expect(encodeRecord(shuffled)).toBe(encodeRecord(call));
  });

  it('names every failing field', () => {
    const bad = { ...call, waitMs: -1, answeredAt: call.arrivedAt - 1 };
    expect(() => parseCallRecord(bad)).toThrow(RecordInvalidError);
    try {
      parseCallRecord(bad);
    } catch (e: unknown) {
      const message = (e as Error).message;
      expect(message).toContain('waitMs');
      expect(message).toContain(`answeredAt: is before arrivedAt (got ${call.arrivedAt - 1})`);
    }
  });

  it('rejects unknown fields and unknown schemas', () => {
    expect(() => parseCallRecord({ ...call, callerNumber: '01234' })).toThrow(/callerNumber|Unrecognized/);
    expect(() => decodeRecord('{"schema":"call.v0"}')).toThrow(/call.v0/);
    expect(() => decodeRecord('not json')).toThrow(/not JSON/);
  });

  it('catches an epoch given in seconds instead of milliseconds', () => {
    expect(() => parseCallRecord({ ...call, arrivedAt: 1590994800, answeredAt: null })).toThrow(/arrivedAt/);
  });
});

describe('agent_time.v1', () => {
  const start = Date.UTC(2024, 0, 1, 9, 15);
  const agentTime: AgentTime = {
    schema: 'agent_time.v1',
    id: `pbx:agent:Agent/1001:${start}`,
    version: 901,
    source: 'pbx',
    agent: 'Agent/1001',
    intervalStart: start,
    loggedInMs: 900_000,
    pausedMs: 120_000,
    ringsNotAnswered: { housing: 2 },
    pausedByReasonMs: { lunch: 100_000, '': 20_000 },
    file: 'queue_log',
    line: 3,
  };

  it('round-trips through the stable encoding and decodeRecord', () => {
    expect(decodeRecord(encodeRecord(agentTime))).toEqual(agentTime);
    const shuffled = Object.fromEntries(Object.entries(agentTime).reverse()) as AgentTime;
    expect(encodeRecord(shuffled)).toBe(encodeRecord(agentTime));
  });

  it('refuses a misaligned interval, more than 15 minutes, paused above logged in, or an id that does not match', () => {
    expect(() =>
      parseAgentTime({ ...agentTime, intervalStart: start + 1, id: `pbx:agent:Agent/1001:${start + 1}` }),
    ).toThrow(/intervalStart: must be on a 15-minute UTC boundary/);
    expect(() => parseAgentTime({ ...agentTime, loggedInMs: 900_001 })).toThrow(/loggedInMs/);
    expect(() => parseAgentTime({ ...agentTime, loggedInMs: 60_000 })).toThrow(/pausedMs: is more than loggedInMs/);
    expect(() => parseAgentTime({ ...agentTime, agent: 'SIP/1' })).toThrow(/id: must be/);
    expect(() => parseAgentTime({ ...agentTime, pausedByReasonMs: { lunch: 120_001 } })).toThrow(
      /pausedByReasonMs: adds up to more than pausedMs/,
    );
    expect(() => parseAgentTime({ ...agentTime, ringsNotAnswered: { housing: 0 } })).toThrow(/ringsNotAnswered/);
  });

  it('reads a record written before rings and pause reasons were collected as having none', () => {
    const before: Partial<AgentTime> = { ...agentTime };
    delete before.ringsNotAnswered;
    delete before.pausedByReasonMs;
    expect(decodeRecord(JSON.stringify(before))).toEqual({ ...agentTime, ringsNotAnswered: {}, pausedByReasonMs: {} });
    const fields = Object.keys(before).filter((k) => k !== 'schema');
    const envelope = {
      envelope: 'rows.v1',
      schema: 'agent_time.v1',
      fields,
      rows: [fields.map((f) => (before as Record<string, unknown>)[f])],
    };
    expect(decodeMessage(JSON.stringify(envelope)).records).toEqual([
      { ...agentTime, ringsNotAnswered: {}, pausedByReasonMs: {} },
    ]);
  });
});
