/**
 * The data grammar of every queue_log event Asterisk writes, as in
 * `apps/app_queue.c` (`ast_queue_log(queue, callid, agent, EVENT, fmt, ...)`)
 * from 1.8 to 22, plus `main/logger.c` (QUEUESTART, CONFIGRELOAD) and the
 * 1.4–1.8 agent channel (AGENTCALLBACK*). Fields are the `|`-separated data
 * after the event name; trailing empty fields are ignored (the database form
 * always has five data columns). The full list, with what each event does,
 * is in docs/formats.md ("Every event Asterisk writes").
 *
 *   ENTERQUEUE        url|callerid[|position[|callername]]   (1.4 wrote url|callerid)
 *   CONNECT           holdtime|bridged uniqueid[|ringtime]   (seconds; 1.4 had no ringtime)
 *   COMPLETECALLER    holdtime|calltime[|origposition]
 *   COMPLETEAGENT     holdtime|calltime[|origposition]
 *   TRANSFER          exten|context|holdtime|calltime[|origposition]   (≤ 11)
 *   BLINDTRANSFER     exten|context|holdtime|calltime|origposition     (12+)
 *   ATTENDEDTRANSFER  BRIDGE|bridge uniqueid|holdtime|calltime|origposition   (12+,
 *                     APP|application|holdtime|calltime|origposition          by how
 *                     LINK|channel|channel|holdtime|calltime|origposition     it ended)
 *   ABANDON           position|origposition|waittime
 *   EXITEMPTY         position|origposition|waittime
 *   EXITWITHTIMEOUT   position|origposition|waittime         (1.4 wrote position only)
 *   EXITWITHKEY       key|position|origposition|waittime     (key first; 1.4 wrote key|position)
 *   WITHDRAW          position|origposition|waittime|info    (16+; info may be empty)
 *   SYSCOMPAT         (empty)  an agent answered but the channels could not be
 *                     made compatible: the caller is dropped (Asterisk counts it abandoned)
 *   RINGNOANSWER      ringtime                               (milliseconds)
 *   RINGCANCELED      ringtime                               (milliseconds)
 *   AGENTLOGOFF, AGENTCALLBACKLOGOFF   channel|logintime[|reason]
 *   AGENTLOGIN, AGENTCALLBACKLOGIN, ADDMEMBER, REMOVEMEMBER, PAUSE, UNPAUSE,
 *   PAUSEALL, UNPAUSEALL   free text (PAUSE: the reason; ADDMEMBER: empty or PAUSED)
 *   PENALTY           penalty          RINGINUSE   0 or 1
 *   AGENTDUMP         (empty)  the agent hung up before the bridge; the caller waits on
 *   QUEUESTART, CONFIGRELOAD           (empty)
 *   DID, INFO         dial-plan markers (QueueLog() application), free text
 *
 * Every answered close ends in holdtime|calltime|origposition and is read from
 * the end, so a variation in the leading fields never loses the call.
 * Numbers are decimal integers; a leading `-` is read so that a negative wait
 * reaches the `absurd_wait` check rather than looking like a grammar error.
 */

/** `other`: SYSCOMPAT, a call dropped by the system after an agent answered (docs/decisions.md, 35). */
export type ExitOutcome = 'abandoned' | 'timeout' | 'exit_empty' | 'exit_key' | 'withdrawn' | 'other';

export type QueueLogEventData =
  | { kind: 'enter'; callerId: string }
  | { kind: 'connect'; holdSec: number }
  /** COMPLETECALLER, COMPLETEAGENT and the transfers: the agent took the call. */
  | { kind: 'complete'; holdSec: number; talkSec: number }
  /** `waitSec` is null only for the 1.4 forms of EXITWITHTIMEOUT and EXITWITHKEY. */
  | { kind: 'exit'; outcome: ExitOutcome; waitSec: number | null; key: string | null }
  /** RINGNOANSWER, RINGCANCELED: per-attempt detail, not part of the call record. */
  | { kind: 'ring'; ringMs: number }
  /** Staffing events, consumed now and used when staffing is built. */
  | { kind: 'agent' }
  /** Dial-plan markers and configured custom events. */
  | { kind: 'marker' }
  /** Events Asterisk writes that carry no KPI meaning: checked, then consumed. */
  | { kind: 'ignored' };

/** A grammar failure: what was wrong, for the reject's detail. */
export interface GrammarError {
  error: string;
}

const AGENT_EVENTS = new Set([
  'AGENTLOGIN',
  'AGENTCALLBACKLOGIN',
  'ADDMEMBER',
  'REMOVEMEMBER',
  'PAUSE',
  'UNPAUSE',
  'PAUSEALL',
  'UNPAUSEALL',
]);

const MARKER_EVENTS = new Set(['DID', 'INFO']);

/** Every event name the grammar knows, for docs and tests. */
export const QUEUE_LOG_EVENTS: readonly string[] = [
  'ENTERQUEUE',
  'CONNECT',
  'COMPLETECALLER',
  'COMPLETEAGENT',
  'TRANSFER',
  'BLINDTRANSFER',
  'ATTENDEDTRANSFER',
  'ABANDON',
  'EXITEMPTY',
  'EXITWITHTIMEOUT',
  'EXITWITHKEY',
  'WITHDRAW',
  'SYSCOMPAT',
  'RINGNOANSWER',
  'RINGCANCELED',
  'AGENTLOGOFF',
  'AGENTCALLBACKLOGOFF',
  ...AGENT_EVENTS,
  'PENALTY',
  'RINGINUSE',
  'AGENTDUMP',
  'QUEUESTART',
  'CONFIGRELOAD',
  ...MARKER_EVENTS,
];

const AGENT: QueueLogEventData = { kind: 'agent' };
const MARKER: QueueLogEventData = { kind: 'marker' };
const IGNORED: QueueLogEventData = { kind: 'ignored' };
/** The caller was dropped with no wait figure: the wait is the time since its ENTERQUEUE. */
const SYSCOMPAT: QueueLogEventData = { kind: 'exit', outcome: 'other', waitSec: null, key: null };

/** Decimal integer with an optional leading `-`; NaN otherwise. No regex: this runs per line. */
export function readInt(s: string | undefined): number {
  if (s === undefined) return NaN;
  const n = s.length;
  if (n === 0 || n > 15) return NaN;
  let i = 0;
  let sign = 1;
  if (s.charCodeAt(0) === 0x2d) {
    if (n === 1) return NaN;
    sign = -1;
    i = 1;
  }
  let value = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  return sign * value;
}

/** Field count once trailing empty fields are dropped. */
function used(data: readonly string[]): number {
  let n = data.length;
  while (n > 0 && data[n - 1] === '') n--;
  return n;
}

function fail(event: string, expected: string, data: readonly string[]): GrammarError {
  return { error: `${event} data must be ${expected}; got ${JSON.stringify(data.join('|'))}` };
}

function ints(data: readonly string[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (Number.isNaN(readInt(data[i]))) return false;
  return true;
}

/** Optional numeric field: absent or empty is fine, anything else must be an integer. */
function optionalInt(s: string | undefined): boolean {
  return s === undefined || s === '' || !Number.isNaN(readInt(s));
}

function answered(
  event: string,
  data: readonly string[],
  holdAt: number,
  expected: string,
): QueueLogEventData | GrammarError {
  const holdSec = readInt(data[holdAt]);
  const talkSec = readInt(data[holdAt + 1]);
  if (Number.isNaN(holdSec) || Number.isNaN(talkSec) || !optionalInt(data[holdAt + 2])) {
    return fail(event, expected, data);
  }
  return { kind: 'complete', holdSec, talkSec };
}

/**
 * An answered close whose data ends in holdtime|calltime|origposition after at
 * least `lead` leading fields, read from the end: transfer targets come in
 * several shapes (BRIDGE|id, APP|app, LINK|chan|chan, exten|context), and
 * the figures that count are always the last three.
 */
function answeredFromEnd(
  event: string,
  data: readonly string[],
  n: number,
  lead: number,
  expected: string,
): QueueLogEventData | GrammarError {
  if (n < lead + 3 || Number.isNaN(readInt(data[n - 1]))) return fail(event, expected, data);
  return answered(event, data, n - 3, expected);
}

function exit(outcome: ExitOutcome, waitSec: number, key: string | null): QueueLogEventData {
  return { kind: 'exit', outcome, waitSec, key };
}

/**
 * Reads one event's data. Returns undefined for an event name the grammar does
 * not know (the caller decides between custom event, marker and `unknown_event`).
 */
export function readEventData(event: string, data: readonly string[]): QueueLogEventData | GrammarError | undefined {
  const n = used(data);
  switch (event) {
    case 'ENTERQUEUE':
      if (n > 4 || !optionalInt(data[2])) return fail(event, 'url|callerid[|position[|callername]]', data);
      return { kind: 'enter', callerId: data[1] ?? '' };
    case 'CONNECT': {
      const holdSec = readInt(data[0]);
      if (n > 3 || Number.isNaN(holdSec) || !optionalInt(data[2])) {
        return fail(event, 'holdtime|bridged uniqueid[|ringtime]', data);
      }
      return { kind: 'connect', holdSec };
    }
    case 'COMPLETECALLER':
    case 'COMPLETEAGENT':
      if (n === 2) return answered(event, data, 0, 'holdtime|calltime[|origposition]');
      return answeredFromEnd(event, data, n, 0, 'holdtime|calltime[|origposition]');
    case 'TRANSFER':
      // ≤ 11 wrote origposition only from 1.6 on: four fields are exten|context|holdtime|calltime.
      if (n === 4) return answered(event, data, 2, 'exten|context|holdtime|calltime[|origposition]');
      return answeredFromEnd(event, data, n, 2, 'exten|context|holdtime|calltime[|origposition]');
    case 'BLINDTRANSFER':
      return answeredFromEnd(event, data, n, 1, 'exten|context|holdtime|calltime|origposition');
    case 'ATTENDEDTRANSFER':
      return answeredFromEnd(
        event,
        data,
        n,
        1,
        'BRIDGE|uniqueid|…, APP|application|… or LINK|channel|channel|… then holdtime|calltime|origposition',
      );
    case 'ABANDON':
    case 'EXITEMPTY':
      if (n !== 3 || !ints(data, 0, 3)) return fail(event, 'position|origposition|waittime', data);
      return exit(event === 'ABANDON' ? 'abandoned' : 'exit_empty', readInt(data[2]), null);
    case 'EXITWITHTIMEOUT':
      if (n === 1 && ints(data, 0, 1)) return { kind: 'exit', outcome: 'timeout', waitSec: null, key: null };
      if (n !== 3 || !ints(data, 0, 3)) return fail(event, 'position|origposition|waittime', data);
      return exit('timeout', readInt(data[2]), null);
    case 'EXITWITHKEY': {
      const key = data[0] ?? '';
      if (key !== '' && n === 2 && ints(data, 1, 2)) return { kind: 'exit', outcome: 'exit_key', waitSec: null, key };
      if (key === '' || n !== 4 || !ints(data, 1, 4)) return fail(event, 'key|position|origposition|waittime', data);
      return exit('exit_key', readInt(data[3]), key);
    }
    case 'WITHDRAW':
      // info is free text (up to 40 characters) and may itself hold pipes.
      if (n < 3 || !ints(data, 0, 3)) return fail(event, 'position|origposition|waittime|info', data);
      return exit('withdrawn', readInt(data[2]), null);
    case 'RINGNOANSWER':
    case 'RINGCANCELED': {
      const ringMs = readInt(data[0]);
      if (n !== 1 || Number.isNaN(ringMs) || ringMs < 0) return fail(event, 'ringtime in milliseconds', data);
      return { kind: 'ring', ringMs };
    }
    case 'SYSCOMPAT':
      return SYSCOMPAT;
    case 'AGENTLOGOFF':
    case 'AGENTCALLBACKLOGOFF':
      if (!optionalInt(data[1])) return fail(event, 'channel|logintime[|reason]', data);
      return AGENT;
    case 'PENALTY':
      if (n !== 1 || !ints(data, 0, 1)) return fail(event, 'the new penalty, an integer', data);
      return IGNORED;
    case 'RINGINUSE':
      if (n !== 1 || (data[0] !== '0' && data[0] !== '1')) return fail(event, '0 or 1', data);
      return IGNORED;
    case 'AGENTDUMP':
    case 'QUEUESTART':
    case 'CONFIGRELOAD':
      return IGNORED;
    default:
      if (AGENT_EVENTS.has(event)) return AGENT;
      if (MARKER_EVENTS.has(event)) return MARKER;
      return undefined;
  }
}

export function isGrammarError(v: QueueLogEventData | GrammarError): v is GrammarError {
  return (v as GrammarError).error !== undefined;
}

export const MARKER_DATA: QueueLogEventData = MARKER;
