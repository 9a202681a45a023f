import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseCallRecord, type CallRecord } from '@cdrflow/schema';
import { createCdrCsvParser } from '../src/cdr-csv/cdr-csv-parser';
import type { CdrCsvOptionsInput } from '../src/cdr-csv/cdr-csv-options';
import { QueueLogSession } from '../src/queue-log/queue-log-session';
import { appendBatch, emptyBatch } from '../src/types';

// The same eight calls as Asterisk 12+ writes them to Master.csv and to
// queue_log; every figure is worked out by hand in fixtures/cdr_csv/README.md.
const dir = new URL('../../../fixtures/cdr_csv/', import.meta.url);
const pseudonymise = (n: string) => `hmac-${n.slice(-3)}`;

function optionsFromReadme(file: string): CdrCsvOptionsInput {
  const readme = readFileSync(new URL('README.md', dir), 'utf8');
  const block = new RegExp('```yaml options=' + file.replace(/[.-]/g, '\\$&') + '\\n([\\s\\S]*?)```').exec(readme);
  if (block?.[1] === undefined) throw new Error(`README has no options block for ${file}`);
  return parseYaml(block[1]) as CdrCsvOptionsInput;
}

function readCdr(file: string): CallRecord[] {
  const parser = createCdrCsvParser({ source: 'pbx', file }, optionsFromReadme(file), pseudonymise);
  const out = emptyBatch();
  appendBatch(out, parser.push(readFileSync(new URL(file, dir))));
  appendBatch(out, parser.end());
  expect(out.rejects).toEqual([]);
  return out.calls.map((c) => parseCallRecord(c));
}

function readQueueLog(): CallRecord[] {
  const session = new QueueLogSession({ source: 'pbx', form: 'file', pseudonymise });
  const parser = session.openFile('queue-calls.queue_log');
  const out = emptyBatch();
  appendBatch(out, parser.push(readFileSync(new URL('queue-calls.queue_log', dir))));
  appendBatch(out, parser.end());
  expect(out.rejects).toEqual([]);
  expect(session.openCallCount()).toBe(0);
  return out.calls.map((c) => parseCallRecord(c));
}

/** The last version of each call, by id: compared per call, never by the order records came out. */
function byId(calls: readonly CallRecord[]): Map<string, CallRecord> {
  const m = new Map<string, CallRecord>();
  for (const c of calls) {
    const held = m.get(c.id);
    if (held === undefined || c.version >= held.version) m.set(c.id, c);
  }
  return m;
}

const s = (ms: number) => ms / 1000;

describe('fixtures/cdr_csv/queue-calls.csv (21 columns, Asterisk 12+)', () => {
  const cdr = byId(readCdr('queue-calls.csv'));

  it('gives the README records', () => {
    expect(
      [...cdr.values()]
        .sort((a, b) => a.arrivedAt - b.arrivedAt)
        .map((c) => [c.id, c.version, c.direction, c.queue, c.outcome, s(c.waitMs), s(c.talkMs), c.agent]),
    ).toEqual([
      ['pbx:1591084800.101', 1, 'inbound', 'sales', 'answered', 0, 200, 'SIP/2001-00000102'],
      ['pbx:1591085100.103', 2, 'inbound', 'sales', 'abandoned', 40, 0, null],
      ['pbx:1591085400.106', 2, 'inbound', '', 'answered', 12, 120, 'SIP/2004-00000108'],
      ['pbx:1591085700.110', 2, 'inbound', 'support', 'answered', 30, 300, 'SIP/2005-00000113'],
      ['pbx:1591086000.114', 3, 'inbound', 'sales', 'answered', 20, 250, 'SIP/2001-00000117'],
      ['pbx:1591086300.120', 3, 'inbound', '', 'abandoned', 30, 0, null],
      ['pbx:1591086600.125', 1, 'inbound', '', 'other', 45, 0, null],
      ['pbx:1591086900.126', 2, 'inbound', 'sales', 'abandoned', 30, 0, null],
    ]);
  });

  it('agrees with queue_log wherever a CDR can know', () => {
    const ql = byId(readQueueLog());
    // The queued calls are the same calls (queue_log's callid is the caller's uniqueid = linkedid).
    const queued = [...cdr.values()].filter((c) => c.queue !== '');
    expect(queued.map((c) => c.id).sort()).toEqual([...ql.keys()].sort());
    for (const q of ql.values()) {
      const c = cdr.get(q.id);
      if (c === undefined) throw new Error(`no CDR call for ${q.id}`);
      expect([c.queue, c.arrivedAt, c.callerKey]).toEqual([q.queue, q.arrivedAt, q.callerKey]);
      // Answered or not: exact. The exit reason is not in a CDR: every unanswered queue call is abandoned.
      expect(c.outcome).toBe(q.outcome === 'answered' ? 'answered' : 'abandoned');
      if (q.outcome !== 'answered') {
        expect([c.waitMs, c.endedAt]).toEqual([q.waitMs, q.arrivedAt + q.waitMs]);
        continue;
      }
      // The agent's answer is exact when the agent's leg was not already up (a Local member's ;2
      // half); on the caller's own legs it is when that ring began, so never later than queue_log's.
      if (c.agent?.startsWith('SIP/2005-') === true) expect([c.waitMs, c.talkMs]).toEqual([q.waitMs, q.talkMs]);
      else {
        expect(c.waitMs).toBeLessThan(q.waitMs);
        expect(c.talkMs).toBeGreaterThan(q.talkMs);
        // The agent who answered: the peer part of the channel name.
        expect(c.agent?.replace(/-[0-9a-f]+$/, '')).toBe(q.agent);
      }
    }
    const outcomes = (m: Map<string, CallRecord>) =>
      [...m.values()].filter((c) => c.queue !== '').map((c) => `${c.id} ${c.outcome}`);
    expect(outcomes(ql).sort()).toEqual([
      'pbx:1591084800.101 answered',
      'pbx:1591085100.103 abandoned',
      'pbx:1591085700.110 answered',
      'pbx:1591086000.114 answered',
      'pbx:1591086900.126 timeout', // a CDR says abandoned: it has no exit reason
    ]);
  });

  it('gives the same queue figures as queue_log: offered 5, answered 3, not answered 2', () => {
    const ql = [...byId(readQueueLog()).values()];
    const queued = [...cdr.values()].filter((c) => c.queue !== '');
    const count = (calls: CallRecord[]) => [calls.length, calls.filter((c) => c.outcome === 'answered').length];
    expect(count(queued)).toEqual([5, 3]);
    expect(count(ql)).toEqual(count(queued));
    // Σ wait of the unanswered: 40 + 30 s on both sides.
    const unansweredWait = (calls: CallRecord[]) =>
      calls.filter((c) => c.outcome !== 'answered').reduce((n, c) => n + c.waitMs, 0);
    expect(s(unansweredWait(queued))).toBe(70);
    expect(unansweredWait(ql)).toBe(unansweredWait(queued));
  });

  it('reads the same calls whatever the order of their rows in the file', () => {
    const text = readFileSync(new URL('queue-calls.csv', dir), 'utf8');
    const reversed = `${text.trimEnd().split('\n').reverse().join('\n')}\n`;
    const parser = createCdrCsvParser(
      { source: 'pbx', file: 'queue-calls.csv' },
      optionsFromReadme('queue-calls.csv'),
      pseudonymise,
    );
    const out = emptyBatch();
    appendBatch(out, parser.push(new TextEncoder().encode(reversed)));
    appendBatch(out, parser.end());
    const strip = (c: CallRecord) => ({ ...c, line: 0 });
    const again = byId(out.calls);
    for (const [id, c] of cdr) expect(strip(again.get(id) as CallRecord)).toEqual(strip(c));
  });
});

describe('fixtures/cdr_csv/queue-calls-18.csv (18 columns: no linkedid, no sequence)', () => {
  const calls = byId(readCdr('queue-calls-18.csv'));

  it('joins legs by uniqueid, so a Local member is not joined to its caller', () => {
    const local = calls.get('pbx:1591085700.110');
    const half = calls.get('pbx:1591085705.112');
    // The caller's leg reaches only Local/…;1: no agent, an abandoned queue call.
    expect([local?.outcome, local?.agent, local?.version]).toEqual(['abandoned', null, 1]);
    // The ;2 half is a call of its own, in the `agents` context: internal, in no KPI.
    expect([half?.direction, half?.outcome, half?.agent]).toEqual(['internal', 'answered', 'SIP/2005-00000113']);
    // Every other call reads as with 21 columns.
    const full = byId(readCdr('queue-calls.csv'));
    for (const [id, c] of full) {
      if (id === 'pbx:1591085700.110') continue;
      expect({ ...calls.get(id), line: 0, file: '' }).toEqual({ ...c, line: 0, file: '' });
    }
  });
});
