import type { z } from 'zod';
import { FailureError } from '@cdrflow/errors';
import { AgentTimeV1, type AgentTime } from './agent-time';
import { CallRecordV1, type CallRecord } from './call-record';
import { isValidCallRecord } from './call-record-check';
import { describeIssue } from './describe-issue';
import { RejectV1, type Reject } from './reject';
import { SurveyResponseV1, type SurveyResponse } from './survey-response';

export type BusRecord = CallRecord | SurveyResponse | AgentTime | Reject;

/** A record that failed its schema; the message names every failing field. */
export class RecordInvalidError extends FailureError {
  override readonly name = 'RecordInvalidError';
  readonly code = 'record_invalid';
  /** What failed: a record type (CallRecord, Reject…), or 'record', 'message' or 'envelope' (`kind` is the error's). */
  readonly record: string;
  constructor(
    record: string,
    readonly issues: readonly string[],
  ) {
    super(`${record} is invalid: ${issues.join('; ')}`);
    this.record = record;
  }
}

function validator<T>(kind: string, schema: z.ZodType<T>): (value: unknown) => T {
  return (value) => {
    const result = schema.safeParse(value);
    if (!result.success)
      throw new RecordInvalidError(
        kind,
        result.error.issues.map((i) => describeIssue(i, value)),
      );
    return result.data;
  };
}

/** zod's answer alone, with every failing field named: the contract, and the reasons for a reject. */
export const parseCallRecordWithZod = validator('CallRecord', CallRecordV1);

/**
 * A valid call as it is, or RecordInvalidError with zod's reasons. Calls are
 * most of what the collector emits and the aggregator decodes, and zod costs
 * more than the JSON parse, so the plain check (held to zod's answer by a
 * property test) answers first and zod runs only on what it refuses.
 */
export function parseCallRecord(value: unknown): CallRecord {
  return isValidCallRecord(value) ? value : parseCallRecordWithZod(value);
}
export const parseSurveyResponse = validator('SurveyResponse', SurveyResponseV1);
export const parseReject = validator('Reject', RejectV1);
export const parseAgentTime = validator('AgentTime', AgentTimeV1);

/** Field order is fixed by the schema, so the same record always encodes to the same bytes. */
const CALL_KEYS = Object.keys(CallRecordV1.shape) as (keyof CallRecord)[];
const SURVEY_KEYS = Object.keys(SurveyResponseV1.shape) as (keyof SurveyResponse)[];
const REJECT_KEYS = Object.keys(RejectV1.shape) as (keyof Reject)[];
const AGENT_TIME_KEYS = Object.keys(AgentTimeV1.shape) as (keyof AgentTime)[];

function stableJson<T extends object>(record: T, keys: readonly (keyof T)[]): string {
  const ordered: Partial<T> = {};
  for (const key of keys) ordered[key] = record[key];
  return JSON.stringify(ordered);
}

export function encodeRecord(record: BusRecord): string {
  switch (record.schema) {
    case 'call.v1':
      return stableJson(record, CALL_KEYS);
    case 'survey.v1':
      return stableJson(record, SURVEY_KEYS);
    case 'agent_time.v1':
      return stableJson(record, AGENT_TIME_KEYS);
    case 'reject.v1':
      return stableJson(record, REJECT_KEYS);
  }
}

/** Decodes and validates any bus record; unknown schemas fail by name. */
export function decodeRecord(json: string): BusRecord {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e: unknown) {
    throw new RecordInvalidError('record', [`is not JSON (${(e as Error).message})`]);
  }
  return recordFrom(value);
}

/** Validates a parsed value as the bus record its `schema` names; unknown schemas fail by name. */
export function recordFrom(value: unknown): BusRecord {
  const schema = (value as { schema?: unknown } | null)?.schema;
  switch (schema) {
    case 'call.v1':
      return parseCallRecord(value);
    case 'survey.v1':
      return parseSurveyResponse(value);
    case 'agent_time.v1':
      return parseAgentTime(value);
    case 'reject.v1':
      return parseReject(value);
    default:
      throw new RecordInvalidError('record', [
        `schema ${JSON.stringify(schema)} is not one of call.v1, survey.v1, agent_time.v1, reject.v1`,
      ]);
  }
}
