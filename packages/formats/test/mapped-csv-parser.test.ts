import { describe, expect, it } from 'vitest';
import {
  makeReject,
  parseCallRecord,
  parseSurveyResponse,
  type CallRecord,
  type SurveyResponse,
} from '@cdrflow/schema';
import { createMappedCsvParser } from '../src/mapped/mapped-csv-parser';
import type { MappedCsvOptionsInput } from '../src/mapped/mapped-csv-options';
import { appendBatch, emptyBatch, type ParseBatch } from '../src/types';

const ctx = { source: 'qmatic', file: 'tickets.csv' };
const pseudonymise = (n: string) => `key(${[...n].reverse().join('')})`;

function parse(text: string, options: MappedCsvOptionsInput, chunk = 0): ParseBatch {
  const bytes = new TextEncoder().encode(text);
  const parser = createMappedCsvParser(ctx, options, pseudonymise);
  const out = emptyBatch();
  const step = chunk > 0 ? chunk : Math.max(bytes.length, 1);
  for (let i = 0; i < bytes.length; i += step) appendBatch(out, parser.push(bytes.subarray(i, i + step)));
  appendBatch(out, parser.end());
  for (const c of out.calls) parseCallRecord(c);
  for (const s of out.surveys) parseSurveyResponse(s);
  return out;
}

const TICKETS: MappedCsvOptionsInput = {
  kind: 'calls',
  channel: 'face_to_face',
  timeFormat: 'dd/MM/yyyy HH:mm:ss',
  columns: {
    id: 'Ticket',
    arrivedAt: 'Issued',
    answeredAt: 'Called',
    endedAt: 'Closed',
    outcome: 'Status',
    queue: 'Service Point',
    agent: 'Advisor',
  },
  outcomes: { SERVED: 'answered', LEFT: 'abandoned', NOSHOW: 'abandoned' },
  queueServices: { 'Council Tax': 'Revenues', Housing: 'Housing' },
};
const HEADER = 'Ticket,Issued,Called,Closed,Status,Service Point,Advisor';
// 2020-06-01 is BST: 09:00:00 local = 08:00:00Z.
const T0 = Date.UTC(2020, 5, 1, 8, 0, 0);

const SERVED: CallRecord = {
  schema: 'call.v1',
  rebuilt: false,
  id: 'qmatic:T1001',
  contactId: 'qmatic:T1001',
  stint: 1,
  version: 1,
  source: 'qmatic',
  channel: 'face_to_face',
  direction: 'inbound',
  queue: 'Council Tax',
  service: 'Revenues',
  arrivedAt: T0,
  answeredAt: T0 + 270_000, // called forward 09:04:30
  endedAt: T0 + 750_000, // closed 09:12:30
  waitMs: 270_000, // ticket → call-forward: 4 min 30 s
  talkMs: 480_000, // call-forward → closed: 12:30 − 4:30 = 8 min
  outcome: 'answered',
  exitKey: null,
  callerKey: null,
  agent: 'Desk 3',
  file: 'tickets.csv',
  line: 2,
};

describe('mapped CSV: face-to-face ticket export', () => {
  it('reads served and walked-out tickets into exact records', () => {
    const text = [
      HEADER,
      'T1001,01/06/2020 09:00:00,01/06/2020 09:04:30,01/06/2020 09:12:30,SERVED,Council Tax,Desk 3',
      'T1002,01/06/2020 09:01:00,,01/06/2020 09:21:00,LEFT,Housing,',
    ].join('\r\n');
    expect(parse(text, TICKETS)).toEqual({
      calls: [
        SERVED,
        {
          ...SERVED,
          id: 'qmatic:T1002',
          contactId: 'qmatic:T1002',
          queue: 'Housing',
          service: 'Housing',
          arrivedAt: T0 + 60_000,
          answeredAt: null,
          endedAt: T0 + 1_260_000, // 09:21:00
          waitMs: 1_200_000, // unanswered: closed − issued = 20 min
          talkMs: 0,
          outcome: 'abandoned',
          agent: null,
          line: 3,
        },
      ],
      surveys: [],
      agentTimes: [],
      rejects: [],
    });
  });

  it('matches header names trimmed and case-insensitively, in any column order', () => {
    const text = [
      ' advisor ,STATUS,Closed,Called,Issued,Ticket,Service Point',
      'Desk 3,SERVED,01/06/2020 09:12:30,01/06/2020 09:04:30,01/06/2020 09:00:00,T1001,Council Tax',
    ].join('\n');
    expect(parse(text, TICKETS).calls).toEqual([SERVED]);
  });

  it('gives the same result one byte at a time', () => {
    const text = `${HEADER}\n"T1001","01/06/2020 09:00:00","01/06/2020 09:04:30","01/06/2020 09:12:30","SERVED","Council Tax","Desk 3"\n`;
    expect(parse(text, TICKETS, 1)).toEqual(parse(text, TICKETS));
    expect(parse(text, TICKETS, 1).calls).toEqual([SERVED]);
  });

  it('rejects each bad row with its reason and keeps the good ones', () => {
    const rows = [
      HEADER,
      'T1,01/06/2020 09:00:00,,01/06/2020 09:10:00,GONE,Housing,', // 2
      'T2,2020-06-01 09:00,,01/06/2020 09:10:00,LEFT,Housing,', // 3
      ',01/06/2020 09:00:00,,01/06/2020 09:10:00,LEFT,Housing,', // 4
      'T4,01/06/2020 09:00:00,,01/06/2020 09:10:00,LEFT,Housing', // 5
      'T5,01/06/2020 09:00:00,01/06/2020 08:59:00,01/06/2020 09:10:00,SERVED,Housing,Desk 1', // 6
      'T6,01/06/2020 09:00:00,,,LEFT,Housing,', // 7
      'T7,01/06/2020 09:00:00,,02/06/2020 09:00:01,LEFT,Housing,', // 8
      'T8 x,01/06/2020 09:00:00,,01/06/2020 09:10:00,LEFT,Housing,', // 9
      'T9,01/06/2020 09:00:00,,01/06/2020 09:10:00,LEFT,Housing,', // 10: good
    ];
    const out = parse(rows.join('\n'), TICKETS);
    const r = (line: number, reason: Parameters<typeof makeReject>[1], detail: string) =>
      makeReject({ ...ctx, line }, reason, detail, rows[line - 1] ?? '');
    expect(out.rejects).toEqual([
      r(2, 'unknown_outcome', 'outcome code "GONE" is not in the source\'s outcomes (SERVED, LEFT, NOSHOW)'),
      r(3, 'bad_time', 'arrivedAt "2020-06-01 09:00" does not match timeFormat "dd/MM/yyyy HH:mm:ss"'),
      r(4, 'missing_field', 'id is empty'),
      r(5, 'bad_field_count', 'expected 7 fields as in the header, got 6'),
      r(6, 'impossible_times', 'answeredAt is before arrivedAt'),
      r(7, 'missing_field', 'endedAt (unanswered contact) is empty and there is no waitSeconds value to use instead'),
      // 24 h + 1 s = 86 401 000 ms > the default 86 400 000
      r(8, 'absurd_wait', 'wait 86401000 ms is above maxWaitMs 86400000'),
      r(9, 'invalid_record', 'CallRecord is invalid: id: must look like <source>:<native id> (got "qmatic:T8 x")'),
    ]);
    expect(out.calls.map((c) => [c.id, c.waitMs])).toEqual([['qmatic:T9', 600_000]]);
  });

  it('rejects the header and every row when a mapped column is missing', () => {
    const rows = ['Ticket,Issued,Closed,Status', 'T1,01/06/2020 09:00:00,01/06/2020 09:10:00,LEFT'];
    const detail =
      'the header has no column for answeredAt → "Called", queue → "Service Point", agent → "Advisor"; it has "Ticket", "Issued", "Closed", "Status"';
    expect(parse(rows.join('\n'), TICKETS).rejects).toEqual([
      makeReject({ ...ctx, line: 1 }, 'missing_field', detail, rows[0] ?? ''),
      makeReject({ ...ctx, line: 2 }, 'missing_field', detail, rows[1] ?? ''),
    ]);
  });
});

describe('mapped CSV: headerless calls by index', () => {
  const options: MappedCsvOptionsInput = {
    kind: 'calls',
    header: false,
    delimiter: ';',
    timeFormat: 'epoch_s',
    columns: {
      id: 0,
      arrivedAt: 1,
      waitSeconds: 2,
      talkSeconds: 3,
      outcome: 4,
      caller: 5,
      direction: 6,
      version: 7,
      queue: 8,
    },
    outcomes: { '1': 'answered', '2': 'abandoned', '9': 'timeout' },
    directions: { I: 'inbound', O: 'outbound' },
    queueServices: { billing: 'Finance' },
  };

  it('uses wait and talk columns, maps direction codes, pseudonymises the caller', () => {
    // 1591000000 s = 2020-06-01T08:26:40Z
    const out = parse(
      'c-1;1591000000;12.5;60;1;07700900123;I;2;billing;extra\nc-2;1591000100;30;;9;;O;;billing\n',
      options,
    );
    expect(out).toEqual({
      calls: [
        {
          ...SERVED,
          id: 'qmatic:c-1',
          contactId: 'qmatic:c-1',
          version: 2,
          channel: 'phone',
          queue: 'billing',
          service: 'Finance',
          arrivedAt: 1_591_000_000_000,
          answeredAt: null, // no answeredAt column
          endedAt: null,
          waitMs: 12_500, // 12.5 s
          talkMs: 60_000,
          callerKey: 'key(32100900770)',
          agent: null,
          line: 1,
        },
        {
          ...SERVED,
          id: 'qmatic:c-2',
          contactId: 'qmatic:c-2',
          channel: 'phone',
          direction: 'outbound',
          queue: 'billing',
          service: 'Finance',
          arrivedAt: 1_591_000_100_000,
          answeredAt: null,
          endedAt: null,
          waitMs: 30_000,
          talkMs: 0, // empty talkSeconds, no times to compute it from
          outcome: 'timeout',
          agent: null,
          line: 2,
        },
      ],
      surveys: [],
      agentTimes: [],
      rejects: [],
    });
  });

  it('rejects short rows, bad numbers, unmapped directions and bad versions', () => {
    const rows = [
      'c-1;1591000000;12.5', // too few fields: largest index is 8
      'c-2;1591000000;abc;;1;;I;;billing',
      'c-3;1591000000;-1;;1;;I;;billing',
      'c-4;1591000000;5;;1;;X;;billing',
      'c-5;1591000000;5;;1;;I;0;billing',
      'c-6;1591000000;5;10;2;;I;;billing', // talk on an abandoned call
    ];
    const out = parse(rows.join('\n'), options);
    expect(out.rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [1, 'bad_field_count', 'expected at least 9 fields (the largest mapped index is 8), got 3'],
      [2, 'bad_number', 'waitSeconds "abc" is not a number of seconds'],
      [3, 'absurd_wait', 'waitSeconds -1 s is outside 0..86400 s (maxWaitMs)'],
      [4, 'invalid_record', 'direction code "X" is not in the source\'s directions (I, O)'],
      [5, 'bad_number', 'version "0" is not a whole number ≥ 1'],
      [6, 'invalid_record', 'CallRecord is invalid: talkMs: must be 0 unless the outcome is answered (got 10000)'],
    ]);
    expect(out.calls).toEqual([]);
  });

  it('re-reads an end time in the autumn overlap with the later offset', () => {
    const out = parse('a,25/10/2020 01:50,25/10/2020 01:10,NOSHOW\n', {
      kind: 'calls',
      header: false,
      timeFormat: 'dd/MM/yyyy HH:mm',
      columns: { id: 0, arrivedAt: 1, endedAt: 2, outcome: 3 },
      outcomes: { NOSHOW: 'abandoned' },
    });
    // 01:50 BST = 00:50Z; 01:10 as BST (00:10Z) is before it, so GMT: 01:10Z; wait 20 min.
    expect(out.calls.map((c) => [c.arrivedAt, c.endedAt, c.waitMs])).toEqual([
      [Date.UTC(2020, 9, 25, 0, 50), Date.UTC(2020, 9, 25, 1, 10), 1_200_000],
    ]);
  });
});

describe('mapped CSV: survey export', () => {
  const options: MappedCsvOptionsInput = {
    kind: 'survey',
    timeFormat: 'iso',
    columns: { id: 'ResponseID', at: 'Submitted', score: 'Q1 Satisfaction', callId: 'CallRef' },
    scale: 5,
    satisfiedAtOrAbove: 4,
    callSource: 'pbx',
    maxLinesPerRow: 3,
  };
  const R1: SurveyResponse = {
    schema: 'survey.v1',
    id: 'qmatic:R1',
    version: 1,
    source: 'qmatic',
    at: Date.UTC(2020, 5, 1, 8, 30), // 09:30 BST
    callId: 'pbx:1591000000.1',
    score: 5,
    scale: 5,
    satisfied: true, // 5 ≥ 4
    file: 'tickets.csv',
    line: 2,
  };

  it('reads scores, satisfaction and call links, with a comment spanning lines', () => {
    const text = [
      'ResponseID,Submitted,Q1 Satisfaction,CallRef,Comment',
      'R1,2020-06-01T09:30:00,5,1591000000.1,"Quick, ""polite"""',
      'R2,2020-06-01T09:31:00Z,3,,"waited',
      'too long"',
      'R3,2020-06-01T09:32:00,4.5,,',
    ].join('\n');
    expect(parse(text, options)).toEqual({
      calls: [],
      surveys: [
        R1,
        { ...R1, id: 'qmatic:R2', at: Date.UTC(2020, 5, 1, 9, 31), callId: null, score: 3, satisfied: false, line: 3 },
        { ...R1, id: 'qmatic:R3', at: Date.UTC(2020, 5, 1, 8, 32), callId: null, score: 4.5, satisfied: true, line: 5 },
      ],
      agentTimes: [],
      rejects: [],
    });
  });

  it('rejects scores off the scale or not numbers', () => {
    const text = [
      'ResponseID,Submitted,Q1 Satisfaction,CallRef',
      'R4,2020-06-01T09:30:00,6,',
      'R5,2020-06-01T09:30:00,0,',
      'R6,2020-06-01T09:30:00,good,',
      'R7,2020-06-01T09:30:00,,',
      'R8,yesterday,4,',
    ].join('\n');
    expect(parse(text, options).rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [2, 'bad_number', 'score 6 is outside the scale 1..5'],
      [3, 'bad_number', 'score 0 is outside the scale 1..5'],
      [4, 'bad_number', 'score "good" is not a number'],
      [5, 'missing_field', 'score is empty'],
      [6, 'bad_time', 'at "yesterday" does not match timeFormat "iso"'],
    ]);
  });
});

describe('mapped CSV: options', () => {
  const make = (o: unknown) => () => createMappedCsvParser(ctx, o as MappedCsvOptionsInput, pseudonymise);

  it('names the key, the value and what was expected', () => {
    expect(make({ ...TICKETS, columns: { ...(TICKETS as { columns: object }).columns, id: 0 } })).toThrow(
      'mapped CSV options are invalid: columns.id: must be a header name (a string) because header is true; set header: false to use indexes (got 0)',
    );
    expect(make({ ...TICKETS, timeFormat: 'dd MMM yyyy' })).toThrow(
      'timeFormat: time format "dd MMM yyyy" uses "MMM", which is not supported',
    );
    expect(make({ ...TICKETS, outcomes: {} })).toThrow('outcomes: must map at least one vendor outcome code (got {})');
    expect(make({ ...TICKETS, outcomes: { S: 'served' } })).toThrow('outcomes.S: Invalid option');
    expect(make({ ...TICKETS, delimiter: '||' })).toThrow('delimiter: must be one character');
    expect(make({ ...TICKETS, colums: {} })).toThrow(
      'mapped CSV options are invalid: unknown key "colums": check the spelling',
    );
    expect(
      make({ kind: 'survey', columns: { id: 'a', at: 'b', score: 'c' }, scale: 5, satisfiedAtOrAbove: 6 }),
    ).toThrow('satisfiedAtOrAbove: must be within the scale 1..5 (got 6)');
  });
});
