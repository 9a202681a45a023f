import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsFromReadme as readmeOptions } from './fixture-options';
import { createMappedCsvParser } from '../src/mapped/mapped-csv-parser';
import type { MappedCsvOptionsInput } from '../src/mapped/mapped-csv-options';
import { appendBatch, emptyBatch, type ParseBatch } from '../src/types';

const dir = new URL('../../../fixtures/mapped/', import.meta.url);

function optionsFromReadme(file: string): MappedCsvOptionsInput {
  return readmeOptions(dir, file) as MappedCsvOptionsInput;
}

function parseFixture(file: string, source: string): ParseBatch {
  const bytes = readFileSync(new URL(file, dir));
  const parser = createMappedCsvParser({ source, file }, optionsFromReadme(file), (n) => `hmac-${n.length}`);
  const out = emptyBatch();
  for (let i = 0; i < bytes.length; i += 100) appendBatch(out, parser.push(bytes.subarray(i, i + 100)));
  return appendBatch(out, parser.end());
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('fixtures/mapped/tickets.csv', () => {
  const out = parseFixture('tickets.csv', 'csc');
  const answered = out.calls.filter((c) => c.outcome === 'answered');

  it('gives the README records and rejects', () => {
    expect(out.calls.map((c) => [c.line, c.id, c.outcome, c.waitMs / 1000, c.talkMs / 1000, c.service])).toEqual([
      [2, 'csc:A001', 'answered', 180, 420, 'Revenues'],
      [3, 'csc:A002', 'answered', 480, 330, 'Revenues'],
      [4, 'csc:H001', 'answered', 90, 810, 'Housing'],
      [5, 'csc:H002', 'abandoned', 1380, 0, 'Housing'],
      [6, 'csc:B001', 'abandoned', 660, 0, 'Revenues'],
      [7, 'csc:B002', 'answered', 675, 825, 'Revenues'],
      [9, 'csc:A003', 'answered', 740, 460, 'Revenues'],
    ]);
    expect(out.rejects.map((r) => [r.line, r.reason])).toEqual([
      [8, 'unknown_outcome'],
      [10, 'bad_time'],
    ]);
    expect(out.calls.every((c) => c.channel === 'face_to_face')).toBe(true);
    expect(out.calls[0]?.arrivedAt).toBe(Date.parse('2020-06-02T08:00:00Z'));
  });

  it('adds up to the README figures', () => {
    expect([out.calls.length, out.rejects.length]).toEqual([7, 2]);
    expect(answered.length).toBe(5);
    expect(sum(answered.map((c) => c.waitMs))).toBe(2_165_000); // 180 + 480 + 90 + 675 + 740 s
    expect(sum(answered.map((c) => c.waitMs)) / answered.length / 1000).toBe(433); // CSU12
    expect(out.calls.filter((c) => c.outcome === 'abandoned').length).toBe(2);
    expect(sum(out.calls.map((c) => c.talkMs))).toBe(2_845_000); // 420 + 330 + 810 + 825 + 460 s
    const revenues = out.calls.filter((c) => c.service === 'Revenues');
    expect([revenues.length, revenues.filter((c) => c.outcome === 'answered').length]).toEqual([5, 4]);
    expect(sum(revenues.filter((c) => c.outcome === 'answered').map((c) => c.waitMs))).toBe(2_075_000);
    const housing = out.calls.filter((c) => c.service === 'Housing' && c.outcome === 'answered');
    expect(sum(housing.map((c) => c.waitMs))).toBe(90_000);
  });
});

describe('fixtures/mapped/survey.csv', () => {
  const out = parseFixture('survey.csv', 'survey');

  it('gives the README responses and rejects', () => {
    expect(out.surveys.map((s) => [s.line, s.id, s.score, s.satisfied, s.callId])).toEqual([
      [2, 'survey:S1', 5, true, 'pbx:1591002000.1'],
      [3, 'survey:S2', 4, true, 'pbx:1591003800.9'],
      [4, 'survey:S3', 2, false, null],
      [6, 'survey:S4', 5, true, null],
      [7, 'survey:S5', 3, false, 'pbx:1591004000.12'],
      [9, 'survey:S7', 4, true, null],
    ]);
    expect(out.rejects.map((r) => [r.line, r.reason])).toEqual([[8, 'bad_number']]);
    expect(out.surveys[0]?.at).toBe(Date.parse('2020-06-01T08:10:00Z'));
  });

  it('adds up to the README figures', () => {
    expect(out.surveys.length).toBe(6);
    expect(out.surveys.filter((s) => s.satisfied).length).toBe(4); // CSU06 = 4 / 6
    expect(sum(out.surveys.map((s) => s.score))).toBe(23);
    expect(out.surveys.filter((s) => s.callId !== null).length).toBe(3);
  });
});
