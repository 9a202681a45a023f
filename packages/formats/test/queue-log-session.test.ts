import { parseCallRecord, type CallRecord, type Reject } from '@cdrflow/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  QueueLogConfigError,
  QueueLogSession,
  QueueLogStateError,
  type QueueLogSessionOptions,
} from '../src/queue-log/queue-log-session';
import type { FileParser, ParseBatch } from '../src/types';

/** A fake pseudonym that keeps no digit of the number: each digit becomes a letter. */
function pseudo(n: string): string {
  return `k-${[...n].map((c) => (c >= '0' && c <= '9' ? String.fromCharCode(97 + Number(c)) : c)).join('')}`;
}

const T = 1_700_000_000; // 2023-11-14T22:13:20Z
const ms = (offsetSec: number): number => (T + offsetSec) * 1000;

function session(extra: Partial<QueueLogSessionOptions> = {}): QueueLogSession {
  return new QueueLogSession({
    source: 'pbx',
    form: 'file',
    queueServices: { sales: 'Revenues', housing: 'Housing' },
    pseudonymise: pseudo,
    ...extra,
  });
}

interface Collected {
  calls: CallRecord[];
  rejects: Reject[];
}

/** Every record emitted, in order; each must pass the real schema; rejects are returned as they are. */
function collectAll(batches: ParseBatch[]): Collected {
  const out: Collected = { calls: [], rejects: [] };
  for (const b of batches) {
    for (const c of b.calls) out.calls.push(parseCallRecord(c));
    out.rejects.push(...b.rejects);
  }
  return out;
}

/**
 * What the aggregator keeps: the latest version of each id, in the order the
 * latest versions were emitted. An equal or older version must not differ.
 */
function latest(calls: readonly CallRecord[]): CallRecord[] {
  const byId = new Map<string, CallRecord>();
  for (const c of calls) {
    const had = byId.get(c.id);
    if (had !== undefined && had.version >= c.version) {
      if (had.version === c.version) expect(c).toEqual(had);
      continue;
    }
    byId.delete(c.id);
    byId.set(c.id, c);
  }
  return [...byId.values()];
}

/** collectAll, then the latest version of each id. */
function collect(batches: ParseBatch[]): Collected {
  const all = collectAll(batches);
  return { calls: latest(all.calls), rejects: all.rejects };
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Lines `offset|rest` relative to T, joined with LF. */
function log(...lines: [number, string][]): string {
  return lines.map(([o, rest]) => `${T + o}|${rest}`).join('\n') + '\n';
}

function readWhole(parser: FileParser, data: Uint8Array | string): ParseBatch[] {
  return [parser.push(typeof data === 'string' ? bytes(data) : data), parser.end()];
}

function readFile(s: QueueLogSession, file: string, text: string | Uint8Array): Collected {
  return collect(readWhole(s.openFile(file), text));
}

/** A record with the fields every queue_log record shares filled in. */
function rec(fields: Partial<CallRecord> & Pick<CallRecord, 'id' | 'queue' | 'arrivedAt' | 'outcome'>): CallRecord {
  const base: CallRecord = {
    schema: 'call.v1',
    rebuilt: false,
    id: fields.id,
    contactId: fields.id,
    stint: 1,
    version: 8,
    source: 'pbx',
    channel: 'phone',
    direction: 'inbound',
    queue: fields.queue,
    service: fields.queue === 'sales' ? 'Revenues' : fields.queue === 'housing' ? 'Housing' : '',
    arrivedAt: fields.arrivedAt,
    answeredAt: null,
    endedAt: null,
    waitMs: 0,
    talkMs: 0,
    outcome: fields.outcome,
    exitKey: null,
    callerKey: null,
    agent: null,
    file: 'q.log',
    line: 0,
  };
  return { ...base, ...fields };
}

function expectNoRawNumber(value: unknown, number: string): void {
  expect(JSON.stringify(value)).not.toContain(number);
}

const CALLER = '07700900123';
const ENTER = `c1|sales|NONE|ENTERQUEUE||${CALLER}|1`;
/** c1 entered sales at T, answered at T+20 after a 20 s hold, talked 120 s. */
const ANSWERED_CALL = log(
  [0, ENTER],
  [20, 'c1|sales|SIP/202|CONNECT|20|u1|3'],
  [140, 'c1|sales|SIP/202|COMPLETECALLER|20|120|1'],
);

describe('QueueLogSession: one stint per queue', () => {
  it('folds ENTERQUEUE, CONNECT, COMPLETECALLER into one answered record', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, ENTER],
        [12, 'c1|sales|SIP/201|RINGNOANSWER|15000'],
        [20, 'c1|sales|SIP/202|CONNECT|20|1700000015.2|3'],
        [140, 'c1|sales|SIP/202|COMPLETECALLER|20|120|1'],
      ),
    );
    // wait = CONNECT/COMPLETE holdtime 20 s; talk = calltime 120 s; version = 2 × 3 events + 4 for the close.
    expect(got).toEqual({
      calls: [
        rec({
          id: 'pbx:c1',
          queue: 'sales',
          version: 10,
          arrivedAt: ms(0),
          answeredAt: ms(20),
          endedAt: ms(140),
          waitMs: 20_000,
          talkMs: 120_000,
          outcome: 'answered',
          callerKey: pseudo(CALLER),
          agent: 'SIP/202',
          line: 4,
        }),
      ],
      rejects: [],
    });
    expectNoRawNumber(got.calls, CALLER);
  });

  it('takes the callerid of both ENTERQUEUE forms, and no key for empty, unknown or anonymous', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, `c1|sales|NONE|ENTERQUEUE||${CALLER}`],
        [1, 'c2|sales|NONE|ENTERQUEUE|http://crm|07700900456|2|Jo Bloggs'],
        [2, 'c3|sales|NONE|ENTERQUEUE||anonymous|3'],
        [3, 'c4|sales|NONE|ENTERQUEUE||Unknown|4'],
        [4, 'c5|sales|NONE|ENTERQUEUE|||5'],
        [10, 'c1|sales|NONE|ABANDON|1|1|10'],
        [10, 'c2|sales|NONE|ABANDON|1|2|9'],
        [10, 'c3|sales|NONE|ABANDON|1|3|8'],
        [10, 'c4|sales|NONE|ABANDON|1|4|7'],
        [10, 'c5|sales|NONE|ABANDON|1|5|6'],
      ),
    );
    expect(got.calls.map((c) => [c.id, c.callerKey, c.waitMs])).toEqual([
      ['pbx:c1', pseudo(CALLER), 10_000],
      ['pbx:c2', pseudo('07700900456'), 9_000],
      ['pbx:c3', null, 8_000],
      ['pbx:c4', null, 7_000],
      ['pbx:c5', null, 6_000],
    ]);
  });

  it('gives each exit its outcome and takes the wait from the event, not the timestamps', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, 'a|sales|NONE|ENTERQUEUE||07700900001|1'],
        [46, 'a|sales|NONE|ABANDON|3|1|45'], // wait 45 s although 46 s passed: the figure is authoritative
        [0, 'b|sales|NONE|ENTERQUEUE||07700900002|2'],
        [300, 'b|sales|NONE|EXITWITHTIMEOUT|1|2|300'],
        [0, 'c|housing|NONE|ENTERQUEUE||07700900003|1'],
        [5, 'c|housing|NONE|EXITEMPTY|1|1|5'],
        [0, 'd|sales|NONE|ENTERQUEUE||07700900004|3'],
        [30, 'd|sales|NONE|EXITWITHKEY|5|2|3|30'],
        [0, 'e|housing|NONE|ENTERQUEUE||07700900005|2'],
        [31, 'e|housing|NONE|WITHDRAW|1|2|31|moved|to callback'],
      ),
    );
    expect(got.rejects).toEqual([]);
    expect(got.calls).toEqual(
      [
        rec({ id: 'pbx:a', queue: 'sales', arrivedAt: ms(0), endedAt: ms(46), waitMs: 45_000, outcome: 'abandoned' }),
        rec({ id: 'pbx:b', queue: 'sales', arrivedAt: ms(0), endedAt: ms(300), waitMs: 300_000, outcome: 'timeout' }),
        rec({ id: 'pbx:c', queue: 'housing', arrivedAt: ms(0), endedAt: ms(5), waitMs: 5_000, outcome: 'exit_empty' }),
        rec({
          id: 'pbx:d',
          queue: 'sales',
          arrivedAt: ms(0),
          endedAt: ms(30),
          waitMs: 30_000,
          outcome: 'exit_key',
          exitKey: '5',
        }),
        rec({ id: 'pbx:e', queue: 'housing', arrivedAt: ms(0), endedAt: ms(31), waitMs: 31_000, outcome: 'withdrawn' }),
      ].map((r, i) => ({ ...r, callerKey: pseudo(`0770090000${i + 1}`), line: 2 * i + 2 })),
    );
  });

  it('falls back to timestamps only for the 1.4 exit forms that carry no wait', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, 'a|sales|NONE|ENTERQUEUE||07700900001'],
        [25, 'a|sales|NONE|EXITWITHKEY|*|2'],
        [0, 'b|sales|NONE|ENTERQUEUE||07700900002'],
        [60, 'b|sales|NONE|EXITWITHTIMEOUT|1'],
      ),
    );
    // 25 − 0 = 25 s and 60 − 0 = 60 s.
    expect(got.calls.map((c) => [c.id, c.outcome, c.exitKey, c.waitMs])).toEqual([
      ['pbx:a', 'exit_key', '*', 25_000],
      ['pbx:b', 'timeout', null, 60_000],
    ]);
  });

  it('counts TRANSFER (≤ 11), BLINDTRANSFER and ATTENDEDTRANSFER as answered with their talk time', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, 't|sales|NONE|ENTERQUEUE||07700900001|1'],
        [15, 't|sales|SIP/201|CONNECT|15|u1'],
        [105, 't|sales|SIP/201|TRANSFER|2000|from-internal|15|90'],
        [0, 'b|sales|NONE|ENTERQUEUE||07700900002|1'],
        [10, 'b|sales|SIP/202|CONNECT|10|u2|2'],
        [70, 'b|sales|SIP/202|BLINDTRANSFER|2000|from-internal|10|60|1'],
        [0, 'a|housing|NONE|ENTERQUEUE||07700900003|1'],
        [12, 'a|housing|SIP/203|CONNECT|12|u3|2'],
        [192, 'a|housing|SIP/203|ATTENDEDTRANSFER|LINK|SIP/203-01|SIP/305-02|12|180|1'],
        [0, 'p|housing|NONE|ENTERQUEUE||07700900004|1'],
        [8, 'p|housing|SIP/204|CONNECT|8|u4|2'],
        [38, 'p|housing|SIP/204|ATTENDEDTRANSFER|APP|Voicemail|8|30|1'],
      ),
    );
    expect(
      got.calls.map((c) => [c.id, c.outcome, c.answeredAt, c.endedAt, c.waitMs, c.talkMs, c.agent, c.version]),
    ).toEqual([
      ['pbx:t', 'answered', ms(15), ms(105), 15_000, 90_000, 'SIP/201', 10],
      ['pbx:b', 'answered', ms(10), ms(70), 10_000, 60_000, 'SIP/202', 10],
      ['pbx:a', 'answered', ms(12), ms(192), 12_000, 180_000, 'SIP/203', 10],
      ['pbx:p', 'answered', ms(8), ms(38), 8_000, 30_000, 'SIP/204', 10],
    ]);
  });

  it('closes a SYSCOMPAT stint as `other` and consumes AGENTDUMP, PENALTY and RINGINUSE (app_queue.c)', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, 's|sales|NONE|ENTERQUEUE||07700900001|1'],
        [3, 'NONE|sales|SIP/201|PENALTY|2'],
        [4, 'NONE|sales|SIP/201|RINGINUSE|0'],
        // The agent hung up during the announcement: the caller waits on and is answered later.
        [20, 'd|sales|NONE|ENTERQUEUE||07700900002|2'],
        [30, 'd|sales|SIP/202|AGENTDUMP|'],
        [40, 's|sales|SIP/201|SYSCOMPAT|'],
        [50, 'd|sales|SIP/203|CONNECT|30|u3|2'],
        [110, 'd|sales|SIP/203|COMPLETECALLER|30|60|2'],
        // No ENTERQUEUE read and no wait in the data: nothing to rebuild it from.
        [120, 'x|sales|SIP/201|SYSCOMPAT|'],
      ),
    );
    // s: dropped at 40 after entering at 0, so a 40 s wait; d: answered as if AGENTDUMP had not happened.
    expect(latest(got.calls).map((c) => [c.id, c.outcome, c.waitMs, c.talkMs, c.agent])).toEqual([
      ['pbx:s', 'other', 40_000, 0, null],
      ['pbx:d', 'answered', 30_000, 60_000, 'SIP/203'],
    ]);
    expect(got.rejects.map((r) => [r.line, r.reason])).toEqual([[9, 'orphan_event']]);
  });

  it('consumes RINGNOANSWER / RINGCANCELED (milliseconds) and rejects a bad one', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, 'c1|sales|SIP/201|RINGNOANSWER|15000'],
        [1, 'c1|sales|SIP/201|RINGCANCELED|4200'],
        [2, 'c1|sales|SIP/201|RINGNOANSWER|15 s'],
      ),
    );
    expect(got).toEqual({
      calls: [],
      rejects: [
        {
          schema: 'reject.v1',
          source: 'pbx',
          file: 'q.log',
          line: 3,
          reason: 'bad_event_data',
          detail: 'RINGNOANSWER data must be ringtime in milliseconds; got "15 s"',
          raw: `${T + 2}|c1|sales|SIP/201|RINGNOANSWER|15 s`,
        },
      ],
    });
  });

  it('gives a call that moves queue one record per stint, sharing contactId', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, `c1|sales|NONE|ENTERQUEUE||${CALLER}|1`],
        [300, 'c1|sales|NONE|EXITWITHTIMEOUT|1|1|300'],
        [301, `c1|housing|NONE|ENTERQUEUE||${CALLER}|1`],
        [331, 'c1|housing|Agent/7|CONNECT|30|u9|4'],
        [451, 'c1|housing|Agent/7|COMPLETEAGENT|30|120|1'],
      ),
    );
    expect(got.calls).toEqual([
      rec({
        id: 'pbx:c1',
        queue: 'sales',
        arrivedAt: ms(0),
        endedAt: ms(300),
        waitMs: 300_000,
        outcome: 'timeout',
        callerKey: pseudo(CALLER),
        line: 2,
      }),
      rec({
        id: 'pbx:c1/2',
        contactId: 'pbx:c1',
        stint: 2,
        version: 10,
        queue: 'housing',
        arrivedAt: ms(301),
        answeredAt: ms(331),
        endedAt: ms(451),
        waitMs: 30_000,
        talkMs: 120_000,
        outcome: 'answered',
        callerKey: pseudo(CALLER),
        agent: 'Agent/7',
        line: 5,
      }),
    ]);
  });
});

describe('QueueLogSession: versions', () => {
  it('gives the same records and versions when the same lines are read again by a fresh session', () => {
    const text = ANSWERED_CALL;
    const once = readFile(session(), 'q.log', text);
    expect(once.calls.map((c) => [c.id, c.version])).toEqual([['pbx:c1', 10]]);
    expect(readFile(session(), 'q.log', text)).toEqual(once);
  });
});

describe('QueueLogSession: rotation and open calls', () => {
  const day1 = log(
    [0, ENTER],
    [20, 'c1|sales|SIP/202|CONNECT|20|u1|3'],
    [30, 'c2|sales|NONE|ENTERQUEUE||07700900002|2'],
  );
  const day2 = log([140, 'c1|sales|SIP/202|COMPLETECALLER|20|120|1'], [150, 'c2|sales|NONE|ABANDON|1|2|120']);
  const closed = [
    rec({
      id: 'pbx:c1',
      queue: 'sales',
      version: 10,
      arrivedAt: ms(0),
      answeredAt: ms(20),
      endedAt: ms(140),
      waitMs: 20_000,
      talkMs: 120_000,
      outcome: 'answered',
      callerKey: pseudo(CALLER),
      agent: 'SIP/202',
      file: 'day2.log',
      line: 1,
    }),
    rec({
      id: 'pbx:c2',
      queue: 'sales',
      arrivedAt: ms(30),
      endedAt: ms(150),
      waitMs: 120_000,
      outcome: 'abandoned',
      callerKey: pseudo('07700900002'),
      file: 'day2.log',
      line: 2,
    }),
  ];

  it('carries open calls from one file to the next, whatever the chunking (one byte at a time)', () => {
    const s = session();
    const batches = [];
    for (const [file, text] of [
      ['day1.log', day1],
      ['day2.log', day2],
    ] as const) {
      const parser = s.openFile(file);
      for (const byte of bytes(text)) batches.push(parser.push(Uint8Array.of(byte)));
      batches.push(parser.end());
      if (file === 'day1.log') {
        // Each state as its line is read: c1 queued then answered (its wait known), c2 queued.
        expect(collectAll(batches).calls.map((c) => [c.id, c.version, c.outcome, c.waitMs, c.endedAt])).toEqual([
          ['pbx:c1', 2, 'queued', 0, null],
          ['pbx:c1', 4, 'answered', 20_000, null],
          ['pbx:c2', 2, 'queued', 0, null],
        ]);
        expect(s.openCallCount()).toBe(2);
      }
    }
    expect(collect(batches)).toEqual({ calls: closed, rejects: [] });
    expect(s.openCallCount()).toBe(0);
  });

  it('restores open calls from a JSON snapshot, which holds no caller number', () => {
    const first = session();
    readFile(first, 'day1.log', day1);
    const state = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<QueueLogSession['snapshot']>;
    expectNoRawNumber(state, CALLER);
    expect(state.watermarkMs).toBe(ms(30));
    const second = QueueLogSession.restore(
      { source: 'pbx', form: 'file', queueServices: { sales: 'Revenues' }, pseudonymise: pseudo },
      state,
    );
    expect(second.openCallCount()).toBe(2);
    expect(readFile(second, 'day2.log', day2)).toEqual({ calls: closed, rejects: [] });
  });

  it('refuses a snapshot of another source or format', () => {
    const state = session().snapshot();
    expect(() => QueueLogSession.restore({ source: 'other', form: 'file', pseudonymise: pseudo }, state)).toThrow(
      QueueLogStateError,
    );
    expect(() =>
      QueueLogSession.restore(
        { source: 'pbx', form: 'file', pseudonymise: pseudo },
        { ...state, format: 'v0' as never },
      ),
    ).toThrow('unknown queue_log session state format "v0"');
  });

  it('reports a call still waiting after the timeout as unclosed, keeps a connected one answered, and supersedes both when the close arrives', () => {
    const s = session({ openCallTimeoutMs: 3_600_000 });
    // c1 arrives at T and is answered at T+10; c5 arrives at T and waits; the
    // watermark reaches T+3611 (c9), 3611 s > 3600 s after arrival: c5 is
    // reported unclosed (version 2 + 1), c1 stays answered (its talk time unknown).
    const first = readFile(
      s,
      'day1.log',
      log(
        [0, ENTER],
        [0, 'c5|sales|NONE|ENTERQUEUE||07700900005|2'],
        [10, 'c1|sales|SIP/202|CONNECT|10|u1|3'],
        [3611, 'c9|sales|NONE|ENTERQUEUE||07700900009|1'],
      ),
    );
    const connected = rec({
      id: 'pbx:c1',
      queue: 'sales',
      version: 4,
      arrivedAt: ms(0),
      answeredAt: ms(10),
      waitMs: 10_000,
      outcome: 'answered',
      callerKey: pseudo(CALLER),
      agent: 'SIP/202',
      file: 'day1.log',
      line: 3,
    });
    const unclosed = rec({
      id: 'pbx:c5',
      queue: 'sales',
      version: 3,
      arrivedAt: ms(0),
      outcome: 'unclosed',
      callerKey: pseudo('07700900005'),
      file: 'day1.log',
      line: 2,
    });
    const queued = rec({
      id: 'pbx:c9',
      queue: 'sales',
      version: 2,
      arrivedAt: ms(3611),
      outcome: 'queued',
      callerKey: pseudo('07700900009'),
      file: 'day1.log',
      line: 4,
    });
    expect(first).toEqual({ calls: [unclosed, connected, queued], rejects: [] });
    expect(s.openCallCount()).toBe(1); // c9 only: c1 and c5 passed the timeout
    const second = readFile(
      s,
      'day2.log',
      log([4010, 'c1|sales|SIP/202|COMPLETECALLER|10|4000|1'], [4011, 'c5|sales|NONE|ABANDON|2|2|4011']),
    );
    // 2 × 3 events + 4 = 10 > 4 and 2 × 2 + 4 = 8 > 3: they replace the earlier records.
    expect(second).toEqual({
      calls: [
        {
          ...connected,
          version: 10,
          endedAt: ms(4010),
          talkMs: 4_000_000,
          file: 'day2.log',
          line: 1,
        },
        {
          ...unclosed,
          version: 8,
          outcome: 'abandoned',
          endedAt: ms(4011),
          waitMs: 4_011_000,
          file: 'day2.log',
          line: 2,
        },
      ],
      rejects: [],
    });
  });

  it('expires by the watermark, never the wall clock, and expire() can be called between files', () => {
    const s = session({ openCallTimeoutMs: 60_000 });
    readFile(s, 'a.log', log([0, ENTER], [60, 'c2|sales|NONE|ENTERQUEUE||07700900002|1']));
    // 60 − 0 = 60 s is not more than 60 s: still open.
    expect(s.openCallCount()).toBe(2);
    expect(s.expire()).toEqual({ calls: [], surveys: [], agentTimes: [], rejects: [] });
    readFile(s, 'b.log', log([61, 'NONE|NONE|Agent/1|PAUSE|']));
    // The agent line moved the watermark to T+61: 61 s > 60 s, so c1 was reported at the end of b.log.
    expect(s.openCallCount()).toBe(1);
    expect(s.watermark()).toBe(ms(61));
  });

  it('counts a CONNECT with no ENTERQUEUE as answered, arrival worked back from the hold, never unclosed', () => {
    const s = session({ openCallTimeoutMs: 60_000 });
    const got = readFile(s, 'q.log', log([20, 'c1|sales|SIP/9|CONNECT|20|u1|3'], [100, 'NONE|NONE|NONE|QUEUESTART|']));
    // arrival = 20 − 20 = T; 100 − 0 = 100 s > 60 s: past the timeout, still answered.
    expect(s.openCallCount()).toBe(0);
    expect(got.calls).toEqual([
      rec({
        id: 'pbx:c1',
        queue: 'sales',
        version: 2,
        arrivedAt: ms(0),
        answeredAt: ms(20),
        waitMs: 20_000,
        outcome: 'answered',
        agent: 'SIP/9',
        line: 1,
        rebuilt: true,
      }),
    ]);
  });
});

describe('QueueLogSession: messy logs', () => {
  it('reads a line with a run of NUL bytes glued in front of it', () => {
    const text = '\0'.repeat(12) + log([0, ENTER], [45, 'c1|sales|NONE|ABANDON|1|1|45']);
    expect(readFile(session(), 'q.log', text).calls.map((c) => [c.id, c.outcome, c.arrivedAt])).toEqual([
      ['pbx:c1', 'abandoned', ms(0)],
    ]);
  });

  it('counts an exactly repeated line once and rejects the copy (caller number masked)', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, ENTER],
        [0, ENTER],
        [20, 'c1|sales|SIP/202|CONNECT|20|u1|3'],
        [140, 'c1|sales|SIP/202|COMPLETECALLER|20|120|1'],
        [140, 'c1|sales|SIP/202|COMPLETECALLER|20|120|1'],
      ),
    );
    expect(got.calls.map((c) => [c.id, c.version, c.line])).toEqual([['pbx:c1', 10, 4]]);
    expect(got.rejects).toEqual([
      {
        schema: 'reject.v1',
        source: 'pbx',
        file: 'q.log',
        line: 2,
        reason: 'duplicate_line',
        detail: 'ENTERQUEUE for call c1 was already read',
        raw: `${T}|c1|sales|NONE|ENTERQUEUE||***|1`,
      },
      {
        schema: 'reject.v1',
        source: 'pbx',
        file: 'q.log',
        line: 5,
        reason: 'duplicate_line',
        detail: 'COMPLETECALLER for call c1 was already read',
        raw: `${T + 140}|c1|sales|SIP/202|COMPLETECALLER|20|120|1`,
      },
    ]);
  });

  it('absorbs lines read before from an earlier file, counting them, and rejects a copy within the new file', () => {
    const s = session();
    const call = [
      [0, ENTER],
      [20, 'c1|sales|SIP/202|CONNECT|20|u1|3'],
      [140, 'c1|sales|SIP/202|COMPLETECALLER|20|120|1'],
    ] as [number, string][];
    const first = readWhole(s.openFile('q.log'), log(...call));
    expect(first.reduce((n, b) => n + (b.repeatedLines ?? 0), 0)).toBe(0);
    // A re-export: the same three lines, the COMPLETECALLER twice (a fault of this file), and a new call.
    const again = readWhole(
      s.openFile('q-reexport.log'),
      log(...call, call[2]!, [200, 'c2|sales|NONE|ENTERQUEUE||07700900456|1'], [230, 'c2|sales|NONE|ABANDON|1|1|30']),
    );
    const got = collect(again);
    // 3 lines of c1 absorbed and counted; only the copy inside the re-export is rejected.
    expect(again.reduce((n, b) => n + (b.repeatedLines ?? 0), 0)).toBe(3);
    expect(got.rejects.map((r) => [r.file, r.line, r.reason])).toEqual([['q-reexport.log', 4, 'duplicate_line']]);
    expect(got.calls.map((c) => [c.id, c.outcome])).toEqual([['pbx:c2', 'abandoned']]);
  });

  it('folds events by meaning, not line order (CONNECT read before ENTERQUEUE)', () => {
    const got = readFile(
      session(),
      'q.log',
      log([20, 'c1|sales|SIP/202|CONNECT|20|u1|3'], [0, ENTER], [140, 'c1|sales|SIP/202|COMPLETECALLER|20|120|1']),
    );
    expect(got.calls.map((c) => [c.id, c.version, c.arrivedAt, c.answeredAt, c.callerKey])).toEqual([
      ['pbx:c1', 10, ms(0), ms(20), pseudo(CALLER)],
    ]);
  });

  it('re-emits with a higher version when the ENTERQUEUE is read after the close', () => {
    const got = collectAll(
      readWhole(session().openFile('q.log'), log([45, 'c1|sales|NONE|ABANDON|1|1|45'], [0, ENTER])),
    );
    expect(got.calls.map((c) => [c.id, c.version, c.arrivedAt, c.callerKey, c.rebuilt])).toEqual([
      ['pbx:c1', 6, ms(0), null, true], // rebuilt: 45 − 45 = T
      ['pbx:c1', 8, ms(0), pseudo(CALLER), false], // its ENTERQUEUE read: the new version is not rebuilt
    ]);
  });

  it('marks a stint answered from a CONNECT alone as rebuilt, and its version with the ENTERQUEUE as not', () => {
    const parser = session().openFile('q.log');
    // The CONNECT's push emits the stint answered (version 2: one event); the ENTERQUEUE's push, read
    // later, emits version 4 (two events), which replaces it, so the store retracts version 2's rebuilt 1.
    const first = parser.push(bytes(log([20, 'c1|sales|SIP/9|CONNECT|20|u1|3'])));
    const second = parser.push(bytes(log([0, ENTER])));
    const got = collectAll([first, second, parser.end()]);
    expect(got.calls.map((c) => [c.id, c.version, c.outcome, c.rebuilt])).toEqual([
      ['pbx:c1', 2, 'answered', true],
      ['pbx:c1', 4, 'answered', false],
    ]);
  });

  it('rebuilds a closing event with no ENTERQUEUE from its figures, else rejects it as orphan', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [240, 'c1|housing|SIP/5|COMPLETECALLER|40|200|1'],
        [100, 'c2|sales|NONE|ABANDON|2|2|60'],
        [200, 'c3|sales|NONE|EXITWITHTIMEOUT|2'],
      ),
    );
    // c1: arrived 240 − (40 + 200) = 0, answered 240 − 200 = 40; c2: arrived 100 − 60 = 40.
    expect(got.calls).toEqual([
      rec({
        id: 'pbx:c1',
        queue: 'housing',
        version: 6,
        arrivedAt: ms(0),
        answeredAt: ms(40),
        endedAt: ms(240),
        waitMs: 40_000,
        talkMs: 200_000,
        outcome: 'answered',
        agent: 'SIP/5',
        line: 1,
        rebuilt: true,
      }),
      rec({
        id: 'pbx:c2',
        queue: 'sales',
        version: 6,
        arrivedAt: ms(40),
        endedAt: ms(100),
        waitMs: 60_000,
        outcome: 'abandoned',
        line: 2,
        rebuilt: true,
      }),
    ]);
    expect(got.rejects).toEqual([
      {
        schema: 'reject.v1',
        source: 'pbx',
        file: 'q.log',
        line: 3,
        reason: 'orphan_event',
        detail: 'EXITWITHTIMEOUT for call c3 has no ENTERQUEUE in the files read and no wait time to rebuild it from',
        raw: `${T + 200}|c3|sales|NONE|EXITWITHTIMEOUT|2`,
      },
    ]);
  });

  it('counts the calls it rebuilt from a close alone, net of an ENTERQUEUE read after the close; 0 for a whole log', () => {
    const rebuilt = (batches: ParseBatch[]) => batches.reduce((n, b) => n + (b.rebuiltCalls ?? 0), 0);
    // c1 and c2 are rebuilt from their closes; c3 has no wait to rebuild from (an orphan_event reject, not counted).
    const orphans = log(
      [240, 'c1|housing|SIP/5|COMPLETECALLER|40|200|1'],
      [100, 'c2|sales|NONE|ABANDON|2|2|60'],
      [200, 'c3|sales|NONE|EXITWITHTIMEOUT|2'],
    );
    expect(rebuilt(readWhole(session().openFile('q.log'), orphans))).toBe(2);
    // The close first, its ENTERQUEUE later in the file: rebuilt at first, then not.
    const late = log([45, 'c1|sales|NONE|ABANDON|1|1|45'], [0, ENTER]);
    expect(rebuilt(readWhole(session().openFile('q.log'), late))).toBe(0);
    // A call, then another whose CONNECT comes first: every ENTERQUEUE is there.
    const whole = log(
      [0, ENTER],
      [45, 'c1|sales|NONE|ABANDON|1|1|45'],
      [60, 'c2|sales|SIP/202|CONNECT|20|u1|3'],
      [40, 'c2|sales||ENTERQUEUE||01632960111|1'],
      [180, 'c2|sales|SIP/202|COMPLETECALLER|20|120|1'],
    );
    expect(rebuilt(readWhole(session().openFile('q.log'), whole))).toBe(0);
  });

  it('does not count a second closing event for a stint already closed', () => {
    const got = readFile(
      session(),
      'q.log',
      log([0, ENTER], [45, 'c1|sales|NONE|ABANDON|1|1|45'], [46, 'c1|sales|NONE|EXITWITHTIMEOUT|1|1|46']),
    );
    expect(got.calls.map((c) => [c.id, c.outcome])).toEqual([['pbx:c1', 'abandoned']]);
    expect(got.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [
        3,
        'orphan_event',
        'EXITWITHTIMEOUT for call c1 in queue sales, whose stint already closed at q.log:2; not counted twice',
      ],
    ]);
  });

  it('consumes dial-plan markers, custom events and NONE/NONE lines; rejects unknown events', () => {
    const got = readFile(
      session({ customEvents: ['IVRSTART'] }),
      'q.log',
      log(
        [0, 'c1|NONE|NONE|DID|01632960000'],
        [1, 'c1|NONE|NONE|INFO|IVRAPPEND|2'],
        [2, 'c1|sales|NONE|IVRSTART|menu1'],
        [3, 'c1|NONE|NONE|MENUCHOICE|2'],
        [4, 'c1|sales|NONE|ENTERQUEU||07700900123|1'],
        [5, 'NONE|NONE|NONE|CONFIGRELOAD|'],
        [6, 'NONE|sales|Agent/1|ADDMEMBER|'],
        [7, 'NONE|NONE|Agent/1|AGENTLOGOFF|SIP/1-01|soon'],
      ),
    );
    expect(got.calls).toEqual([]);
    expect(got.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [5, 'unknown_event', 'event "ENTERQUEU" is not a queue_log event'],
      [7 + 1, 'bad_event_data', 'AGENTLOGOFF data must be channel|logintime[|reason]; got "SIP/1-01|soon"'],
    ]);
  });

  it('rejects negative or absurd waits and talk times', () => {
    const got = readFile(
      session({ maxTalkMs: 7_200_000 }),
      'q.log',
      log(
        [0, 'c1|sales|SIP/1|CONNECT|-5|u1|1'],
        [90_000, 'c2|sales|NONE|ABANDON|1|1|86401'],
        [9_000, 'c3|sales|SIP/1|COMPLETEAGENT|1|7201|1'],
      ),
    );
    expect(got.calls).toEqual([]);
    expect(got.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [1, 'absurd_wait', 'wait -5 s is negative or above 86400 s'],
      [2, 'absurd_wait', 'wait 86401 s is negative or above 86400 s'],
      [3, 'absurd_wait', 'talk 7201 s is negative or above 7200 s'],
    ]);
  });

  it('rejects lines with too few fields or unreadable times', () => {
    const got = readFile(
      session(),
      'q.log',
      `${T}|c1|sales\nabc|c1|sales|NONE|ABANDON|1|1|1\n100|c1|sales|NONE|ABANDON|1|1|1\n`,
    );
    expect(got.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'bad_field_count'],
      [2, 'bad_time'],
      [3, 'bad_time'],
    ]);
  });

  it('turns a record that cannot pass the schema into a reject, never a throw', () => {
    const got = readFile(
      session(),
      'q.log',
      log(
        [0, 'c 1|sales|NONE|ENTERQUEUE||07700900123|1'],
        [9, 'c 1|sales|NONE|ABANDON|1|1|9'],
        [0, 'c2|sales|NONE|ENTERQUEUE||07700900123|1'],
        [30, 'c2|sales|SIP/1|COMPLETECALLER|5|60|1'],
      ),
    );
    expect(got.calls).toEqual([]);
    expect(got.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [2, 'invalid_record', 'callid "c 1" cannot make a record id'],
      // no CONNECT: answered = 30 − 60 = T − 30, before the arrival at T
      [4, 'impossible_times', 'answered 30 s before arrival'],
    ]);
  });

  it('rejects an invalid UTF-8 line, and reads it as Latin-1 when the source says so', () => {
    const head = bytes(`${T}|c1|sales|SIP/Jos`);
    const tail = bytes('|CONNECT|5|u1|1\n');
    const line = new Uint8Array([...head, 0xe9, ...tail]);
    const utf8 = readFile(session({ openCallTimeoutMs: 1000 }), 'q.log', line);
    expect(utf8.rejects.map((r) => [r.line, r.reason])).toEqual([[1, 'bad_encoding']]);
    const latin1 = session({ encoding: 'latin1', openCallTimeoutMs: 1000 });
    readFile(latin1, 'q.log', line);
    expect(latin1.snapshot().calls[0]?.stints[0]?.connect?.agent).toBe('SIP/José');
  });

  it('refuses bad options with a typed error', () => {
    expect(() => session({ form: 'db' })).toThrow(QueueLogConfigError);
    expect(() => session({ source: 'a:b' })).toThrow('queue_log option source = "a:b"');
    expect(() => session({ openCallTimeoutMs: 0 })).toThrow(QueueLogConfigError);
  });
});

describe('QueueLogSession: database form (CSV export of the queue_log table)', () => {
  const HEADER = 'id,time,callid,queuename,agent,event,data1,data2,data3,data4,data5';
  const db = (zone: string): QueueLogSession => session({ form: 'db', zone, source: 'db' });

  it('reads local times in the zone, an id column, quoted fields and extra pipes in data5', () => {
    const text = [
      HEADER,
      `1,2024-06-03 10:00:00.250000,d1,housing,NONE,ENTERQUEUE,"http://crm/?a=1,b=""2""",${CALLER},1,,`,
      '2,2024-06-03 10:00:40.000000,d1,housing,NONE,WITHDRAW,1,1,40,callback,requested|web',
    ].join('\n');
    const got = readFile(db('Europe/London'), 'q.csv', text);
    // BST: 10:00:00.25 local = 09:00:00.25 UTC.
    expect(got).toEqual({
      calls: [
        rec({
          id: 'db:d1',
          source: 'db',
          queue: 'housing',
          arrivedAt: Date.UTC(2024, 5, 3, 9, 0, 0, 250),
          endedAt: Date.UTC(2024, 5, 3, 9, 0, 40),
          waitMs: 40_000,
          outcome: 'withdrawn',
          callerKey: pseudo(CALLER),
          file: 'q.csv',
          line: 3,
        }),
      ],
      rejects: [],
    });
  });

  it('finds the realtime columns by name among extra ones, and reads an epoch time', () => {
    // QueueMetrics-style extras (partition, serverid) around Asterisk's own column names, in another order.
    const text = [
      'partition,serverid,event,time,callid,queuename,agent,data1,data2,data3',
      `P1,7,ENTERQUEUE,1717405200,e1,sales,NONE,,${CALLER},1`,
      'P1,7,ABANDON,1717405230.5,e1,sales,NONE,1,1,30',
    ].join('\n');
    const got = readFile(db('Europe/London'), 'q.csv', text);
    // Epoch seconds are UTC whatever the zone: 1717405200 = 2024-06-03 09:00:00 UTC.
    expect(got.rejects).toEqual([]);
    expect(got.calls.map((c) => [c.id, c.outcome, c.arrivedAt, c.endedAt, c.waitMs])).toEqual([
      ['db:e1', 'abandoned', Date.UTC(2024, 5, 3, 9, 0, 0), Date.UTC(2024, 5, 3, 9, 0, 30, 500), 30_000],
    ]);
  });

  it('reads a mapped table by index, with per-event parameter columns and its own event names', () => {
    const s = session({
      form: 'db',
      zone: 'UTC',
      source: 'db',
      table: {
        header: false,
        delimiter: '\t',
        columns: { time: 0, callid: 1, queue: 2, agent: 3, event: 4, data: 9 },
        eventNames: { IN: 'ENTERQUEUE', ANS: 'CONNECT', END: 'COMPLETEAGENT' },
        events: { ENTERQUEUE: [8, 5, 6], CONNECT: [7, 1], COMPLETEAGENT: [7, 5, 6] },
      },
    });
    const row = (...cells: string[]): string => cells.join('\t');
    const text = [
      //   0 time               1 callid 2 queue 3 agent 4 event 5     6    7 hold 8 url 9 data
      row('2024-06-03 09:00:00', 'm1', 'sales', 'NONE', 'IN', CALLER, '1', '', '', ''),
      row('2024-06-03 09:00:12', 'm1', 'sales', 'SIP/7', 'ANS', '', '', '12', '', ''),
      row('2024-06-03 09:02:12', 'm1', 'sales', 'SIP/7', 'END', '120', '1', '12', '', ''),
      row('2024-06-03 09:03:00', 'NONE', 'sales', 'SIP/7', 'PAUSE', '', '', '', '', 'coffee'),
      row('2024-06-03 09:04:00', 'm2', 'sales'),
    ].join('\n');
    const got = readFile(s, 'v.tsv', text);
    // hold 12 s; talk from the END row's column 5 (120 s), its hold from column 7.
    expect(latest(got.calls).map((c) => [c.id, c.outcome, c.waitMs, c.talkMs, c.callerKey])).toEqual([
      ['db:m1', 'answered', 12_000, 120_000, pseudo(CALLER)],
    ]);
    expect(got.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [5, 'bad_field_count', '3 columns, expected at least 10 (the largest mapped index is 9)'],
    ]);
  });

  it('refuses a table mapping that cannot work, before reading anything', () => {
    expect(() =>
      session({ form: 'file', table: { columns: { time: 't', callid: 'c', queue: 'q', agent: 'a', event: 'e' } } }),
    ).toThrow("no table mapping: it is for form 'db'");
    expect(() =>
      session({
        form: 'db',
        zone: 'UTC',
        table: { columns: { time: 't', callid: 'c', queue: 'q', agent: 'a', event: 'e' }, events: { ENTRY: ['x'] } },
      }),
    ).toThrow(/table\.events\.ENTRY: "ENTRY" is not a queue_log event/);
  });

  it('reads the repeated autumn hour in log order (Europe/London, 2023-10-29)', () => {
    const text = [
      HEADER,
      `1,2023-10-29 01:59:50,o1,sales,NONE,ENTERQUEUE,,${CALLER},1,,`,
      '2,2023-10-29 01:00:05,o1,sales,SIP/2,CONNECT,15,u1,2,,',
      '3,2023-10-29 01:02:05,o1,sales,SIP/2,COMPLETECALLER,15,120,1,,',
    ].join('\n');
    const got = readFile(db('Europe/London'), 'q.csv', text);
    // 01:59:50 BST = 00:59:50Z; 01:00:05 read as BST would be 00:00:05Z, an hour
    // behind the log, so it is the GMT pass: 01:00:05Z (15 s after arrival).
    expect(got.calls.map((c) => [c.arrivedAt, c.answeredAt, c.endedAt, c.waitMs, c.talkMs])).toEqual([
      [
        Date.UTC(2023, 9, 29, 0, 59, 50),
        Date.UTC(2023, 9, 29, 1, 0, 5),
        Date.UTC(2023, 9, 29, 1, 2, 5),
        15_000,
        120_000,
      ],
    ]);
    expect(got.rejects).toEqual([]);
  });

  it('reads a GMT site as UTC, a single data column, and a file without header by its column count', () => {
    const single = readFile(
      db('UTC'),
      'a.csv',
      [
        'time,callid,queuename,agent,event,data',
        '2023-10-29 01:30:00,g1,sales,NONE,ENTERQUEUE,|07700900123|1',
        '2023-10-29 01:30:20,g1,sales,NONE,ABANDON,1|1|20',
      ].join('\n'),
    );
    expect(single.calls.map((c) => [c.id, c.arrivedAt, c.waitMs])).toEqual([
      ['db:g1', Date.UTC(2023, 9, 29, 1, 30), 20_000],
    ]);
    const headless = readFile(db('UTC'), 'b.csv', '7,2023-10-29 01:30:00,g2,sales,NONE,EXITEMPTY,1,1,3,,\n');
    expect(headless.calls.map((c) => [c.id, c.outcome, c.arrivedAt])).toEqual([
      ['db:g2', 'exit_empty', Date.UTC(2023, 9, 29, 1, 29, 57)],
    ]);
  });

  it('rejects bad times, wrong column counts, broken quotes and a wrong header', () => {
    const got = readFile(
      db('Europe/London'),
      'q.csv',
      [
        HEADER,
        '1,2024-06-31 10:00:00,d1,sales,NONE,ABANDON,1,1,1,,',
        '2,10:00:00,d1,sales,NONE,ABANDON,1,1,1,,',
        '3,2024-06-03 10:00:00,d1,sales,NONE,ABANDON,1,1,1,',
        '4,2024-06-03 10:00:00,"d1,sales,NONE,ABANDON,1,1,1,,',
      ].join('\n'),
    );
    expect(got.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [2, 'bad_time', 'time "2024-06-31 10:00:00" is not a calendar date'],
      [3, 'bad_time', 'time "10:00:00" is not YYYY-MM-DD HH:MM:SS[.ffffff]'],
      [4, 'bad_field_count', '10 columns, expected 11'],
      [5, 'bad_field_count', 'a quoted field is not closed on its line'],
    ]);
    const wrong = readFile(db('UTC'), 'w.csv', 'time,callid,queue,agent,event,data\n');
    expect(wrong.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [1, 'bad_field_count', 'not a queue_log table header: column 3 of the header is "queue", expected queuename'],
    ]);
  });
});

describe('QueueLogSession: a call counts when its fate is known (issue 14)', () => {
  // c1 answered and completed, c2 abandoned, c3 connected in day1 and completed
  // in day2, c4 waiting at the end of day1 and timed out in day2, c5 moves
  // queue, c6 a CONNECT read before its ENTERQUEUE, c7 still waiting at the end.
  const day1 = log(
    [0, ENTER],
    [5, 'c2|sales|NONE|ENTERQUEUE||07700900002|2'],
    [20, 'c1|sales|SIP/202|CONNECT|20|u1|3'],
    [30, 'c3|housing|NONE|ENTERQUEUE||07700900003|1'],
    [50, 'c2|sales|NONE|ABANDON|2|2|45'],
    [60, 'c3|housing|Agent/7|CONNECT|30|u3|2'],
    [70, 'c4|housing|NONE|ENTERQUEUE||07700900004|2'],
    [80, 'c5|sales|NONE|ENTERQUEUE||07700900005|1'],
    [95, 'c6|sales|SIP/9|CONNECT|5|u6|1'],
    [90, 'c6|sales|NONE|ENTERQUEUE||07700900006|3'],
    [140, 'c1|sales|SIP/202|COMPLETECALLER|20|120|1'],
  );
  const day2 = log(
    [150, 'c5|sales|NONE|EXITWITHTIMEOUT|1|1|70'],
    [151, 'c5|housing|NONE|ENTERQUEUE||07700900005|1'],
    [170, 'c4|housing|NONE|EXITWITHTIMEOUT|1|1|100'],
    [181, 'c5|housing|Agent/8|CONNECT|30|u5|2'],
    [200, 'c6|sales|SIP/9|COMPLETEAGENT|5|105|1'],
    [240, 'c5|housing|Agent/8|COMPLETEAGENT|30|59|1'],
    [300, 'c3|housing|Agent/7|COMPLETECALLER|30|240|1'],
    [400, 'c7|sales|NONE|ENTERQUEUE||07700900007|1'],
  );
  const state = (c: CallRecord) => [c.id, c.version, c.outcome, c.waitMs, c.answeredAt, c.talkMs, c.endedAt];
  /** The final records of a read: file and line aside, as the figures see them. */
  const figuresOf = (calls: CallRecord[]) => latest(calls).map((c) => ({ ...c, file: '', line: 0 }));
  const oneRead = (): Collected => readFile(session(), 'all.log', day1 + day2);

  it('emits a waiting call queued and a connected one answered with its wait, then the close supersedes them', () => {
    const s = session();
    const first = collectAll(readWhole(s.openFile('day1.log'), day1));
    expect(first.rejects).toEqual([]);
    // One record per call: the closes as read, then the stints still open at the end of the file.
    expect(first.calls.map(state)).toEqual([
      ['pbx:c2', 8, 'abandoned', 45_000, null, 0, ms(50)],
      ['pbx:c1', 10, 'answered', 20_000, ms(20), 120_000, ms(140)],
      ['pbx:c3', 4, 'answered', 30_000, ms(60), 0, null],
      ['pbx:c4', 2, 'queued', 0, null, 0, null],
      ['pbx:c5', 2, 'queued', 0, null, 0, null],
      ['pbx:c6', 4, 'answered', 5_000, ms(95), 0, null],
    ]);
    const second = collectAll(readWhole(s.openFile('day2.log'), day2));
    expect(second.calls.map(state)).toEqual([
      ['pbx:c5', 8, 'timeout', 70_000, null, 0, ms(150)],
      ['pbx:c4', 8, 'timeout', 100_000, null, 0, ms(170)],
      ['pbx:c6', 10, 'answered', 5_000, ms(95), 105_000, ms(200)],
      ['pbx:c5/2', 10, 'answered', 30_000, ms(181), 59_000, ms(240)],
      ['pbx:c3', 10, 'answered', 30_000, ms(60), 240_000, ms(300)],
      ['pbx:c7', 2, 'queued', 0, null, 0, null],
    ]);
    // The final records equal a one-file read of both days.
    const whole = oneRead();
    expect(figuresOf([...first.calls, ...second.calls])).toEqual(expect.arrayContaining(figuresOf(whole.calls)));
    expect(latest([...first.calls, ...second.calls])).toHaveLength(whole.calls.length);
  });

  it('emits exactly one record per call in a bulk one-push read; only a call still waiting at the end adds one', () => {
    const got = collectAll(readWhole(session().openFile('all.log'), day1 + day2));
    expect(got.rejects).toEqual([]);
    const ids = got.calls.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(got.calls.filter((c) => c.endedAt === null).map(state)).toEqual([['pbx:c7', 2, 'queued', 0, null, 0, null]]);
  });

  it('gives the same final records per id when the input is cut at any byte into two pushes', () => {
    const text = bytes(day1 + day2);
    const whole = figuresOf(oneRead().calls);
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = session().openFile('all.log');
      const got = collectAll([parser.push(text.subarray(0, cut)), parser.push(text.subarray(cut)), parser.end()]);
      expect(got.rejects).toEqual([]);
      expect(figuresOf(got.calls)).toEqual(whole);
      // At most one earlier state per call: the state it was in at the cut.
      const perId = new Map<string, number>();
      for (const c of got.calls) perId.set(c.id, (perId.get(c.id) ?? 0) + 1);
      expect(Math.max(...perId.values())).toBeLessThanOrEqual(2);
    }
  });

  it('gives the same final records for any chunking of both files, with a restart between them', () => {
    const whole = figuresOf(oneRead().calls);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }), (size1, size2) => {
        const calls: CallRecord[] = [];
        let s = session();
        for (const [file, text, size] of [
          ['day1.log', day1, size1],
          ['day2.log', day2, size2],
        ] as const) {
          const parser = s.openFile(file);
          const data = bytes(text);
          const batches: ParseBatch[] = [];
          for (let at = 0; at < data.length; at += size) batches.push(parser.push(data.subarray(at, at + size)));
          batches.push(parser.end());
          calls.push(...collectAll(batches).calls);
          const saved = JSON.parse(JSON.stringify(s.snapshot())) as ReturnType<QueueLogSession['snapshot']>;
          s = QueueLogSession.restore(
            {
              source: 'pbx',
              form: 'file',
              queueServices: { sales: 'Revenues', housing: 'Housing' },
              pseudonymise: pseudo,
            },
            saved,
          );
        }
        expect(figuresOf(calls)).toEqual(expect.arrayContaining(whole));
        expect(latest(calls)).toHaveLength(whole.length);
      }),
      { numRuns: 40 },
    );
  });

  it('restores a snapshot written before open calls were emitted, and emits its open calls once', () => {
    const first = session();
    readFile(first, 'day1.log', day1);
    const state = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<QueueLogSession['snapshot']>;
    for (const call of state.calls) for (const stint of call.stints) delete stint.emitted;
    const restored = QueueLogSession.restore(
      { source: 'pbx', form: 'file', queueServices: { sales: 'Revenues', housing: 'Housing' }, pseudonymise: pseudo },
      state,
    );
    const got = collectAll(readWhole(restored.openFile('empty.log'), ''));
    // c1 and c2 closed (emitted before); c3, c4, c5, c6 open: emitted now, as a fresh read of day1 gave them.
    expect(got.calls.map((c) => [c.id, c.version, c.outcome])).toEqual([
      ['pbx:c3', 4, 'answered'],
      ['pbx:c4', 2, 'queued'],
      ['pbx:c5', 2, 'queued'],
      ['pbx:c6', 4, 'answered'],
    ]);
    expect(collectAll(readWhole(restored.openFile('empty2.log'), '')).calls).toEqual([]);
  });

  it('forgets a connected call after the timeout and retention; a much later close is rebuilt with the same id and a higher version', () => {
    const s = session({ openCallTimeoutMs: 60_000, retainMs: 60_000 });
    const a = readFile(s, 'a.log', log([0, ENTER], [10, 'c1|sales|SIP/202|CONNECT|10|u1|3']));
    expect(a.calls.map(state)).toEqual([['pbx:c1', 4, 'answered', 10_000, ms(10), 0, null]]);
    // T+100: past the timeout, not reported unclosed; T+200: past the retention too, forgotten.
    const b = readFile(s, 'b.log', log([100, 'NONE|NONE|NONE|QUEUESTART|'], [200, 'NONE|NONE|NONE|QUEUESTART|']));
    expect(b).toEqual({ calls: [], rejects: [] });
    expect(s.snapshot().calls).toEqual([]);
    const c = readFile(s, 'c.log', log([250, 'c1|sales|SIP/202|COMPLETECALLER|10|240|1']));
    // Rebuilt: arrival 250 − (10 + 240) = T, answered 250 − 240 = T+10; version 6 > 4.
    expect(c.calls.map(state)).toEqual([['pbx:c1', 6, 'answered', 10_000, ms(10), 240_000, ms(250)]]);
  });

  it('does the same in the database form', () => {
    const HEADER = 'id,time,callid,queuename,agent,event,data1,data2,data3,data4,data5';
    const s = session({ form: 'db', zone: 'UTC', source: 'db' });
    const first = collectAll(
      readWhole(
        s.openFile('a.csv'),
        [
          HEADER,
          `1,2024-06-03 09:00:00,d1,sales,NONE,ENTERQUEUE,,${CALLER},1,,`,
          '2,2024-06-03 09:00:25,d1,sales,SIP/1,CONNECT,25,d1.1,3,,',
          '3,2024-06-03 09:01:00,d2,sales,NONE,ENTERQUEUE,,07700900002,2,,',
        ].join('\n'),
      ),
    );
    const at = (m: number, sec: number) => Date.UTC(2024, 5, 3, 9, m, sec);
    expect(first.calls.map(state)).toEqual([
      ['db:d1', 4, 'answered', 25_000, at(0, 25), 0, null],
      ['db:d2', 2, 'queued', 0, null, 0, null],
    ]);
    const second = collectAll(
      readWhole(
        s.openFile('b.csv'),
        [
          HEADER,
          '4,2024-06-03 09:02:00,d2,sales,NONE,ABANDON,2,2,60,,',
          '5,2024-06-03 09:04:25,d1,sales,SIP/1,COMPLETECALLER,25,240,1,,',
        ].join('\n'),
      ),
    );
    expect(second.calls.map(state)).toEqual([
      ['db:d2', 8, 'abandoned', 60_000, null, 0, at(2, 0)],
      ['db:d1', 10, 'answered', 25_000, at(0, 25), 240_000, at(4, 25)],
    ]);
  });
});

describe('QueueLogSession with rebuiltCalls: reject', () => {
  const rejecting = (): QueueLogSession => session({ rebuiltCalls: 'reject' });
  const reasons = (rejects: readonly Reject[]) => rejects.map((r) => [r.file, r.line, r.reason, r.detail]);
  const rebuilt = (batches: ParseBatch[]) => batches.reduce((n, b) => n + (b.rebuiltCalls ?? 0), 0);
  const ABANDON = 'c1|sales|NONE|ABANDON|1|1|45';

  it('rejects a close without ENTERQUEUE as no_enterqueue naming the call, event, file and line; no call', () => {
    const batches = readWhole(rejecting().openFile('q.log'), log([45, ABANDON]));
    const got = collectAll(batches);
    expect(got.calls).toEqual([]);
    expect(reasons(got.rejects)).toEqual([
      [
        'q.log',
        1,
        'no_enterqueue',
        'ABANDON for call c1 in queue sales at q.log:1 has no ENTERQUEUE in the files read; not counted (queueLog.rebuiltCalls: reject)',
      ],
    ]);
    expect(got.rejects[0]?.raw).toBe(`${T + 45}|${ABANDON}`);
    expect(rebuilt(batches)).toBe(0);
  });

  it('counts the same close as one rebuilt call in count mode, the default (unchanged)', () => {
    const batches = readWhole(session().openFile('q.log'), log([45, ABANDON]));
    const got = collect(batches);
    expect(got.calls.map((c) => [c.id, c.outcome, c.rebuilt])).toEqual([['pbx:c1', 'abandoned', true]]);
    expect(got.rejects).toEqual([]);
    expect(rebuilt(batches)).toBe(1);
  });

  it('emits nothing for a CONNECT alone, and one reject at its close', () => {
    const parser = rejecting().openFile('q.log');
    const first = parser.push(bytes(log([20, 'c1|sales|SIP/9|CONNECT|20|u1|3'])));
    const second = parser.push(bytes(log([140, 'c1|sales|SIP/9|COMPLETECALLER|20|120|1'])));
    const got = collectAll([first, second, parser.end()]);
    expect(first.calls).toEqual([]);
    expect(got.calls).toEqual([]);
    expect(reasons(got.rejects)).toEqual([
      [
        'q.log',
        2,
        'no_enterqueue',
        'COMPLETECALLER for call c1 in queue sales at q.log:2 has no ENTERQUEUE in the files read; not counted (queueLog.rebuiltCalls: reject)',
      ],
    ]);
  });

  it('rejects a close once when its CONNECT is read after it', () => {
    const got = readFile(
      rejecting(),
      'q.log',
      log([140, 'c1|sales|SIP/9|COMPLETECALLER|20|120|1'], [20, 'c1|sales|SIP/9|CONNECT|20|u1|3']),
    );
    expect(got.calls).toEqual([]);
    expect(got.rejects.map((r) => [r.line, r.reason, r.detail.split(' ')[0]])).toEqual([
      [1, 'no_enterqueue', 'COMPLETECALLER'],
    ]);
  });

  it('rejects a CONNECT alone at the open-call timeout when no close comes', () => {
    // c1's arrival is 20 − 20 = T; c2's ENTERQUEUE 5 h later moves the watermark past the 4 h timeout.
    const got = readFile(
      rejecting(),
      'q.log',
      log([20, 'c1|sales|SIP/9|CONNECT|20|u1|3'], [5 * 3600, 'c2|sales|NONE|ENTERQUEUE||01632960111|1']),
    );
    expect(got.calls.map((c) => [c.id, c.outcome])).toEqual([['pbx:c2', 'queued']]);
    expect(reasons(got.rejects)).toEqual([
      [
        'q.log',
        1,
        'no_enterqueue',
        'CONNECT for call c1 in queue sales at q.log:1 has no ENTERQUEUE in the files read; not counted (queueLog.rebuiltCalls: reject)',
      ],
    ]);
  });

  it('makes a normal call of a close whose ENTERQUEUE is read later in the same file', () => {
    const parser = rejecting().openFile('q.log');
    const batches = [parser.push(bytes(log([45, ABANDON]))), parser.push(bytes(log([0, ENTER]))), parser.end()];
    const got = collectAll(batches);
    // One call, from both events (version 2 × 2 + 4 = 8), as count mode's last version; no reject.
    expect(got.calls.map((c) => [c.id, c.version, c.outcome, c.arrivedAt, c.rebuilt])).toEqual([
      ['pbx:c1', 8, 'abandoned', ms(0), false],
    ]);
    expect(got.rejects).toEqual([]);
    expect(rebuilt(batches)).toBe(0);
  });

  it('keeps a held close across a snapshot and rejects it once at the end of the next file', () => {
    const first = rejecting();
    const before = collectAll([first.openFile('a.log').push(bytes(log([45, ABANDON])))]);
    expect(before).toEqual({ calls: [], rejects: [] });
    const state = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<QueueLogSession['snapshot']>;
    const restored = QueueLogSession.restore(
      { source: 'pbx', form: 'file', pseudonymise: pseudo, rebuiltCalls: 'reject' },
      state,
    );
    const got = readFile(restored, 'b.log', '');
    expect(got.calls).toEqual([]);
    expect(got.rejects.map((r) => [r.file, r.line, r.reason])).toEqual([['a.log', 1, 'no_enterqueue']]);
  });

  it('leaves a complete call as count mode gives it', () => {
    const text = ANSWERED_CALL;
    const got = readFile(rejecting(), 'q.log', text);
    expect(got).toEqual(readFile(session(), 'q.log', text));
    expect(got.calls.map((c) => [c.id, c.version, c.outcome, c.waitMs, c.talkMs, c.rebuilt])).toEqual([
      ['pbx:c1', 10, 'answered', 20_000, 120_000, false],
    ]);
    expect(got.rejects).toEqual([]);
  });

  it('refuses an unknown mode, naming the option and the allowed values', () => {
    expect(() => session({ rebuiltCalls: 'rejct' as 'reject' })).toThrow(
      /queue_log option rebuiltCalls = "rejct": expected 'count' or 'reject'/,
    );
  });
});
