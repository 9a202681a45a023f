import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallRecordV1, CHANNELS, DIRECTIONS, isValidCallRecord, OUTCOMES, type CallRecord } from '@cdrflow/schema';
import { CALL_ROW_FIELDS, callFromRow, callToRow } from '../src/call-record-check';

/*
 * isValidCallRecord is a hand-written copy of CallRecordV1 for the hot path;
 * these properties hold it to zod's answer on valid records and on records
 * with fields replaced by values chosen near every boundary the schema draws.
 */

const EARLIEST = Date.UTC(1990, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);
const KEYS = Object.keys(CallRecordV1.shape) as (keyof CallRecord)[];

const epoch = fc.integer({ min: EARLIEST, max: LATEST - 4 * 3_600_000 });
const validCall: fc.Arbitrary<CallRecord> = fc
  .record({
    native: fc.stringMatching(/^[0-9a-z.]{1,12}$/),
    stint: fc.integer({ min: 1, max: 3 }),
    version: fc.integer({ min: 1, max: 1_000 }),
    channel: fc.constantFrom(...CHANNELS),
    direction: fc.constantFrom(...DIRECTIONS),
    outcome: fc.constantFrom(...OUTCOMES),
    queue: fc.string(),
    arrivedAt: epoch,
    waitMs: fc.integer({ min: 0, max: 3_600_000 }),
    talkMs: fc.integer({ min: 0, max: 3_600_000 }),
    nullable: fc.option(fc.string(), { nil: null }),
  })
  .map(({ native, stint, version, channel, direction, outcome, queue, arrivedAt, waitMs, talkMs, nullable }) => {
    const id = `pbx:${native}`;
    return {
      schema: 'call.v1',
      id,
      contactId: stint === 1 ? id : `pbx:${native}.c`,
      stint,
      version,
      source: 'pbx',
      channel,
      direction,
      queue,
      service: '',
      arrivedAt,
      answeredAt: outcome === 'answered' ? arrivedAt + waitMs : null,
      endedAt: arrivedAt + waitMs + talkMs,
      waitMs,
      talkMs: outcome === 'answered' ? talkMs : 0,
      outcome,
      exitKey: nullable,
      callerKey: nullable,
      agent: nullable,
      file: 'queue_log',
      line: 1,
      rebuilt: nullable === null,
    };
  });

/** Values either side of every boundary CallRecordV1 draws, and the wrong types. */
const edgeValue = fc.constantFrom<unknown>(
  null,
  undefined,
  true,
  [],
  {},
  '',
  'ab',
  'abc',
  'pbx:1',
  'pbx:',
  ':1',
  'p x:1',
  'pbx:1 2',
  'a:b:c',
  'call.v1',
  'call.v2',
  ...CHANNELS,
  ...DIRECTIONS,
  ...OUTCOMES,
  'ANSWERED',
  -1,
  -0,
  0,
  1,
  1.5,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  EARLIEST - 1,
  EARLIEST,
  LATEST,
  LATEST + 1,
  1_590_994_800,
);

/**
 * zod's answer for a record taken as it is: zod fills a missing `rebuilt`
 * with its default (records written before the field), which the plain check
 * leaves to zod, so such a record is refused by the check and accepted by zod.
 */
const zodAccepts = (value: unknown): boolean =>
  CallRecordV1.safeParse(value).success && typeof (value as { rebuilt?: unknown }).rebuilt === 'boolean';

describe('isValidCallRecord agrees with CallRecordV1', () => {
  it('accepts every valid record', () => {
    fc.assert(
      fc.property(validCall, (call) => {
        expect(zodAccepts(call)).toBe(true);
        expect(isValidCallRecord(call)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives zod’s answer when fields are replaced by boundary values', () => {
    const mutation = fc.record({
      call: validCall,
      changes: fc.array(fc.tuple(fc.constantFrom(...KEYS), edgeValue), { minLength: 1, maxLength: 3 }),
    });
    let refused = 0;
    fc.assert(
      fc.property(mutation, ({ call, changes }) => {
        const mutated: Record<string, unknown> = { ...call };
        for (const [key, value] of changes) mutated[key] = value;
        const expected = zodAccepts(mutated);
        if (!expected) refused += 1;
        expect(isValidCallRecord(mutated)).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
    // The mutations must reach refusals, or the property says nothing.
    expect(refused).toBeGreaterThan(10_000);
  });

  it('refuses missing, extra and prototype keys, and non-objects', () => {
    fc.assert(
      fc.property(validCall, fc.constantFrom(...KEYS), (call, key) => {
        const missing: Record<string, unknown> = { ...call };
        delete missing[key];
        expect(isValidCallRecord(missing)).toBe(zodAccepts(missing));
        expect(isValidCallRecord(missing)).toBe(false);
      }),
      { numRuns: 500 },
    );
    const call = fc.sample(validCall, { numRuns: 1, seed: 7 })[0]!;
    expect(isValidCallRecord({ ...call, callerNumber: '01632960123' })).toBe(false);
    const polluted: unknown = JSON.parse(`${JSON.stringify(call).slice(0, -1)},"__proto__":{"x":1}}`);
    expect(isValidCallRecord(polluted)).toBe(zodAccepts(polluted));
    for (const value of [null, undefined, 'call.v1', 42, [call]]) expect(isValidCallRecord(value)).toBe(false);
  });
});

describe('callToRow and callFromRow', () => {
  it('write a call as a row in CALL_ROW_FIELDS order and read it back into the same record, key for key', () => {
    fc.assert(
      fc.property(validCall, (call) => {
        const row = CALL_ROW_FIELDS.map((f) => call[f as keyof CallRecord]);
        expect(callToRow(call)).toEqual(row);
        const record = callFromRow(row);
        expect(record).toEqual(call);
        expect(Object.keys(record)).toEqual(KEYS);
      }),
      { numRuns: 200 },
    );
  });
});
