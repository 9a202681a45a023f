import { CallRecordV1, CHANNELS, DIRECTIONS, OUTCOMES, type CallRecord } from './call-record';
import { EARLIEST_RECORD_MS, LATEST_RECORD_MS } from './record-time-bounds';

/*
 * The aggregator decodes every call it counts, and zod's checks cost more than
 * the JSON parse itself (BENCHMARKS.md, "bus decoding"). This is the same
 * contract written out as plain comparisons, for the hot path only: a record
 * it accepts is one CallRecordV1 accepts (a property test holds the two to the
 * same answer), and whatever it refuses goes to zod, which gives the reasons.
 */

const ID_PATTERN = /^[^:\s]+:\S+$/;
const CALL_KEYS: ReadonlySet<string> = new Set(Object.keys(CallRecordV1.shape));
const CHANNEL_SET: ReadonlySet<unknown> = new Set(CHANNELS);
const DIRECTION_SET: ReadonlySet<unknown> = new Set(DIRECTIONS);
const OUTCOME_SET: ReadonlySet<unknown> = new Set(OUTCOMES);

function isEpochMs(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isSafeInteger(value) && value >= EARLIEST_RECORD_MS && value <= LATEST_RECORD_MS
  );
}

function isDurationMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function hasExactlyCallKeys(value: object): boolean {
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!CALL_KEYS.has(key)) return false;
    count += 1;
  }
  return count === CALL_KEYS.size;
}

/** True when `value` is a valid call.v1 record as CallRecordV1 defines it. */
export function isValidCallRecord(value: unknown): value is CallRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return hasValidCallValues(value as Record<string, unknown>) && hasExactlyCallKeys(value);
}

/**
 * The field order of CallRecordV1 without `schema`: the order `callFromRow`
 * reads a row in.
 */
export const CALL_ROW_FIELDS = Object.keys(CallRecordV1.shape).filter((k) => k !== 'schema');

/**
 * A call record from a row of values in CALL_ROW_FIELDS order, as an object
 * literal: one shape for every record, where keys assigned from a field list
 * cost more than the JSON parse (BENCHMARKS.md, decoding). Its keys are
 * exactly the schema's, so only the values need checking.
 */
export function callFromRow(row: readonly unknown[]): Record<keyof CallRecord, unknown> {
  return {
    schema: 'call.v1',
    id: row[0],
    contactId: row[1],
    stint: row[2],
    version: row[3],
    source: row[4],
    channel: row[5],
    direction: row[6],
    queue: row[7],
    service: row[8],
    arrivedAt: row[9],
    answeredAt: row[10],
    endedAt: row[11],
    waitMs: row[12],
    talkMs: row[13],
    outcome: row[14],
    exitKey: row[15],
    callerKey: row[16],
    agent: row[17],
    file: row[18],
    line: row[19],
    rebuilt: row[20],
  };
}

/** The values of a call in CALL_ROW_FIELDS order: callFromRow's inverse. */
export function callToRow(c: CallRecord): unknown[] {
  return [
    c.id,
    c.contactId,
    c.stint,
    c.version,
    c.source,
    c.channel,
    c.direction,
    c.queue,
    c.service,
    c.arrivedAt,
    c.answeredAt,
    c.endedAt,
    c.waitMs,
    c.talkMs,
    c.outcome,
    c.exitKey,
    c.callerKey,
    c.agent,
    c.file,
    c.line,
    c.rebuilt,
  ];
}

/** Every value of `r` as CallRecordV1 requires; says nothing of keys beyond the schema's. */
export function hasValidCallValues(r: Record<string, unknown>): boolean {
  const { id, contactId, stint, arrivedAt, answeredAt, endedAt, talkMs } = r;
  return (
    r['schema'] === 'call.v1' &&
    typeof id === 'string' &&
    id.length >= 3 &&
    ID_PATTERN.test(id) &&
    typeof contactId === 'string' &&
    contactId.length >= 3 &&
    typeof stint === 'number' &&
    Number.isSafeInteger(stint) &&
    stint > 0 &&
    (stint !== 1 || contactId === id) &&
    typeof r['version'] === 'number' &&
    Number.isSafeInteger(r['version']) &&
    r['version'] > 0 &&
    typeof r['source'] === 'string' &&
    r['source'].length >= 1 &&
    CHANNEL_SET.has(r['channel']) &&
    DIRECTION_SET.has(r['direction']) &&
    typeof r['queue'] === 'string' &&
    typeof r['service'] === 'string' &&
    isEpochMs(arrivedAt) &&
    (answeredAt === null || (isEpochMs(answeredAt) && answeredAt >= arrivedAt)) &&
    (endedAt === null || (isEpochMs(endedAt) && endedAt >= arrivedAt)) &&
    isDurationMs(r['waitMs']) &&
    isDurationMs(talkMs) &&
    OUTCOME_SET.has(r['outcome']) &&
    (r['outcome'] === 'answered' || talkMs === 0) &&
    isStringOrNull(r['exitKey']) &&
    isStringOrNull(r['callerKey']) &&
    isStringOrNull(r['agent']) &&
    typeof r['file'] === 'string' &&
    isDurationMs(r['line']) &&
    typeof r['rebuilt'] === 'boolean'
  );
}
