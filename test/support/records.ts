import type { CallRecord } from '@cdrflow/schema';

/** A valid answered inbound phone call; override what the test is about. */
export function call(overrides: Partial<CallRecord> & { id: string }): CallRecord {
  const arrivedAt = overrides.arrivedAt ?? Date.UTC(2020, 5, 1, 9, 0, 0);
  const waitMs = overrides.waitMs ?? 60_000;
  const outcome = overrides.outcome ?? 'answered';
  return {
    schema: 'call.v1',
    rebuilt: false,
    contactId: overrides.id,
    stint: 1,
    version: 1,
    source: overrides.id.split(':')[0] ?? 'test',
    channel: 'phone',
    direction: 'inbound',
    queue: 'housing',
    service: 'Housing',
    arrivedAt,
    answeredAt: outcome === 'answered' ? arrivedAt + waitMs : null,
    endedAt: arrivedAt + waitMs + 120_000,
    waitMs,
    talkMs: outcome === 'answered' ? 120_000 : 0,
    outcome,
    exitKey: null,
    callerKey: null,
    agent: null,
    file: 'test.log',
    line: 1,
    ...overrides,
  };
}
