import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsFromReadme as readmeOptions } from './fixture-options';
import { encodeRecord } from '@cdrflow/schema';
import { createCdrCsvParser } from '../src/cdr-csv/cdr-csv-parser';
import type { CdrCsvOptionsInput } from '../src/cdr-csv/cdr-csv-options';
import { appendBatch, emptyBatch } from '../src/types';

const dir = new URL('../../../fixtures/cdr_csv/', import.meta.url);

function optionsFromReadme(file: string): unknown {
  return readmeOptions(dir, file);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('fixtures/cdr_csv/Master.csv', () => {
  const bytes = readFileSync(new URL('Master.csv', dir));
  const parser = createCdrCsvParser(
    { source: 'pbx', file: 'Master.csv' },
    optionsFromReadme('Master.csv') as CdrCsvOptionsInput,
    (n) => `hmac-${n.length}`,
  );
  const out = emptyBatch();
  // 4 KiB chunks, so rows straddle chunk boundaries.
  for (let i = 0; i < bytes.length; i += 4096) appendBatch(out, parser.push(bytes.subarray(i, i + 4096)));
  appendBatch(out, parser.end());
  const calls = out.calls;
  const inbound = calls.filter((c) => c.direction === 'inbound');
  const answeredIn = inbound.filter((c) => c.outcome === 'answered');

  it('gives the README records and rejects', () => {
    expect(
      calls.map((c) => [
        c.id,
        c.line,
        c.version,
        c.direction,
        c.queue,
        c.service,
        c.outcome,
        c.waitMs,
        c.talkMs,
        c.agent,
      ]),
    ).toEqual([
      ['pbx:1591002000.1', 1, 2, 'inbound', 'revenues', 'Finance', 'answered', 90_000, 240_000, 'SIP/2001-00000003'],
      ['pbx:1591002030.2', 2, 1, 'inbound', 'housing', 'Housing', 'abandoned', 45_000, 0, null],
      ['pbx:1591002600.5', 4, 1, 'outbound', '', '', 'answered', 8_000, 120_000, 'SIP/trunk-00000005'],
      ['pbx:1591002900.7', 5, 1, 'internal', '', '', 'other', 3_000, 0, null],
      ['pbx:1591003200.8', 6, 1, 'inbound', 'revenues', 'Finance', 'abandoned', 20_000, 0, null],
      ['pbx:1591003800.9', 8, 3, 'inbound', 'housing', 'Housing', 'answered', 120_000, 180_000, 'SIP/2004-0000000f'],
      ['pbx:1591004000.12', 12, 1, 'inbound', 'revenues', 'Finance', 'answered', 40_000, 300_000, 'SIP/2001-00000011'],
    ]);
    expect(out.rejects.map((r) => [r.line, r.reason])).toEqual([
      [7, 'bad_field_count'],
      [10, 'impossible_times'],
    ]);
    // 09:00:00 BST on 1 June 2020
    expect(calls[0]?.arrivedAt).toBe(Date.parse('2020-06-01T08:00:00Z'));
  });

  it('adds up to the README figures', () => {
    expect(sum(calls.map((c) => c.version)) + out.rejects.length).toBe(12); // 10 legs + 2 rejects
    expect([inbound.length, calls.length - inbound.length]).toEqual([5, 2]);
    expect([answeredIn.length, inbound.filter((c) => c.outcome === 'abandoned').length]).toEqual([3, 2]);
    expect(sum(answeredIn.map((c) => c.waitMs))).toBe(250_000); // 90 + 120 + 40 s
    expect(sum(inbound.map((c) => c.waitMs))).toBe(315_000); // 90 + 45 + 20 + 120 + 40 s
    expect(sum(calls.map((c) => c.talkMs))).toBe(840_000); // 240 + 120 + 180 + 300 s
  });

  it('never carries a caller number', () => {
    expect(calls.every((c) => c.callerKey !== null)).toBe(true);
    for (const c of calls) expect(encodeRecord(c)).not.toMatch(/01632960\d{3}/);
  });
});
