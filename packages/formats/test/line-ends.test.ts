import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCdrCsvParser } from '../src/cdr-csv/cdr-csv-parser';
import type { CdrCsvOptionsInput } from '../src/cdr-csv/cdr-csv-options';
import { createMappedCsvParser } from '../src/mapped/mapped-csv-parser';
import type { MappedCsvOptionsInput } from '../src/mapped/mapped-csv-options';
import { QueueLogSession } from '../src/queue-log/queue-log-session';
import { appendBatch, emptyBatch, type FileParser, type ParseBatch } from '../src/types';
import { optionsFromReadme } from './fixture-options';

/**
 * Every format reads a file whose lines end in a bare CR (old Mac exports,
 * some Windows tools) or CRLF exactly as it reads the same file with LF: the
 * same records and rejects, line numbers included. The CR and CRLF forms are
 * the fixture with each line end rewritten, so the hand-checked LF figures
 * (the fixture READMEs, checked by each format's fixture test) are the
 * expectation. Chunks of 1 to 7 bytes put a CRLF's CR and LF in different
 * chunks at some point of every file. What is compared is what the
 * aggregator keeps (the latest version of each id) and every reject: a
 * queue_log parser emits a call's earlier states at chunk ends, so the
 * records in between depend on the chunking, not on the line ends.
 */

const fixtures = new URL('../../../fixtures/', import.meta.url);
const pseudonymise = (n: string): string => `k-${n.length}`;

type LineEnd = '\n' | '\r\n' | '\r';

function withLineEnds(bytes: Uint8Array, end: LineEnd): Uint8Array {
  return new TextEncoder().encode(new TextDecoder().decode(bytes).replace(/\r\n|\r|\n/g, end));
}

function parseAll(open: () => FileParser, bytes: Uint8Array, chunk: number): ParseBatch {
  const parser = open();
  const out = emptyBatch();
  for (let i = 0; i < bytes.length; i += chunk) appendBatch(out, parser.push(bytes.subarray(i, i + chunk)));
  return appendBatch(out, parser.end());
}

interface Settled {
  calls: ParseBatch['calls'];
  agentTimes: ParseBatch['agentTimes'];
  rejects: ParseBatch['rejects'];
}

function latest<T extends { id: string; version: number }>(records: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const r of records) if ((byId.get(r.id)?.version ?? 0) < r.version) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function settled(batch: ParseBatch): Settled {
  return {
    calls: latest(batch.calls),
    agentTimes: latest(batch.agentTimes),
    rejects: [...batch.rejects].sort((a, b) => a.line - b.line),
  };
}

interface Case {
  name: string;
  file: string;
  open: () => FileParser;
  /** What the LF form gives (the fixture README): a floor, so an empty parse cannot pass. */
  calls: number;
}

const cdrDir = new URL('cdr_csv/', fixtures);
const mappedDir = new URL('mapped/', fixtures);

const cases: Case[] = [
  {
    name: 'queue_log file',
    file: 'queue_log/day1.log',
    open: () => new QueueLogSession({ source: 'pbx', form: 'file', pseudonymise }).openFile('day1.log'),
    calls: 9,
  },
  {
    name: 'queue_log_db CSV',
    file: 'queue_log/queue_log_db.csv',
    open: () =>
      new QueueLogSession({ source: 'db', form: 'db', zone: 'Europe/London', pseudonymise }).openFile('db.csv'),
    calls: 3,
  },
  {
    name: 'CDR CSV',
    file: 'cdr_csv/Master.csv',
    open: () =>
      createCdrCsvParser(
        { source: 'pbx', file: 'Master.csv' },
        optionsFromReadme(cdrDir, 'Master.csv') as CdrCsvOptionsInput,
        pseudonymise,
      ),
    calls: 7,
  },
  {
    name: 'mapped CSV',
    file: 'mapped/tickets.csv',
    open: () =>
      createMappedCsvParser(
        { source: 'csc', file: 'tickets.csv' },
        optionsFromReadme(mappedDir, 'tickets.csv') as MappedCsvOptionsInput,
        pseudonymise,
      ),
    calls: 7,
  },
];

describe.each(cases)('$name: line ends', ({ file, open, calls }) => {
  const original = readFileSync(new URL(file, fixtures));
  const lf = settled(parseAll(open, withLineEnds(original, '\n'), 4096));

  it('the LF form gives the fixture’s records', () => {
    expect(lf.calls.length).toBeGreaterThanOrEqual(calls);
  });

  it.each<[string, LineEnd]>([
    ['bare CR', '\r'],
    ['CRLF', '\r\n'],
  ])('%s gives the LF form’s records and rejects, whatever the chunking', (_name, end) => {
    const bytes = withLineEnds(original, end);
    for (const chunk of [1, 2, 3, 7, 4096]) {
      expect(settled(parseAll(open, bytes, chunk)), `chunks of ${chunk} bytes`).toEqual(lf);
    }
  });
});
