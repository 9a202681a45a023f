import { EARLIEST_RECORD_MS, LATEST_RECORD_MS, type CallRecord } from '@cdrflow/schema';
import type { ExitOutcome } from './queue-log-grammar';

/** Where an event was read: provenance for the record. */
export interface EventPlace {
  atMs: number;
  file: string;
  line: number;
}

/**
 * One queue stint of a call as folded so far: plain data, so a session
 * snapshot is this object as JSON. The caller number is never kept, only its
 * pseudonym.
 */
export interface QueueLogStintState {
  /** 1 for the call's first stint, 2 for the next queue it entered, ... */
  n: number;
  queue: string;
  enter: EventPlace | null;
  callerKey: string | null;
  connect: (EventPlace & { holdSec: number; agent: string | null }) | null;
  close:
    | (EventPlace & {
        outcome: 'answered' | ExitOutcome;
        /** holdtime (answered) or waittime (exits); null for the 1.4 exit forms that carry none. */
        waitSec: number | null;
        talkSec: number;
        key: string | null;
        agent: string | null;
      })
    | null;
  /**
   * The open-call timeout passed while the stint had no close: a waiting stint
   * (no CONNECT) was then emitted `unclosed`; a CONNECTed one stays answered.
   */
  reported: boolean;
  /**
   * The version of the last record emitted for this stint (0: none yet).
   * Absent in snapshots written before records were emitted while open; such
   * a stint restores as not yet emitted when open (docs/decisions.md, 34).
   */
  emitted?: number;
  /**
   * Rejected as `no_enterqueue` (`rebuiltCalls: reject`): nothing is emitted
   * for it again, even if its ENTERQUEUE is read later.
   */
  rejected?: boolean;
}

/**
 * Orders every state a stint's record goes through, and is the same whenever
 * the same events are read: 2 per event folded (ENTERQUEUE, CONNECT, close),
 * +1 for a waiting stint reported `unclosed`, +4 once closed. So queued (2) <
 * unclosed (3) < connected (4) < closed (6–10), and a close rebuilt alone
 * (6), after the stint was forgotten, still supersedes any open state.
 */
export function stintVersion(s: QueueLogStintState): number {
  const events = (s.enter === null ? 0 : 1) + (s.connect === null ? 0 : 1) + (s.close === null ? 0 : 1);
  if (s.close !== null) return 2 * events + 4;
  return s.reported && s.connect === null ? 2 * events + 1 : 2 * events;
}

/**
 * When the caller arrived: the ENTERQUEUE time, else worked back from the
 * figures the later events carry (CONNECT hold, COMPLETE* hold + talk, exit
 * wait); null when nothing says.
 */
export function stintArrivalMs(s: QueueLogStintState): number | null {
  if (s.enter !== null) return s.enter.atMs;
  if (s.connect !== null) return s.connect.atMs - s.connect.holdSec * 1000;
  const close = s.close;
  if (close === null || close.waitSec === null) return null;
  return close.atMs - (close.waitSec + close.talkSec) * 1000;
}

/** The earliest time any folded event of the stint carries. */
export function stintFirstEventMs(s: QueueLogStintState): number {
  let t = Number.POSITIVE_INFINITY;
  if (s.enter !== null) t = s.enter.atMs;
  if (s.connect !== null && s.connect.atMs < t) t = s.connect.atMs;
  if (s.close !== null && s.close.atMs < t) t = s.close.atMs;
  return t;
}

export interface StintRecordContext {
  source: string;
  callid: string;
  service: string;
}

export interface RecordFault {
  reason: 'impossible_times' | 'invalid_record';
  detail: string;
}

const WHITESPACE = /\s/;

function recordId(source: string, callid: string, n: number): string {
  return n === 1 ? `${source}:${callid}` : `${source}:${callid}/${n}`;
}

/**
 * The CallRecord for a stint in its latest state: closed (the final record);
 * CONNECTed and not closed (`answered` with its wait, talk time and end not
 * known yet); waiting (`queued`, no wait counted); waiting past the open-call
 * timeout (`unclosed`). Checked against the
 * schema's rules by hand (no zod per record on the hot path; tests run
 * `parseCallRecord` on every record). Waits come from the events' own
 * figures; timestamps only fill in what no figure gives.
 */
export function buildStintRecord(ctx: StintRecordContext, s: QueueLogStintState): CallRecord | RecordFault {
  const arrivedAt = stintArrivalMs(s);
  if (arrivedAt === null) return { reason: 'invalid_record', detail: 'the stint has no arrival time' };
  const close = s.close;
  let answeredAt: number | null = null;
  let endedAt: number | null = null;
  let waitMs = 0;
  let talkMs = 0;
  let outcome: CallRecord['outcome'];
  let exitKey: string | null = null;
  let agent: string | null = null;
  let place: EventPlace;
  if (close === null) {
    if (s.connect !== null) {
      // Answered as soon as the CONNECT is read, with the CONNECT's holdtime
      // (the COMPLETE* that closes it carries the same figure in real logs).
      outcome = 'answered';
      answeredAt = s.connect.atMs;
      waitMs = s.connect.holdSec * 1000;
      agent = s.connect.agent;
      place = s.connect;
    } else {
      outcome = s.reported ? 'unclosed' : 'queued';
      place = s.enter ?? { atMs: arrivedAt, file: '', line: 0 };
    }
  } else {
    outcome = close.outcome;
    endedAt = close.atMs;
    place = close;
    if (close.outcome === 'answered') {
      talkMs = close.talkSec * 1000;
      answeredAt = s.connect !== null ? s.connect.atMs : close.atMs - talkMs;
      agent = s.connect?.agent ?? close.agent;
    } else {
      exitKey = close.key;
    }
    // The 1.4 exit forms carry no wait: only then is it a timestamp difference.
    waitMs = close.waitSec !== null ? close.waitSec * 1000 : close.atMs - arrivedAt;
  }
  const id = recordId(ctx.source, ctx.callid, s.n);
  const contactId = s.n === 1 ? id : recordId(ctx.source, ctx.callid, 1);
  if (ctx.callid === '' || WHITESPACE.test(ctx.callid)) {
    return { reason: 'invalid_record', detail: `callid ${JSON.stringify(ctx.callid)} cannot make a record id` };
  }
  if (arrivedAt < EARLIEST_RECORD_MS || arrivedAt >= LATEST_RECORD_MS) {
    return { reason: 'invalid_record', detail: `arrival ${new Date(arrivedAt).toISOString()} is outside 1990–2100` };
  }
  if (answeredAt !== null && answeredAt < arrivedAt) {
    return { reason: 'impossible_times', detail: `answered ${(arrivedAt - answeredAt) / 1000} s before arrival` };
  }
  if (endedAt !== null && endedAt < arrivedAt) {
    return { reason: 'impossible_times', detail: `ended ${(arrivedAt - endedAt) / 1000} s before arrival` };
  }
  if (waitMs < 0) return { reason: 'impossible_times', detail: `wait ${waitMs} ms is negative` };
  return {
    schema: 'call.v1',
    id,
    contactId,
    stint: s.n,
    version: stintVersion(s),
    source: ctx.source,
    channel: 'phone',
    direction: 'inbound',
    queue: s.queue,
    service: ctx.service,
    arrivedAt,
    answeredAt,
    endedAt,
    waitMs,
    talkMs,
    outcome,
    exitKey,
    callerKey: s.callerKey,
    agent,
    file: place.file,
    line: place.line,
    rebuilt: s.enter === null,
  };
}
