import { describe, expect, it } from 'vitest';
import { makeReject, parseCallRecord, type CallRecord } from '@cdrflow/schema';
import { createCdrCsvParser } from '../src/cdr-csv/cdr-csv-parser';
import {
  CDR_CSV_BASE_COLUMNS,
  CDR_CSV_EXTENDED_COLUMNS,
  CdrCsvOptionsSchema,
  type CdrCsvOptionsInput,
} from '../src/cdr-csv/cdr-csv-options';
import { describeCdrRule } from '../src/cdr-csv/cdr-call-rule';
import { InvalidOptionsError } from '../src/csv/parse-options';
import { emptyBatch, appendBatch, type ParseBatch } from '../src/types';

const ctx = { source: 'pbx', file: 'Master.csv' };
const where = (line: number) => ({ ...ctx, line });
/** Test stand-in for the collector's HMAC: visibly not the number. */
const pseudonymise = (n: string) => `key(${[...n].reverse().join('')})`;
const utf8 = (s: string) => new TextEncoder().encode(s);

function parse(input: string | Uint8Array, options: CdrCsvOptionsInput = {}, chunk = 0): ParseBatch {
  const bytes = typeof input === 'string' ? utf8(input) : input;
  const parser = createCdrCsvParser(ctx, options, pseudonymise);
  const out = emptyBatch();
  const step = chunk > 0 ? chunk : Math.max(bytes.length, 1);
  for (let i = 0; i < bytes.length; i += step) appendBatch(out, parser.push(bytes.subarray(i, i + step)));
  appendBatch(out, parser.end());
  for (const c of out.calls) parseCallRecord(c);
  return out;
}

type Column = (typeof CDR_CSV_EXTENDED_COLUMNS)[number];
const DATES = new Set<string>(['start', 'answer', 'end']);
const BARE = new Set<string>(['duration', 'billsec', 'sequence']);
const BASE: Record<Column, string> = {
  accountcode: '',
  src: '01632960001',
  dst: '600',
  dcontext: 'from-pstn',
  clid: '"Caller" <01632960001>',
  channel: 'SIP/trunk-00000001',
  dstchannel: 'SIP/2001-00000002',
  lastapp: 'Queue',
  lastdata: 'sales,t,,,300',
  start: '2020-06-01 09:00:00',
  answer: '2020-06-01 09:00:05',
  end: '2020-06-01 09:03:05',
  duration: '185',
  billsec: '180',
  disposition: 'ANSWERED',
  amaflags: 'DOCUMENTATION',
  uniqueid: '1591000000.1',
  userfield: '',
  peeraccount: '',
  linkedid: '1591000000.1',
  sequence: '1',
};

/** One Master.csv line as cdr_csv.c writes it: strings quoted, numbers bare, unset dates empty and unquoted. */
function cdr(over: Partial<Record<Column, string>> = {}, columns: readonly string[] = CDR_CSV_BASE_COLUMNS): string {
  return columns
    .map((c) => {
      const v = (over as Record<string, string>)[c] ?? (BASE as Record<string, string>)[c] ?? '';
      if (BARE.has(c) || (DATES.has(c) && v === '')) return v;
      return `"${v.replace(/"/g, '""')}"`;
    })
    .join(',');
}

/**
 * A row built by `cdr` as its reject shows it: the caller columns (src, dst,
 * clid, channel, dstchannel) masked whole, spelled out here by hand from BASE.
 */
function masked(line: string): string {
  const callerCells = [
    '"01632960001"',
    '"600"',
    '"""Caller"" <01632960001>"',
    '"SIP/trunk-00000001"',
    '"SIP/2001-00000002"',
  ];
  return callerCells.reduce((l, value) => l.replaceAll(value, '"***"'), line);
}

// 2020-06-01 is in BST (UTC+1): 09:00:00 local = 08:00:00Z.
const T0 = Date.UTC(2020, 5, 1, 8, 0, 0);

const BASE_RECORD: CallRecord = {
  schema: 'call.v1',
  rebuilt: false,
  id: 'pbx:Master.csv#1',
  contactId: 'pbx:Master.csv#1',
  stint: 1,
  version: 1,
  source: 'pbx',
  channel: 'phone',
  direction: 'inbound',
  queue: '600',
  service: '',
  arrivedAt: T0,
  answeredAt: T0 + 5_000, // 09:00:05
  endedAt: T0 + 185_000, // 09:03:05 = start + 3 min 5 s
  waitMs: 5_000, // answer − start
  talkMs: 180_000, // billsec 180 × 1000
  outcome: 'answered',
  exitKey: null,
  callerKey: 'key(10006923610)',
  agent: 'SIP/2001-00000002',
  file: 'Master.csv',
  line: 1,
};

describe('CDR CSV: default columns', () => {
  it('reads one answered row into an exact record', () => {
    const out = parse(`${cdr()}\n`, { queueServices: { '600': 'Revenues' } });
    expect(out).toEqual({ calls: [{ ...BASE_RECORD, service: 'Revenues' }], surveys: [], agentTimes: [], rejects: [] });
  });

  it('reads "" escapes with commas inside clid', () => {
    const line =
      '"","01234","600","from-pstn","""Smith, J"" <01234>","SIP/trunk-1","","Queue","sales,t","2020-06-01 09:00:00","2020-06-01 09:00:05","2020-06-01 09:03:05",185,180,"ANSWERED","DOCUMENTATION"';
    const out = parse(`${line}\n`);
    expect(out.rejects).toEqual([]);
    // No dstchannel: only the Queue application answered, no agent. So the call is
    // abandoned in the queue and waits until it ends: 09:03:05 − 09:00:00 = 185 s.
    expect(out.calls).toEqual([
      {
        ...BASE_RECORD,
        callerKey: 'key(43210)',
        answeredAt: null,
        waitMs: 185_000,
        talkMs: 0,
        outcome: 'abandoned',
        agent: null,
      },
    ]);
  });

  it('reads an empty unquoted answer date as unanswered: wait runs to the end', () => {
    const out = parse(
      `${cdr({ answer: '', billsec: '0', disposition: 'NO ANSWER', end: '2020-06-01 09:00:42', duration: '42' })}\n`,
    );
    expect(out.calls).toEqual([
      // wait = end − start = 42 s; no talk; no agent for an unanswered call
      {
        ...BASE_RECORD,
        answeredAt: null,
        endedAt: T0 + 42_000,
        waitMs: 42_000,
        talkMs: 0,
        outcome: 'abandoned',
        agent: null,
      },
    ]);
  });

  it('reads a quoted empty answer date ("") as unset too', () => {
    const unquoted = cdr({ answer: '', billsec: '0', disposition: 'NO ANSWER' });
    const quoted = unquoted.replace('"2020-06-01 09:00:00",,', '"2020-06-01 09:00:00","",');
    expect(quoted).not.toBe(unquoted);
    expect(parse(`${quoted}\n`).calls).toEqual(parse(`${unquoted}\n`).calls);
  });

  it.each([
    ['ANSWERED', 'Queue', 'answered'],
    ['NO ANSWER', 'Queue', 'abandoned'],
    ['CANCEL', 'Queue', 'abandoned'],
    // A member who is busy or fails does not end a queue call: the caller left it unanswered.
    ['BUSY', 'Queue', 'abandoned'],
    ['FAILED', 'Queue', 'abandoned'],
    ['CONGESTION', 'Queue', 'abandoned'],
    ['ANSWERED', 'Dial', 'answered'],
    ['NO ANSWER', 'Dial', 'abandoned'],
    ['CANCEL', 'Dial', 'abandoned'],
    ['BUSY', 'Dial', 'other'],
    ['FAILED', 'Dial', 'other'],
    ['CONGESTION', 'Dial', 'other'],
  ] as const)('maps disposition %s of a %s leg to %s', (disposition, lastapp, outcome) => {
    const answered = disposition === 'ANSWERED';
    const out = parse(
      `${cdr({ disposition, lastapp, answer: answered ? BASE.answer : '', billsec: answered ? '180' : '0' })}\n`,
    );
    expect(out.calls.map((c) => [c.outcome, c.waitMs, c.talkMs])).toEqual([
      // answered: wait 5 s (answer − start), talk 180 s; otherwise wait 185 s (end − start), talk 0
      [outcome, answered ? 5_000 : 185_000, answered ? 180_000 : 0],
    ]);
  });

  it('sets direction from dcontext lists and callerKey only when src is set', () => {
    const text = [
      cdr({ dcontext: 'from-internal-out' }),
      cdr({ dcontext: 'ext-local', src: '' }),
      cdr({ dcontext: 'from-pstn' }),
    ].join('\n');
    const out = parse(text, { outboundContexts: ['from-internal-out'], internalContexts: ['ext-local'] });
    expect(out.calls.map((c) => [c.line, c.direction, c.callerKey])).toEqual([
      [1, 'outbound', 'key(10006923610)'],
      [2, 'internal', null],
      [3, 'inbound', 'key(10006923610)'],
    ]);
  });

  it('skips a header row that names the configured columns', () => {
    const out = parse(`${CDR_CSV_BASE_COLUMNS.join(',')}\n${cdr()}\n`);
    expect(out.rejects).toEqual([]);
    expect(out.calls).toEqual([{ ...BASE_RECORD, id: 'pbx:Master.csv#2', contactId: 'pbx:Master.csv#2', line: 2 }]);
  });

  it('reads a BOM + CRLF file like an LF file', () => {
    const lf = parse(`${cdr()}\n${cdr({ src: '01632960002' })}\n`);
    const crlf = parse(`\uFEFF${cdr()}\r\n${cdr({ src: '01632960002' })}\r\n`);
    expect(crlf).toEqual(lf);
    expect(crlf.calls.map((c) => c.line)).toEqual([1, 2]);
  });

  it('gives the same result when bytes arrive one at a time inside quoted fields', () => {
    const text = `${cdr({ clid: '"Smith, J" <01234>' })}\n${cdr({ lastdata: 'a,"b",c' })}`;
    expect(parse(text, {}, 1)).toEqual(parse(text));
    expect(parse(text, {}, 1).calls).toHaveLength(2);
  });
});

describe('CDR CSV: encodings', () => {
  // "£" is 0xA3 and "é" 0xE9 in Latin-1; neither byte is valid UTF-8 alone.
  const latin1Line = new Uint8Array([
    ...utf8(cdr({ clid: 'X', lastdata: 'CafeX,t' }).replace('"X"', '"\u0001"').replace('CafeX', 'Caf\u0002')),
  ]).map((b) => (b === 0x01 ? 0xa3 : b === 0x02 ? 0xe9 : b));

  it('decodes Latin-1 when the source says so', () => {
    const out = parse(latin1Line, { encoding: 'latin1', queueFrom: 'lastdata' });
    expect(out.rejects).toEqual([]);
    expect(out.calls.map((c) => c.queue)).toEqual(['Café']);
  });

  it('rejects an invalid UTF-8 line and keeps the rest of the file', () => {
    const bytes = new Uint8Array([...utf8(`${cdr()}\n`), ...latin1Line, 0x0a, ...utf8(`${cdr({ src: '999' })}\n`)]);
    const out = parse(bytes);
    expect(out.calls.map((c) => [c.line, c.callerKey])).toEqual([
      [1, 'key(10006923610)'],
      [3, 'key(999)'],
    ]);
    expect(out.rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'bad_encoding']]);
  });
});

describe('CDR CSV: legs', () => {
  const X = '1591002000.7';
  const Y = '1591002011.9';
  const legs = [
    // Queue app answers at 10:00:01 to play music on hold; the caller waits there.
    cdr(
      {
        dstchannel: '',
        start: '2020-06-01 10:00:00',
        answer: '2020-06-01 10:00:01',
        end: '2020-06-01 10:00:40',
        duration: '40',
        billsec: '39',
        uniqueid: X,
        linkedid: X,
        sequence: '1',
      },
      CDR_CSV_EXTENDED_COLUMNS,
    ),
    // Agent 2001 rings for 15 s without answering.
    cdr(
      {
        dstchannel: 'SIP/2001-00000002',
        start: '2020-06-01 10:00:10',
        answer: '',
        end: '2020-06-01 10:00:25',
        duration: '15',
        billsec: '0',
        disposition: 'NO ANSWER',
        uniqueid: X,
        linkedid: X,
        sequence: '2',
      },
      CDR_CSV_EXTENDED_COLUMNS,
    ),
    // Another call in between.
    cdr(
      {
        src: '01632960555',
        dstchannel: '',
        start: '2020-06-01 10:00:11',
        answer: '',
        end: '2020-06-01 10:00:30',
        duration: '19',
        billsec: '0',
        disposition: 'CANCEL',
        uniqueid: Y,
        linkedid: Y,
        sequence: '3',
      },
      CDR_CSV_EXTENDED_COLUMNS,
    ),
    // Agent 2002 takes the call for 4 minutes.
    cdr(
      {
        dstchannel: 'SIP/2002-00000003',
        start: '2020-06-01 10:00:40',
        answer: '2020-06-01 10:00:40',
        end: '2020-06-01 10:04:40',
        duration: '240',
        billsec: '240',
        uniqueid: '1591002040.8',
        linkedid: X,
        sequence: '4',
      },
      CDR_CSV_EXTENDED_COLUMNS,
    ),
  ];
  const T10 = Date.UTC(2020, 5, 1, 9, 0, 0); // 10:00:00 BST

  it('folds three legs sharing a linkedid into one call, held until end of file', () => {
    const parser = createCdrCsvParser(
      ctx,
      { columns: [...CDR_CSV_EXTENDED_COLUMNS], queueFrom: 'lastdata' },
      pseudonymise,
    );
    const pushed = parser.push(utf8(`${legs.join('\n')}\n`));
    expect(pushed).toEqual({ calls: [], surveys: [], agentTimes: [], rejects: [] });
    const out = parser.end();
    expect(out).toEqual({
      calls: [
        {
          ...BASE_RECORD,
          id: `pbx:${X}`,
          contactId: `pbx:${X}`,
          version: 3, // three legs folded
          queue: 'sales', // Queue(sales,t,,,300)
          arrivedAt: T10, // earliest start 10:00:00
          answeredAt: T10 + 40_000, // the agent's leg at 10:00:40, not the Queue app's answer at 10:00:01
          endedAt: T10 + 280_000, // latest end 10:04:40
          waitMs: 40_000, // 10:00:40 − 10:00:00
          talkMs: 240_000, // Σ billsec of agent legs: 240 (the queue's music leg is no talk)
          agent: 'SIP/2002-00000003', // the agent leg's dstchannel
          line: 1,
        },
        {
          ...BASE_RECORD,
          id: `pbx:${Y}`,
          contactId: `pbx:${Y}`,
          queue: 'sales',
          arrivedAt: T10 + 11_000,
          answeredAt: null,
          endedAt: T10 + 30_000,
          waitMs: 19_000, // 10:00:30 − 10:00:11
          talkMs: 0,
          outcome: 'abandoned', // CANCEL
          callerKey: 'key(55506923610)',
          agent: null,
          line: 3,
        },
      ],
      surveys: [],
      agentTimes: [],
      rejects: [],
    });
  });

  it('groups by uniqueid when there is no linkedid column', () => {
    const columns = [...CDR_CSV_BASE_COLUMNS, 'uniqueid', 'userfield'];
    const text = [
      cdr({ uniqueid: 'u1', end: '2020-06-01 09:01:00', duration: '60', billsec: '55' }, columns),
      cdr({ uniqueid: 'u1', start: '2020-06-01 09:01:00', answer: '2020-06-01 09:01:00', billsec: '125' }, columns),
    ].join('\n');
    expect(parse(text, { columns }).calls).toEqual([
      {
        ...BASE_RECORD,
        id: 'pbx:u1',
        contactId: 'pbx:u1',
        version: 2,
        endedAt: T0 + 185_000, // latest end 09:03:05
        talkMs: 180_000, // 55 + 125
      },
    ]);
  });

  it('emits the oldest call early past maxOpenGroups and rejects its late leg visibly', () => {
    const columns = [...CDR_CSV_EXTENDED_COLUMNS];
    const text = [
      cdr({ linkedid: 'A' }, columns),
      cdr({ linkedid: 'B' }, columns),
      cdr({ linkedid: 'A', start: '2020-06-01 09:00:01' }, columns),
    ].join('\n');
    const out = parse(text, { columns, maxOpenGroups: 1 });
    expect(out.calls.map((c) => [c.id, c.version])).toEqual([
      ['pbx:A', 1],
      ['pbx:B', 1],
    ]);
    expect(out.rejects).toEqual([
      makeReject(
        where(3),
        'invalid_record',
        'call pbx:A was already emitted from its earlier legs because more than maxOpenGroups (1) calls were open; raise maxOpenGroups so this leg is counted',
        masked(cdr({ linkedid: 'A', start: '2020-06-01 09:00:01' }, columns)),
      ),
    ]);
  });
});

describe('CDR CSV: who answered', () => {
  const outcomeOf = (rows: string[], options: CdrCsvOptionsInput = {}) =>
    parse(`${rows.join('\n')}\n`, options).calls.map((c) => [c.outcome, c.agent, c.talkMs]);

  it('needs billsec > 0 on the agent leg: a 0-second ANSWERED leg to a phone is no answer', () => {
    expect(outcomeOf([cdr({ lastapp: 'Dial', answer: BASE.end, billsec: '0' })])).toEqual([['other', null, 0]]);
  });

  it('takes only the agentApps and agentChannels the source names', () => {
    const dial = cdr({ lastapp: 'Dial', dstchannel: 'SIP/trunk-00000009' });
    expect(outcomeOf([dial])).toEqual([['answered', 'SIP/trunk-00000009', 180_000]]);
    // ANSWERED towards a channel that is no agent: answered by no one, and not in a queue.
    expect(outcomeOf([dial], { agentChannels: ['SIP/2*'] })).toEqual([['other', null, 0]]);
    expect(outcomeOf([dial], { agentApps: ['queue'] })).toEqual([['other', null, 0]]);
    expect(outcomeOf([cdr()], { agentApps: ['queue'], agentChannels: ['SIP/2*'] })).toEqual([
      ['answered', 'SIP/2001-00000002', 180_000],
    ]);
  });

  it('never takes a Local/ channel as the agent', () => {
    expect(outcomeOf([cdr({ dstchannel: 'Local/2001@agents-00000001;1' })])).toEqual([['abandoned', null, 0]]);
  });

  it('selects inbound calls by inboundContexts patterns; the rest are internal', () => {
    const text = ['from-pstn-uk', 'from-pstn', 'ext-local', 'from-trunk-out'].map((dcontext) => cdr({ dcontext }));
    const out = parse(`${text.join('\n')}\n`, {
      inboundContexts: ['from-pstn*'],
      outboundContexts: ['*-out'],
    });
    expect(out.calls.map((c) => c.direction)).toEqual(['inbound', 'inbound', 'internal', 'outbound']);
  });

  it('describes its rule for the report', () => {
    expect(
      describeCdrRule('pbx', {
        ...CdrCsvOptionsSchema.parse({}),
        agentApps: ['Queue'],
        agentChannels: ['PJSIP/2*'],
      }),
    ).toBe(
      'CDR source "pbx": answered = an ANSWERED leg with billsec > 0 bridged to an agent (lastapp Queue; dstchannel PJSIP/2*, not Local/…); wait = call start → that leg\'s answer time (a lower bound when the caller was already answered); no agent leg after Queue = abandoned, otherwise by NO ANSWER > CANCEL > BUSY > CONGESTION > FAILED > ANSWERED.',
    );
  });
});

describe('CDR CSV: DST in Europe/London', () => {
  it('re-reads answer and end with the later offset in the autumn overlap', () => {
    // 2020-10-25 01:00–01:59 happens twice (BST then GMT). Start 01:58 is read
    // as BST (00:58Z); answer 01:02 read as BST would be 00:02Z, before start,
    // so it is GMT: 01:02Z; end 01:12 likewise 01:12Z.
    const row = cdr({
      start: '2020-10-25 01:58:00',
      answer: '2020-10-25 01:02:00',
      end: '2020-10-25 01:12:00',
      duration: '840',
      billsec: '600',
    });
    expect(parse(`${row}\n`).calls).toEqual([
      {
        ...BASE_RECORD,
        arrivedAt: Date.UTC(2020, 9, 25, 0, 58),
        answeredAt: Date.UTC(2020, 9, 25, 1, 2),
        endedAt: Date.UTC(2020, 9, 25, 1, 12),
        waitMs: 240_000, // 01:02Z − 00:58Z
        talkMs: 600_000,
      },
    ]);
  });

  it('keeps the earlier offset when it already puts end after start', () => {
    // Start 01:50 BST (00:50Z), end 01:55 BST (00:55Z): no re-read.
    const row = cdr({
      start: '2020-10-25 01:50:00',
      answer: '',
      end: '2020-10-25 01:55:00',
      disposition: 'NO ANSWER',
      billsec: '0',
    });
    expect(parse(`${row}\n`).calls.map((c) => [c.arrivedAt, c.endedAt, c.waitMs])).toEqual([
      [Date.UTC(2020, 9, 25, 0, 50), Date.UTC(2020, 9, 25, 0, 55), 300_000],
    ]);
  });

  it('reads a time in the spring gap with the offset before the jump', () => {
    // 2020-03-29 01:30 does not exist in London; read with GMT → 01:30Z (= 02:30 BST).
    // End 03:00 BST = 02:00Z; unanswered, so wait = 30 min.
    const row = cdr({
      start: '2020-03-29 01:30:00',
      answer: '',
      end: '2020-03-29 03:00:00',
      disposition: 'NO ANSWER',
      billsec: '0',
    });
    expect(parse(`${row}\n`).calls.map((c) => [c.arrivedAt, c.endedAt, c.waitMs])).toEqual([
      [Date.UTC(2020, 2, 29, 1, 30), Date.UTC(2020, 2, 29, 2, 0), 1_800_000],
    ]);
  });

  it('reads dates as UTC when the site sets usegmtime', () => {
    expect(parse(`${cdr()}\n`, { zone: 'UTC' }).calls.map((c) => c.arrivedAt)).toEqual([Date.UTC(2020, 5, 1, 9, 0, 0)]);
  });
});

describe('CDR CSV: rejects', () => {
  const cases: [string, string, Parameters<typeof makeReject>[1], string, CdrCsvOptionsInput?][] = [
    [
      'wrong column count',
      cdr({}, CDR_CSV_BASE_COLUMNS.slice(0, 15)),
      'bad_field_count',
      `expected 16 fields (${CDR_CSV_BASE_COLUMNS.join(',')}), got 15; set the source's columns to the site's cdr_csv layout`,
    ],
    [
      'broken quoting',
      '"abc,"01234"',
      'bad_field_count',
      'field 1 has text after its closing quote (at character 7); a quote inside a quoted field must be doubled ("")',
    ],
    [
      'an unknown disposition',
      cdr({ disposition: 'ANSWER' }),
      'unknown_outcome',
      'disposition "ANSWER" is not one of ANSWERED, NO ANSWER, CANCEL, BUSY, FAILED, CONGESTION',
    ],
    ['an empty start', cdr({ start: '' }), 'missing_field', 'start is empty'],
    ['an empty end', cdr({ end: '' }), 'missing_field', 'end is empty'],
    [
      'an impossible date',
      cdr({ start: '2020-06-31 09:00:00' }),
      'bad_time',
      'start "2020-06-31 09:00:00" is not YYYY-MM-DD HH:MM:SS',
    ],
    ['an unreadable answer', cdr({ answer: 'soon' }), 'bad_time', 'answer "soon" is not YYYY-MM-DD HH:MM:SS'],
    ['an unreadable end', cdr({ end: '2020-06-01' }), 'bad_time', 'end "2020-06-01" is not YYYY-MM-DD HH:MM:SS'],
    ['a non-integer billsec', cdr({ billsec: '1.5' }), 'bad_number', 'billsec "1.5" is not a whole number of seconds'],
    [
      'a negative billsec',
      cdr({ billsec: '-5' }),
      'absurd_wait',
      'billsec -5 s is outside 0..86400 s (maxWaitMs 86400000)',
    ],
    [
      'a duration above maxWaitMs',
      cdr({ duration: '86401' }),
      'absurd_wait',
      'duration 86401 s is outside 0..86400 s (maxWaitMs 86400000)',
    ],
    [
      // cdr.c: duration = end − start ≥ end − answer = billsec; 200 > 185 cannot come from Asterisk.
      'a billsec above the duration',
      cdr({ billsec: '200' }),
      'billsec_over_duration',
      'billsec 200 s is more than duration 185 s; Asterisk counts billsec from answer and duration from start',
    ],
    [
      'answer before start',
      cdr({ answer: '2020-06-01 08:59:59' }),
      'impossible_times',
      'answer 2020-06-01 08:59:59 is before start 2020-06-01 09:00:00',
    ],
    [
      'end before start',
      cdr({ answer: '', disposition: 'BUSY', billsec: '0', end: '2020-06-01 08:00:00' }),
      'impossible_times',
      'end 2020-06-01 08:00:00 is before start 2020-06-01 09:00:00',
    ],
    [
      'end before answer',
      cdr({ answer: '2020-06-01 09:05:00' }),
      'impossible_times',
      'end 2020-06-01 09:03:05 is before answer 2020-06-01 09:05:00',
    ],
    [
      'ANSWERED without an answer time',
      cdr({ answer: '' }),
      'missing_field',
      'disposition is ANSWERED but answer is empty',
    ],
    [
      'a linkedid that cannot make an id',
      cdr({ linkedid: 'abc def' }, CDR_CSV_EXTENDED_COLUMNS),
      'invalid_record',
      'CallRecord is invalid: id: must look like <source>:<native id> (got "pbx:abc def")',
      { columns: [...CDR_CSV_EXTENDED_COLUMNS] },
    ],
    [
      // Without a duration column only the computed wait can catch it:
      // answer 09:03:30 − start 09:00:00 = 210 000 ms > 200 000.
      'a wait above maxWaitMs',
      cdr(
        { answer: '2020-06-01 09:03:30', end: '2020-06-01 09:03:35', billsec: '5' },
        CDR_CSV_BASE_COLUMNS.filter((c) => c !== 'duration'),
      ),
      'absurd_wait',
      'wait 210000 ms is above maxWaitMs 200000',
      { columns: CDR_CSV_BASE_COLUMNS.filter((c) => c !== 'duration'), maxWaitMs: 200_000 },
    ],
  ];

  it.each(cases)('rejects %s', (_name, line, reason, detail, options = {}) => {
    const good = cdr({ src: '777' }, Array.isArray(options.columns) ? options.columns : CDR_CSV_BASE_COLUMNS);
    const out = parse(`${line}\n${good}\n`, options);
    expect(out.rejects).toEqual([makeReject(where(1), reason, detail, masked(line))]);
    // The good row after it still lands.
    expect(out.calls.map((c) => [c.line, c.callerKey])).toEqual([[2, 'key(777)']]);
  });
});

describe('CDR CSV: layouts', () => {
  const STOCK = [...CDR_CSV_BASE_COLUMNS, 'uniqueid', 'userfield'];
  const ids = (out: ParseBatch) => out.calls.map((c) => c.id);

  it('reads a stock export (cdr.conf.sample: loguniqueid, loguserfield; 18 columns) with no columns configured', () => {
    const out = parse(`${cdr({ uniqueid: '1591000000.7' }, STOCK)}\n`);
    expect(out.rejects).toEqual([]);
    // The uniqueid column, not the line, names the call: the 18-column layout was recognised.
    expect(ids(out)).toEqual(['pbx:1591000000.7']);
  });

  it('recognises 16 and 21 columns, and tells uniqueid from userfield in 17 by its shape', () => {
    expect(ids(parse(`${cdr()}\n`))).toEqual(['pbx:Master.csv#1']);
    expect(ids(parse(`${cdr({ linkedid: '1591000000.3' }, CDR_CSV_EXTENDED_COLUMNS)}\n`))).toEqual([
      'pbx:1591000000.3',
    ]);
    const withUniqueid = [...CDR_CSV_BASE_COLUMNS, 'uniqueid'];
    const withUserfield = [...CDR_CSV_BASE_COLUMNS, 'userfield'];
    expect(ids(parse(`${cdr({ uniqueid: 'pbx1-1591000000.9' }, withUniqueid)}\n`))).toEqual(['pbx:pbx1-1591000000.9']);
    expect(ids(parse(`${cdr({ userfield: 'vip' }, withUserfield)}\n`))).toEqual(['pbx:Master.csv#1']);
  });

  it('takes the columns from a header row when none are configured', () => {
    const columns = ['start', 'answer', 'end', 'billsec', 'disposition', 'uniqueid', 'dstchannel', 'lastapp'];
    const row = cdr({ uniqueid: '1591000000.4' }, columns);
    expect(ids(parse(`${columns.join(',')}\n${row}\n`))).toEqual(['pbx:1591000000.4']);
  });

  it('names a layout by its count (16, 18, 19, 21)', () => {
    expect(CdrCsvOptionsSchema.parse({ columns: 18 }).columns).toEqual(STOCK);
    expect(CdrCsvOptionsSchema.parse({}).columns).toBe('auto');
  });

  it('refuses a file none of whose first rows fits the configured layout, with one error and nothing emitted', () => {
    const rows = Array.from({ length: 12 }, () => cdr({}, STOCK)).join('\n');
    const parser = createCdrCsvParser(ctx, { columns: [...CDR_CSV_EXTENDED_COLUMNS] }, pseudonymise);
    expect(() => parser.push(utf8(`${rows}\n`))).toThrow(
      'Master.csv: its first 10 rows have 18 columns, but source "pbx" expects 21 (' +
        `${CDR_CSV_EXTENDED_COLUMNS.join(',')}); nothing of the file was counted and it is not recorded as ingested`,
    );
  });

  it('refuses a short file at its end when no row fits, and a count no layout has', () => {
    const parser = createCdrCsvParser(ctx, {}, pseudonymise);
    expect(parser.push(utf8('"a","b","c"\n'))).toEqual(emptyBatch());
    expect(() => parser.end()).toThrow(
      "Master.csv: its only row has 3 columns, which is none of cdr_csv.c's layouts (16 to 21 columns)",
    );
  });

  it('keeps an odd row inside a file that fits as one bad_field_count reject', () => {
    const odd = cdr({}, CDR_CSV_BASE_COLUMNS);
    const out = parse(`${odd}\n${cdr({ uniqueid: '1591000000.1' }, STOCK)}\n${odd}\n`, { columns: 18 });
    expect(out.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'bad_field_count'],
      [3, 'bad_field_count'],
    ]);
    expect(ids(out)).toEqual(['pbx:1591000000.1']);
  });

  it('reads a newline inside a quoted userfield or clid as part of the field (cdr_csv.c does not escape it)', () => {
    const row = cdr(
      { uniqueid: '1591000000.2', userfield: 'first line\nsecond line', clid: '"A\nB" <01632960001>' },
      STOCK,
    );
    const out = parse(`${row}\n${cdr({ uniqueid: '1591000000.5' }, STOCK)}\n`);
    expect(out.rejects).toEqual([]);
    // The first row spans lines 1–3, so the second call starts on line 4.
    expect(out.calls.map((c) => [c.id, c.line])).toEqual([
      ['pbx:1591000000.2', 1],
      ['pbx:1591000000.5', 4],
    ]);
  });
});

describe('CDR CSV: options', () => {
  it('refuses unknown keys, missing required columns and unknown zones with actionable messages', () => {
    expect(() => createCdrCsvParser(ctx, { zone: 'Europe/Londn' }, pseudonymise)).toThrow(
      new InvalidOptionsError('CDR CSV', [
        'zone: must be an IANA time zone such as Europe/London or UTC (got "Europe/Londn")',
      ]),
    );
    expect(() =>
      createCdrCsvParser(ctx, { columns: ['src', 'end', 'answer', 'billsec', 'disposition'] }, pseudonymise),
    ).toThrow('CDR CSV options are invalid: columns: must include "start"');
    expect(() => createCdrCsvParser(ctx, { usegmtime: true } as CdrCsvOptionsInput, pseudonymise)).toThrow(
      'CDR CSV options are invalid: unknown key "usegmtime": check the spelling',
    );
  });
});
