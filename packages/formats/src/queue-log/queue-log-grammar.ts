/**
 * The data grammar of every queue_log event cdrflow knows, as written by
 * Asterisk's `apps/app_queue.c` (`ast_queue_log(queue, callid, agent, EVENT, fmt, ...)`).
 * Fields are the `|`-separated data after the event name; trailing empty
 * fields are ignored (the database form always has five data columns).
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
 *   RINGNOANSWER      ringtime                               (milliseconds)
 *   RINGCANCELED      ringtime                               (milliseconds)
 *   AGENTLOGOFF, AGENTCALLBACKLOGOFF   channel|logintime[|reason]
 *   AGENTLOGIN, AGENTCALLBACKLOGIN, ADDMEMBER, REMOVEMEMBER, PAUSE, UNPAUSE,
 *   PAUSEALL, UNPAUSEALL, QUEUESTART, CONFIGRELOAD, SYSCOMPAT   free text
 *   DID, INFO         dial-plan markers (QueueLog() application), free text
 *
 * Numbers are decimal integers; a leading `-` is read so that a negative wait
 * reaches the `absurd_wait` check rather than looking like a grammar error.
 */

export type ExitOutcome = 'abandoned' | 'timeout' | 'exit_empty' | 'exit_key' | 'withdrawn';

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
  | { kind: 'marker' };

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
  'QUEUESTART',
  'CONFIGRELOAD',
  'SYSCOMPAT',
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
  'RINGNOANSWER',
  'RINGCANCELED',
  'AGENTLOGOFF',
  'AGENTCALLBACKLOGOFF',
  ...AGENT_EVENTS,
  ...MARKER_EVENTS,
];

const AGENT: QueueLogEventData = { kind: 'agent' };
const MARKER: QueueLogEventData = { kind: 'marker' };

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
      if (n < 2 || n > 3) return fail(event, 'holdtime|calltime[|origposition]', data);
      return answered(event, data, 0, 'holdtime|calltime[|origposition]');
    case 'TRANSFER':
      if (n < 4 || n > 5) return fail(event, 'exten|context|holdtime|calltime[|origposition]', data);
      return answered(event, data, 2, 'exten|context|holdtime|calltime[|origposition]');
    case 'BLINDTRANSFER':
      if (n !== 5) return fail(event, 'exten|context|holdtime|calltime|origposition', data);
      return answered(event, data, 2, 'exten|context|holdtime|calltime|origposition');
    case 'ATTENDEDTRANSFER': {
      const method = data[0];
      if ((method === 'BRIDGE' || method === 'APP') && n === 5) {
        return answered(event, data, 2, `${method}|target|holdtime|calltime|origposition`);
      }
      if (method === 'LINK' && n === 6)
        return answered(event, data, 3, 'LINK|channel|channel|holdtime|calltime|origposition');
      return fail(
        event,
        'BRIDGE|uniqueid|…, APP|application|… or LINK|channel|channel|… then holdtime|calltime|origposition',
        data,
      );
    }
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
    case 'AGENTLOGOFF':
    case 'AGENTCALLBACKLOGOFF':
      if (!optionalInt(data[1])) return fail(event, 'channel|logintime[|reason]', data);
      return AGENT;
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
