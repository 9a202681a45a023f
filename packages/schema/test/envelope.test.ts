import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeRecord,
  EnvelopeWriter,
  makeReject,
  type BusRecord,
  type CallRecord,
} from '@cdrflow/schema';
import { call } from '../../../test/support/records';

const calls: CallRecord[] = [
  call({ id: 'pbx:1', callerKey: 'k1', agent: 'SIP/201', exitKey: null }),
  call({ id: 'pbx:2', outcome: 'abandoned', waitMs: 30_000, queue: 'council "tax", billing', exitKey: '3' }),
  call({ id: 'pbx:3', version: 4, queue: 'Ünïcödé ✓', file: 'C:\\exports\\queue_log', line: 9 }),
];

function envelope(records: readonly BusRecord[]): string {
  const writer = new EnvelopeWriter(records[0]!.schema);
  for (const r of records) writer.add(r);
  return writer.take();
}

describe('record envelopes', () => {
  it('round-trip every record exactly, in order', () => {
    expect(decodeMessage(envelope(calls))).toEqual({ records: calls, invalid: [] });
    const reject = makeReject({ source: 'cdr', file: 'Master.csv', line: 4 }, 'bad_field_count', 'x', '"a","b');
    expect(decodeMessage(envelope([reject]))).toEqual({ records: [reject], invalid: [] });
  });

  it('carry the rebuilt flag, and read an envelope or record written before it as not rebuilt', () => {
    const rebuilt = call({ id: 'pbx:4', rebuilt: true });
    expect(decodeMessage(envelope([rebuilt])).records).toEqual([rebuilt]);
    // A writer of before: the same envelope with `rebuilt` taken out of its field list and rows.
    const old = JSON.parse(envelope(calls)) as { fields: string[]; rows: unknown[][] };
    const at = old.fields.indexOf('rebuilt');
    old.fields.splice(at, 1);
    for (const row of old.rows) row.splice(at, 1);
    expect(decodeMessage(JSON.stringify(old))).toEqual({ records: calls, invalid: [] });
    const single: Partial<CallRecord> = { ...calls[0]! };
    delete single.rebuilt;
    expect(decodeMessage(JSON.stringify(single)).records).toEqual([calls[0]]);
  });

  it('write field names once and values as rows, smaller than a message per record', () => {
    const value = envelope(calls);
    expect(value.match(/"arrivedAt"/g)).toHaveLength(1);
    expect(value.length).toBeLessThan(calls.map((c) => encodeRecord(c)).join('').length * 0.7);
  });

  it('report the length so far, so a writer can cut before the broker’s message limit', () => {
    const writer = new EnvelopeWriter('call.v1');
    for (const c of calls) writer.add(c);
    expect(writer.count).toBe(3);
    const length = writer.length;
    expect(writer.take()).toHaveLength(length);
    expect(writer.count).toBe(0);
    expect(writer.take()).toBe(writer.take());
  });

  it('refuse a record of another schema', () => {
    const writer = new EnvelopeWriter('survey.v1');
    expect(() => writer.add(calls[0]!)).toThrow(/survey.v1 cannot hold a call.v1/);
  });

  it('still decode a message holding one record (the encoding before envelopes)', () => {
    expect(decodeMessage(encodeRecord(calls[0]!))).toEqual({ records: [calls[0]], invalid: [] });
  });

  it('return a bad row apart with its position and reason, and keep the rest', () => {
    const value = JSON.parse(envelope(calls)) as { fields: string[]; rows: unknown[][] };
    value.rows[1]![value.fields.indexOf('waitMs')] = -5;
    value.rows[2] = ['too', 'short'];
    const decoded = decodeMessage(JSON.stringify(value));
    expect(decoded.records).toEqual([calls[0]]);
    expect(decoded.invalid.map((i) => i.row)).toEqual([1, 2]);
    expect(decoded.invalid[0]!.error.message).toMatch(/waitMs/);
    expect(decoded.invalid[1]!.error.message).toMatch(/row is 2 values, not 21 values/);
  });

  it('refuse a whole message that is not JSON, an unknown format or schema, or unknown fields', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"envelope":', /not JSON/],
      ['{"envelope":"rows.v9","schema":"call.v1","fields":[],"rows":[]}', /rows.v9/],
      ['{"envelope":"rows.v1","schema":"call.v0","fields":[],"rows":[]}', /call.v0/],
      ['{"envelope":"rows.v1","schema":"call.v1","fields":"id","rows":[]}', /needs "fields"/],
      ['{"envelope":"rows.v1","schema":"call.v1","fields":["id","__proto__"],"rows":[]}', /"__proto__" are unknown/],
      [
        '{"envelope":"rows.v1","schema":"call.v1","fields":["id","id"],"rows":[]}',
        /"id" are unknown to call.v1 or repeated/,
      ],
      ['{"schema":"call.v1"}', /CallRecord is invalid/],
    ];
    for (const [value, reason] of cases) {
      const decoded = decodeMessage(value);
      expect(decoded.records).toEqual([]);
      expect(decoded.invalid).toHaveLength(1);
      expect(decoded.invalid[0]!.error.message).toMatch(reason);
    }
  });

  it('decode by field name, so a writer with another field order still reads right', () => {
    const value = JSON.parse(envelope(calls)) as { fields: string[]; rows: unknown[][] };
    const reversed = { ...value, fields: [...value.fields].reverse(), rows: value.rows.map((r) => [...r].reverse()) };
    expect(decodeMessage(JSON.stringify(reversed)).records).toEqual(calls);
  });
});
