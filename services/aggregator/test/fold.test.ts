import { describe, expect, it } from 'vitest';
import { emptyCallAccumulator, type CallAccumulator, type StoredCall, type StoredSurvey } from '@cdrflow/kpi';
import type { AgentTime, CallRecord, SurveyResponse } from '@cdrflow/schema';
import { call } from '../../../test/support/records';
import { foldWindow, type StoredVersions } from '../src/fold';
import { PendingPartition } from '../src/pending';

// call() puts a call at 09:00:00 UTC on 1 June 2020, answered after 60 s and talking 120 s.
const NINE = Date.UTC(2020, 5, 1, 9, 0, 0);
const QUARTER_HOUR = 15 * 60_000;

/**
 * An accumulator written out by hand: the sums given, every other count 0.
 * Bucket indexes follow WAIT_BUCKET_BOUNDS_SECONDS (5, 10, 15, 20, 30, 45, 60, 90, …):
 * a wait of 30 s falls in bucket 4, 60 s in bucket 6 and 90 s in bucket 7.
 */
function acc(
  sums: Partial<Omit<CallAccumulator, 'answeredWaitBuckets' | 'abandonedWaitBuckets'>>,
  buckets: { answered?: Record<number, number>; abandoned?: Record<number, number> } = {},
): CallAccumulator {
  const out = { ...emptyCallAccumulator(), ...sums };
  for (const [i, n] of Object.entries(buckets.answered ?? {})) out.answeredWaitBuckets[Number(i)] = n;
  for (const [i, n] of Object.entries(buckets.abandoned ?? {})) out.abandonedWaitBuckets[Number(i)] = n;
  return out;
}

/** What call() contributes with sign +1: one answered contact, waited 60 s, talked 120 s. */
const ONE_ANSWERED = acc(
  { contacts: 1, answered: 1, waitAnsweredMs: 60_000, waitAllMs: 60_000, talkMs: 120_000, maxWaitMs: 60_000 },
  { answered: { 6: 1 } },
);

const HOUSING = { source: 'p', channel: 'phone', direction: 'inbound', queue: 'housing', service: 'Housing' } as const;

function survey(overrides: Partial<SurveyResponse> & { id: string }): SurveyResponse {
  return {
    schema: 'survey.v1',
    version: 1,
    source: overrides.id.split(':')[0] ?? 'test',
    at: NINE,
    callId: null,
    score: 5,
    scale: 5,
    satisfied: true,
    file: 'surveys.csv',
    line: 1,
    ...overrides,
  };
}

function agentTime(overrides: Partial<AgentTime> & { agent: string }): AgentTime {
  const intervalStart = overrides.intervalStart ?? NINE;
  return {
    schema: 'agent_time.v1',
    id: `p:agent:${overrides.agent}:${intervalStart}`,
    version: 901,
    source: 'p',
    intervalStart,
    loggedInMs: QUARTER_HOUR,
    pausedMs: 0,
    ringsNotAnswered: {},
    pausedByReasonMs: {},
    file: 'queue_log',
    line: 1,
    ...overrides,
  };
}

/** A window holding these records, added in this order. */
function windowOf(records: { calls?: CallRecord[]; surveys?: SurveyResponse[]; agentTimes?: AgentTime[] }) {
  const window = new PendingPartition('cdrflow.calls.v1', 0, 0);
  for (const c of records.calls ?? []) window.addCall(c);
  for (const s of records.surveys ?? []) window.addSurvey(s);
  for (const a of records.agentTimes ?? []) window.addAgentTime(a);
  return window;
}

function storedOf(records: { calls?: StoredCall[]; surveys?: StoredSurvey[]; agentTimes?: AgentTime[] } = {}) {
  return {
    calls: new Map((records.calls ?? []).map((c) => [c.id, c])),
    surveys: new Map((records.surveys ?? []).map((s) => [s.id, s])),
    agentTimes: new Map((records.agentTimes ?? []).map((a) => [a.id, { version: a.version }])),
  } satisfies StoredVersions;
}

describe('foldWindow: calls', () => {
  it('a version of an id ClickHouse does not hold is kept and adds +1 to its interval, nothing taken back', () => {
    const c = call({ id: 'p:1' });
    const folded = foldWindow(windowOf({ calls: [c] }), storedOf());
    expect(folded.calls).toEqual([c]);
    expect(folded.intervalDeltas).toEqual([{ intervalStartMs: NINE, ...HOUSING, acc: ONE_ANSWERED }]);
    expect(folded.dedupeHits).toBe(0);
    expect(folded.surveys).toEqual([]);
    expect(folded.surveyDeltas).toEqual([]);
    expect(folded.agentTimes).toEqual([]);
  });

  it('new calls of one interval and dimensions add up in one delta; another interval or queue gets its own', () => {
    const folded = foldWindow(
      windowOf({
        calls: [
          call({ id: 'p:1' }),
          call({ id: 'p:2', arrivedAt: NINE + 14 * 60_000 + 59_999, outcome: 'abandoned', waitMs: 30_000 }),
          call({ id: 'p:3', arrivedAt: NINE + QUARTER_HOUR }),
          call({ id: 'p:4', queue: 'benefits', service: 'Benefits' }),
        ],
      }),
      storedOf(),
    );
    expect(folded.calls.map((c) => c.id)).toEqual(['p:1', 'p:2', 'p:3', 'p:4']);
    expect(folded.intervalDeltas).toEqual([
      {
        intervalStartMs: NINE,
        ...HOUSING,
        // An abandoned call adds to the contacts and all-calls wait, not to the answered wait.
        acc: acc(
          {
            contacts: 2,
            answered: 1,
            abandoned: 1,
            waitAnsweredMs: 60_000,
            waitAllMs: 90_000,
            talkMs: 120_000,
            maxWaitMs: 60_000,
          },
          { answered: { 6: 1 }, abandoned: { 4: 1 } },
        ),
      },
      { intervalStartMs: NINE + QUARTER_HOUR, ...HOUSING, acc: ONE_ANSWERED },
      { intervalStartMs: NINE, ...HOUSING, queue: 'benefits', service: 'Benefits', acc: ONE_ANSWERED },
    ]);
  });

  it('keeps every direction and channel: outbound calls get deltas too (KPIs filter them later)', () => {
    const folded = foldWindow(
      windowOf({ calls: [call({ id: 'p:1', direction: 'outbound' }), call({ id: 'p:2', channel: 'face_to_face' })] }),
      storedOf(),
    );
    expect(folded.intervalDeltas).toEqual([
      { intervalStartMs: NINE, ...HOUSING, direction: 'outbound', acc: ONE_ANSWERED },
      { intervalStartMs: NINE, ...HOUSING, channel: 'face_to_face', acc: ONE_ANSWERED },
    ]);
  });

  it.each([
    ['the same version', 1, 1],
    ['a newer version', 3, 2],
  ])('a call when ClickHouse already holds %s is a dedupe hit: not written, no delta', (_what, stored, held) => {
    const folded = foldWindow(
      windowOf({ calls: [call({ id: 'p:1', version: held })] }),
      storedOf({ calls: [call({ id: 'p:1', version: stored })] }),
    );
    expect(folded).toEqual({
      calls: [],
      surveys: [],
      agentTimes: [],
      intervalDeltas: [],
      surveyDeltas: [],
      dedupeHits: 1,
    });
  });

  it('a newer version replacing a stored one in the same interval nets to the difference: −1 for the old, +1 for the new', () => {
    const before = call({ id: 'p:1', version: 1, waitMs: 60_000 });
    const after = call({ id: 'p:1', version: 2, waitMs: 90_000, arrivedAt: NINE + 60_000 });
    const folded = foldWindow(windowOf({ calls: [after] }), storedOf({ calls: [before] }));
    expect(folded.calls).toEqual([after]);
    expect(folded.dedupeHits).toBe(0);
    expect(folded.intervalDeltas).toEqual([
      {
        intervalStartMs: NINE,
        ...HOUSING,
        // Counts cancel; the wait moves 30 s up and from the 60 s bucket to the 90 s one. A maximum
        // cannot be taken back, so maxWaitMs is the new call's (the retraction contributes 0).
        acc: acc(
          { contacts: 0, answered: 0, waitAnsweredMs: 30_000, waitAllMs: 30_000, talkMs: 0, maxWaitMs: 90_000 },
          { answered: { 6: -1, 7: 1 } },
        ),
      },
    ]);
  });

  it('a newer version that moves a call to another interval and queue retracts it there and adds it here', () => {
    const before = call({ id: 'p:1', version: 1, outcome: 'abandoned', waitMs: 30_000 });
    const after = call({
      id: 'p:1',
      version: 4,
      queue: 'benefits',
      service: 'Benefits',
      arrivedAt: NINE + QUARTER_HOUR,
    });
    const folded = foldWindow(windowOf({ calls: [after] }), storedOf({ calls: [before] }));
    expect(folded.intervalDeltas).toEqual([
      {
        intervalStartMs: NINE,
        ...HOUSING,
        acc: acc({ contacts: -1, abandoned: -1, waitAllMs: -30_000 }, { abandoned: { 4: -1 } }),
      },
      {
        intervalStartMs: NINE + QUARTER_HOUR,
        ...HOUSING,
        queue: 'benefits',
        service: 'Benefits',
        acc: ONE_ANSWERED,
      },
    ]);
  });

  it('versions superseded inside the window count as dedupe hits with those against ClickHouse', () => {
    const window = windowOf({
      calls: [
        call({ id: 'p:1', version: 1 }),
        call({ id: 'p:1', version: 2, waitMs: 90_000 }),
        call({ id: 'p:1', version: 2 }), // a redelivery of version 2: superseded too, and not kept
        call({ id: 'p:2', version: 5 }),
      ],
    });
    expect(window.supersededInWindow).toBe(2);
    const folded = foldWindow(window, storedOf({ calls: [call({ id: 'p:2', version: 5 })] }));
    expect(folded.dedupeHits).toBe(3);
    expect(folded.calls.map((c) => [c.id, c.version, c.waitMs])).toEqual([['p:1', 2, 90_000]]);
    expect(folded.intervalDeltas).toEqual([
      {
        intervalStartMs: NINE,
        ...HOUSING,
        acc: acc(
          { contacts: 1, answered: 1, waitAnsweredMs: 90_000, waitAllMs: 90_000, talkMs: 120_000, maxWaitMs: 90_000 },
          { answered: { 7: 1 } },
        ),
      },
    ]);
  });

  it('leaves the window and the stored versions as they were', () => {
    const window = windowOf({ calls: [call({ id: 'p:1', version: 2 })] });
    const stored = storedOf({ calls: [call({ id: 'p:1', version: 1 })] });
    foldWindow(window, stored);
    expect([...window.calls.keys()]).toEqual(['p:1']);
    expect(stored.calls.get('p:1')?.version).toBe(1);
  });
});

describe('foldWindow: surveys', () => {
  it('a new response adds +1 response (and +1 satisfied if so) to its interval and source', () => {
    const s = survey({ id: 'v:1', at: NINE + 20 * 60_000 });
    const folded = foldWindow(windowOf({ surveys: [s, survey({ id: 'v:2', satisfied: false })] }), storedOf());
    expect(folded.surveys).toEqual([s, survey({ id: 'v:2', satisfied: false })]);
    expect(folded.surveyDeltas).toEqual([
      { intervalStartMs: NINE + QUARTER_HOUR, source: 'v', acc: { responses: 1, satisfied: 1 } },
      { intervalStartMs: NINE, source: 'v', acc: { responses: 1, satisfied: 0 } },
    ]);
    expect(folded.intervalDeltas).toEqual([]);
    expect(folded.dedupeHits).toBe(0);
  });

  it('a newer version retracts the stored one: satisfied → not satisfied nets to 0 responses, −1 satisfied', () => {
    const folded = foldWindow(
      windowOf({ surveys: [survey({ id: 'v:1', version: 2, satisfied: false, score: 1 })] }),
      storedOf({ surveys: [survey({ id: 'v:1', version: 1, satisfied: true })] }),
    );
    expect(folded.surveys.map((s) => [s.id, s.version])).toEqual([['v:1', 2]]);
    expect(folded.surveyDeltas).toEqual([{ intervalStartMs: NINE, source: 'v', acc: { responses: 0, satisfied: -1 } }]);
  });

  it('a response not newer than the stored version is a dedupe hit', () => {
    const folded = foldWindow(
      windowOf({ surveys: [survey({ id: 'v:1', version: 1 }), survey({ id: 'v:2', version: 1 })] }),
      storedOf({ surveys: [survey({ id: 'v:1', version: 1 }), survey({ id: 'v:2', version: 2 })] }),
    );
    expect(folded.surveys).toEqual([]);
    expect(folded.surveyDeltas).toEqual([]);
    expect(folded.dedupeHits).toBe(2);
  });
});

describe('foldWindow: agent time', () => {
  it('keeps records newer than the stored version, with no deltas (staffing reads the latest version)', () => {
    const fresh = agentTime({ agent: 'Agent/1001' });
    const later = agentTime({ agent: 'Agent/1002', version: 901 });
    const folded = foldWindow(
      windowOf({ agentTimes: [fresh, later, agentTime({ agent: 'Agent/1003', version: 300 })] }),
      storedOf({
        agentTimes: [
          agentTime({ agent: 'Agent/1002', version: 450 }),
          agentTime({ agent: 'Agent/1003', version: 300 }),
        ],
      }),
    );
    expect(folded.agentTimes).toEqual([fresh, later]);
    expect(folded.intervalDeltas).toEqual([]);
    expect(folded.surveyDeltas).toEqual([]);
    expect(folded.dedupeHits).toBe(1);
  });
});

describe('foldWindow: dedupe hits', () => {
  it('adds up the window’s superseded versions and the calls, surveys and agent times ClickHouse already holds', () => {
    const window = windowOf({
      calls: [call({ id: 'p:1' }), call({ id: 'p:1' }), call({ id: 'p:2', version: 2 })],
      surveys: [survey({ id: 'v:1' }), survey({ id: 'v:1', version: 2 })],
      agentTimes: [agentTime({ agent: 'Agent/1001', version: 10 })],
    });
    const folded = foldWindow(
      window,
      storedOf({
        calls: [call({ id: 'p:2', version: 2 })],
        surveys: [survey({ id: 'v:1', version: 2 })],
        agentTimes: [agentTime({ agent: 'Agent/1001', version: 901 })],
      }),
    );
    // 2 superseded in the window (p:1 repeated, v:1 replaced) + 1 call + 1 survey + 1 agent time stored.
    expect(folded.dedupeHits).toBe(5);
    expect(folded.calls.map((c) => c.id)).toEqual(['p:1']);
    expect(folded.surveys).toEqual([]);
    expect(folded.agentTimes).toEqual([]);
  });
});
