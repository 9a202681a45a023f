import { AgentTimeV1 } from './agent-time';
import { CallRecordV1, type CallRecord } from './call-record';
import { CALL_ROW_FIELDS, callFromRow, callToRow, hasValidCallValues } from './call-record-check';
import { recordFrom, RecordInvalidError, type BusRecord } from './encoding';
import { RejectV1 } from './reject';
import { SurveyResponseV1 } from './survey-response';

/*
 * One bus message carries many records (docs/decisions.md §26): kafkajs sends
 * ~85k messages/s whatever their size, so a message per call capped the
 * pipeline below its target. An envelope holds records of one schema bound for
 * one partition, as rows of values under a field list written once:
 *
 *   {"envelope":"rows.v1","schema":"call.v1","fields":["id",…],"rows":[["pbx:1",…],…]}
 *
 * The field list travels with the rows, so a reader decodes by name: a field
 * added or removed by a newer writer is a clear validation error, never a
 * value read into the wrong column. A message that is a single record object
 * (the encoding before envelopes) still decodes.
 */

export const ENVELOPE_FORMAT = 'rows.v1';

type RecordSchema = BusRecord['schema'];

/** Field order per schema, fixed by the zod shapes (without `schema`, which the envelope names once). */
const FIELDS: Record<RecordSchema, readonly string[]> = {
  'call.v1': fieldsOf(CallRecordV1.shape),
  'survey.v1': fieldsOf(SurveyResponseV1.shape),
  'agent_time.v1': fieldsOf(AgentTimeV1.shape),
  'reject.v1': fieldsOf(RejectV1.shape),
};

function fieldsOf(shape: object): string[] {
  return Object.keys(shape).filter((k) => k !== 'schema');
}

/** CALL_ROW_FIELDS as one string, to tell an envelope in this writer's own call field order at a glance. */
const CALL_ROW_FIELD_LIST = CALL_ROW_FIELDS.join();

function isRecordSchema(value: unknown): value is RecordSchema {
  return typeof value === 'string' && Object.hasOwn(FIELDS, value);
}

/**
 * Builds envelopes for one schema and partition: rows are serialised as they
 * are added, so a caller can cut an envelope by size before the broker's
 * message limit.
 */
export class EnvelopeWriter {
  private rows: string[] = [];
  private bytes = 0;
  private readonly fields: readonly string[];
  private readonly head: string;

  constructor(readonly schema: RecordSchema) {
    this.fields = FIELDS[schema];
    this.head = `{"envelope":"${ENVELOPE_FORMAT}","schema":"${schema}","fields":${JSON.stringify(this.fields)},"rows":[`;
  }

  get count(): number {
    return this.rows.length;
  }

  /** Length of what `take` would return now, in UTF-16 code units (UTF-8 is at most 3 bytes per unit). */
  get length(): number {
    return this.head.length + this.bytes + Math.max(this.rows.length - 1, 0) + 2;
  }

  add(record: BusRecord): void {
    if (record.schema !== this.schema)
      throw new TypeError(`an envelope of ${this.schema} cannot hold a ${record.schema} record`);
    const values = record as unknown as Record<string, unknown>;
    // Calls, nearly every record, through a fixed-shape literal rather than a lookup per field.
    const row = JSON.stringify(record.schema === 'call.v1' ? callToRow(record) : this.fields.map((f) => values[f]));
    this.rows.push(row);
    this.bytes += row.length;
  }

  /** The envelope so far, and a fresh start. */
  take(): string {
    const value = `${this.head}${this.rows.join(',')}]}`;
    this.rows = [];
    this.bytes = 0;
    return value;
  }
}

/** A record of a message that failed its schema: which one, and why. */
export interface InvalidRow {
  /** 0-based position in the envelope (0 for a single-record message). */
  row: number;
  error: RecordInvalidError;
}

export interface DecodedMessage {
  records: BusRecord[];
  invalid: InvalidRow[];
}

/**
 * Decodes one bus message: an envelope of rows, or a single record. Rows that
 * fail their schema are returned apart, so the rest of the message still counts.
 */
export function decodeMessage(value: string): DecodedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e: unknown) {
    return whole(new RecordInvalidError('message', [`is not JSON (${(e as Error).message})`]));
  }
  if (typeof parsed !== 'object' || parsed === null || !('envelope' in parsed)) {
    try {
      return { records: [recordFrom(parsed)], invalid: [] };
    } catch (e: unknown) {
      if (e instanceof RecordInvalidError) return whole(e);
      throw e;
    }
  }
  return decodeEnvelope(parsed);
}

function whole(error: RecordInvalidError): DecodedMessage {
  return { records: [], invalid: [{ row: 0, error }] };
}

function decodeEnvelope(envelope: Partial<Record<string, unknown>>): DecodedMessage {
  const { envelope: format, schema, fields, rows } = envelope;
  if (format !== ENVELOPE_FORMAT)
    return whole(new RecordInvalidError('envelope', [`format ${JSON.stringify(format)} is not ${ENVELOPE_FORMAT}`]));
  if (!isRecordSchema(schema))
    return whole(
      new RecordInvalidError('envelope', [
        `schema ${JSON.stringify(schema)} is not one of ${Object.keys(FIELDS).join(', ')}`,
      ]),
    );
  if (!Array.isArray(fields) || !fields.every((f): f is string => typeof f === 'string') || !Array.isArray(rows))
    return whole(new RecordInvalidError('envelope', ['needs "fields" (an array of names) and "rows" (an array)']));
  const known = new Set(FIELDS[schema]);
  const unknown = fields.filter((f, i) => !known.has(f) || fields.indexOf(f) !== i);
  if (unknown.length > 0)
    return whole(
      new RecordInvalidError('envelope', [
        `fields ${unknown.map((f) => JSON.stringify(f)).join(', ')} are unknown to ${schema} or repeated`,
      ]),
    );
  // The common case: calls in this writer's own field order, read by a fixed-shape literal.
  const callRows = schema === 'call.v1' && fields.join() === CALL_ROW_FIELD_LIST;
  const records: BusRecord[] = [];
  const invalid: InvalidRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (callRows && Array.isArray(row) && row.length === CALL_ROW_FIELDS.length) {
      const record = callFromRow(row);
      if (hasValidCallValues(record)) {
        records.push(record as CallRecord);
        continue;
      }
    }
    if (!Array.isArray(row) || row.length !== fields.length) {
      const found = Array.isArray(row) ? `${row.length} values` : typeof row;
      invalid.push({ row: i, error: new RecordInvalidError(schema, [`row is ${found}, not ${fields.length} values`]) });
      continue;
    }
    const record: Record<string, unknown> = { schema };
    for (let f = 0; f < fields.length; f++) record[fields[f]!] = row[f];
    try {
      records.push(recordFrom(record));
    } catch (e: unknown) {
      if (!(e instanceof RecordInvalidError)) throw e;
      invalid.push({ row: i, error: e });
    }
  }
  return { records, invalid };
}
