/**
 * The encoding benchmark's inputs about call.v1: its field order, and broken
 * variants of a valid record that zod and the schema's hand-written check
 * (`isValidCallRecord`) must both refuse before anything is timed.
 */
import { CallRecordV1, type CallRecord } from '@cdrflow/schema';

export const CALL_FIELDS: readonly (keyof CallRecord)[] = Object.keys(CallRecordV1.shape) as (keyof CallRecord)[];

/** Broken variants of a valid record, each wrong in one way zod catches. */
export function brokenVariants(good: CallRecord): unknown[] {
  const g = good as unknown as Record<string, unknown>;
  const without = (k: string) => {
    const copy = { ...g };
    delete copy[k];
    return copy;
  };
  return [
    { ...g, schema: 'call.v2' },
    { ...g, id: 'nocolon' },
    { ...g, id: 'a: b' },
    { ...g, contactId: 'other:1' },
    { ...g, stint: 0 },
    { ...g, stint: 1.5 },
    { ...g, version: '1' },
    { ...g, source: '' },
    { ...g, channel: 'fax' },
    { ...g, direction: 'sideways' },
    { ...g, queue: 3 },
    { ...g, arrivedAt: 1_591_002_000 },
    { ...g, arrivedAt: Date.UTC(2101, 0, 1) },
    { ...g, answeredAt: (g['arrivedAt'] as number) - 1 },
    { ...g, endedAt: (g['arrivedAt'] as number) - 1 },
    { ...g, waitMs: -1 },
    { ...g, outcome: 'abandoned', talkMs: 5 },
    { ...g, outcome: 'overflow' },
    { ...g, exitKey: 1 },
    { ...g, agent: undefined },
    { ...g, line: -1 },
    { ...g, extra: true },
    without('file'),
    null,
    [],
    'call',
  ];
}
