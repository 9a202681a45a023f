import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { overrideSource } from '../src/source-overrides';
import { sourceDefinitions } from '../src/source-definitions';

const config = loadConfig({
  file: null,
  env: {},
  inline: {
    sources: [
      { name: 'pbx', format: 'queue_log', queueLog: { openCallTimeoutMinutes: 120 } },
      { name: 'cdr', format: 'cdr_csv' },
      {
        name: 'tickets',
        format: 'mapped',
        mapped: {
          kind: 'calls',
          channel: 'face_to_face',
          columns: { id: 'ticket_id', arrivedAt: 'issued_at', outcome: 'status' },
          outcomes: { SERVED: 'answered', LEFT: 'abandoned' },
        },
      },
      {
        name: 'survey',
        format: 'mapped',
        mapped: { kind: 'survey', columns: { id: 'id', at: 'at', score: 'score' }, scale: 5, satisfiedAtOrAbove: 4 },
      },
    ],
  },
});

describe('sourceDefinitions', () => {
  it('states the rule of every source kind, one line per source, from its own settings', () => {
    expect(sourceDefinitions(config.sources, config.reporting.zone)).toEqual([
      'queue_log source "pbx": one contact per queue stint, ENTERQUEUE to its close; wait = the event\'s own holdtime or waittime; a call still waiting 120 min after it entered is unclosed (offered, in no wait figure); a close whose ENTERQUEUE is in no file read is rebuilt from its own figures (arrival = close − wait − talk).',
      'CDR source "cdr": answered = an ANSWERED leg with billsec > 0 bridged to an agent (lastapp Queue|Dial; dstchannel any but Local/…); wait = call start → that leg\'s answer time (a lower bound when the caller was already answered); no agent leg after Queue = abandoned, otherwise by NO ANSWER > CANCEL > BUSY > CONGESTION > FAILED > ANSWERED.',
      'mapped source "tickets" (face to face): outcome from column status: SERVED → answered, LEFT → abandoned; any other code is rejected (unknown_outcome); wait = answered − arrived when answered, else ended − arrived.',
      'survey source "survey": satisfied = score ≥ 4 on 1–5.',
    ]);
  });
});

describe('queueLog.rebuiltCalls', () => {
  const withMode = (rebuiltCalls: unknown) =>
    loadConfig({
      file: null,
      env: {},
      inline: { sources: [{ name: 'pbx', format: 'queue_log', queueLog: { rebuiltCalls } }] },
    });

  it('says in the rule line that calls without ENTERQUEUE are rejected when that mode is in force', () => {
    const config = withMode('reject');
    expect(sourceDefinitions(config.sources, config.reporting.zone)).toEqual([
      'queue_log source "pbx": one contact per queue stint, ENTERQUEUE to its close; wait = the event\'s own holdtime or waittime; a call still waiting 240 min after it entered is unclosed (offered, in no wait figure); a call whose ENTERQUEUE is in no file read is not counted: its close is rejected (no_enterqueue).',
    ]);
  });

  it('refuses a misspelt mode, naming the key and the allowed values', () => {
    expect(() => withMode('rejct')).toThrow(/sources\.0\.queueLog\.rebuiltCalls:[^\n]*"count"[^\n]*"reject"/);
  });
});

describe('overrideSource', () => {
  const cdr = config.sources[1]!;

  it('sets a CDR layout and zone from flags, checked as the config file would be', () => {
    const o = overrideSource(cdr, { zone: 'UTC', columns: '18' });
    expect(o.format === 'cdr_csv' && [o.cdr.zone, o.cdr.columns === 'auto' ? 0 : o.cdr.columns.length]).toEqual([
      'UTC',
      18,
    ]);
  });

  it('refuses a zone that does not exist, and --columns for a source that is not CDR', () => {
    expect(() => overrideSource(cdr, { zone: 'Europe/Londn' })).toThrow(
      '--zone "Europe/Londn" is not an IANA time zone (e.g. Europe/London, UTC)',
    );
    expect(() => overrideSource(config.sources[0]!, { columns: '18' })).toThrow(
      '--columns is for cdr_csv sources; source "pbx" is queue_log',
    );
  });
});
