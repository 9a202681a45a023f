import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Reject } from '@cdrflow/schema';
import {
  appendBatch,
  createCdrCsvParser,
  createMappedCsvParser,
  emptyBatch,
  QueueLogSession,
  type CdrCsvOptionsInput,
  type FileParser,
  type MappedCsvOptionsInput,
  type ParseBatch,
} from '@cdrflow/formats';
import { Redaction } from '../src/redact';

/**
 * fixtures/privacy/README.md lists every row of these files, the reject
 * reason it was written to give and the numbers it carries: 07700 900123 and
 * 07700 900456 (Ofcom's drama range) and +44 7700 900789.
 */
const fixture = (name: string): Uint8Array =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/privacy/${name}`, import.meta.url)));

/** Any written form of the three numbers: with or without the trunk 0, spaces or +44. */
const KNOWN_NUMBER = /7700\s?900\s?(123|456|789)/;

/** A stand-in for the collector's HMAC that keeps no digit of the number. */
const pseudonymise = (n: string): string =>
  `key-${[...n].map((c) => (c >= '0' && c <= '9' ? String.fromCharCode(97 + Number(c)) : c)).join('')}`;

function parseAll(parser: FileParser, bytes: Uint8Array): ParseBatch {
  const out = emptyBatch();
  appendBatch(out, parser.push(bytes));
  appendBatch(out, parser.end());
  return out;
}

/** The sources' options the fixtures were written for (fixtures/privacy/options.json, shared with the integration test). */
const OPTIONS = JSON.parse(new TextDecoder().decode(fixture('options.json'))) as {
  cdr: CdrCsvOptionsInput;
  mapped: MappedCsvOptionsInput;
};

const reasons = (rejects: readonly Reject[]): Array<[number, string]> =>
  rejects.map((r) => [r.line, r.reason] as [number, string]).sort((a, b) => a[0] - b[0]);

function expectNoNumber(batch: ParseBatch): void {
  for (const r of batch.rejects) expect(JSON.stringify(r)).not.toMatch(KNOWN_NUMBER);
  for (const c of batch.calls) expect(JSON.stringify(c)).not.toMatch(KNOWN_NUMBER);
}

describe('Redaction: the pattern rule', () => {
  it.each([
    ['07700900123', '***'],
    ['+44 7700 900789', '***'],
    ['+44 (0)7700 900789 ext', '*** ext'],
    ['call back on 07700-900-456.', 'call back on ***.'],
    ['SIP/07700900456-0000001a', 'SIP/***a'],
    // Dates, times and Asterisk unique ids stay, so the row can be found.
    ['2023-11-14 22:00:00', '2023-11-14 22:00:00'],
    ['14/11/2023 22:00:00', '14/11/2023 22:00:00'],
    ['22:00:00 07700900123', '22:00:00 ***'],
    ['1700000000.123', '1700000000.123'],
    // Shorter runs are extensions, positions, waits and durations.
    ['SIP/2001', 'SIP/2001'],
    ['sales,t,,,300', 'sales,t,,,300'],
    ['12345', '12345'],
  ])('%s → %s', (text, masked) => {
    expect(new Redaction().text(text)).toBe(masked);
  });

  it('masks in a detail the numbers it hid from the row, however printed, and keeps the parser own figures', () => {
    const r = new Redaction();
    r.text('07700900123|x');
    r.caller('Jane Doe');
    expect(r.detail('epoch 7700900123 is not between 1990 and 2100; maxWaitMs 86400000; "Jane Doe"')).toBe(
      'epoch *** is not between 1990 and 2100; maxWaitMs 86400000; "***"',
    );
  });
});

describe('fixtures/privacy: no caller number leaves a parser', () => {
  it('queue_log: every reject reason, numbers masked, file, line and reason kept', () => {
    const session = new QueueLogSession({ source: 'pbx', form: 'file', pseudonymise });
    const out = parseAll(session.openFile('queue_log'), fixture('queue_log'));
    expect(reasons(out.rejects)).toEqual([
      [2, 'duplicate_line'],
      [5, 'bad_field_count'],
      [6, 'bad_time'],
      [7, 'unknown_event'],
      [8, 'bad_event_data'],
      [10, 'absurd_wait'],
      [11, 'orphan_event'],
      [13, 'impossible_times'],
      [15, 'invalid_record'],
      [16, 'bad_encoding'],
    ]);
    expectNoNumber(out);
    expect(out.rejects.every((r) => r.file === 'queue_log' && r.source === 'pbx')).toBe(true);
    // The duplicate keeps everything but the caller's number and name, so the line can be matched by eye.
    expect(out.rejects.find((r) => r.line === 2)?.raw).toBe('1700000000|1700000000.1|sales|NONE|ENTERQUEUE||***|1|***');
  });

  it('queue_log_db: every reject reason of the table form, numbers masked', () => {
    const session = new QueueLogSession({ source: 'pbx', form: 'db', zone: 'UTC', pseudonymise });
    const out = parseAll(session.openFile('queue_log_db.csv'), fixture('queue_log_db.csv'));
    expect(reasons(out.rejects)).toEqual([
      [3, 'duplicate_line'],
      [6, 'bad_time'],
      [7, 'bad_field_count'],
      [8, 'bad_event_data'],
      [9, 'unknown_event'],
      [11, 'absurd_wait'],
      [12, 'bad_encoding'],
    ]);
    expectNoNumber(out);
    expect(out.rejects.find((r) => r.line === 3)?.raw).toBe(
      '2,2023-11-14 22:00:00,d1,sales,NONE,ENTERQUEUE,,***,1,***,',
    );
  });

  it('cdr_csv: every reject reason, caller columns masked; an outbound call is not queued under the number dialled', () => {
    const parser = createCdrCsvParser({ source: 'pbx', file: 'Master.csv' }, OPTIONS.cdr, pseudonymise);
    const out = parseAll(parser, fixture('Master.csv'));
    expect(reasons(out.rejects)).toEqual([
      [3, 'bad_field_count'],
      [4, 'bad_field_count'],
      [5, 'unknown_outcome'],
      [6, 'missing_field'],
      [7, 'bad_time'],
      [8, 'bad_number'],
      [9, 'absurd_wait'],
      [10, 'impossible_times'],
      [11, 'invalid_record'],
      [12, 'bad_encoding'],
    ]);
    expectNoNumber(out);
    expect(out.calls.map((c) => [c.direction, c.queue, c.callerKey])).toEqual([
      ['inbound', '600', pseudonymise('07700900123')],
      ['outbound', pseudonymise('07700900456'), pseudonymise('2001')],
    ]);
  });

  it('mapped: every reject reason of a mapped export, the caller column masked', () => {
    const parser = createMappedCsvParser({ source: 'vendor', file: 'calls.csv' }, OPTIONS.mapped, pseudonymise);
    const out = parseAll(parser, fixture('calls.csv'));
    expect(reasons(out.rejects)).toEqual([
      [3, 'bad_field_count'],
      [4, 'missing_field'],
      [5, 'bad_time'],
      [6, 'unknown_outcome'],
      [7, 'impossible_times'],
      [8, 'bad_number'],
      [9, 'absurd_wait'],
      [10, 'invalid_record'],
      [11, 'bad_field_count'],
      [12, 'bad_encoding'],
    ]);
    expectNoNumber(out);
    expect(out.calls.map((c) => c.callerKey)).toEqual([pseudonymise('07700900123')]);
  });
});
