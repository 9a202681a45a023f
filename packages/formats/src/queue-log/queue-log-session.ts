import { INTERVAL_MS, agentTimeId, intervalStart, makeReject, type Reject, type RejectReason } from '@cdrflow/schema';
import { assertTimeZone } from '@cdrflow/time';
import { FailureError, UsageError } from '@cdrflow/errors';
import { LineSplitter, type LineHandler, type TextEncodingName } from '../lines';
import { emptyBatch, type FileParser, type ParseBatch, type Pseudonymise } from '../types';
import { redactReject, redactRejects, type RawRedactor } from '../redact';
import { QueueLogDbRowReader, type DbRowReader } from './queue-log-db-row';
import { QueueLogTableReader } from './queue-log-db-table-reader';
import { queueLogRedactor } from './queue-log-redact';
import { isLineFault, readFileLine, type QueueLogEvent } from './queue-log-event';
import { isGrammarError, MARKER_DATA, readEventData, type QueueLogEventData } from './queue-log-grammar';
import { applyPause, liveQueueState, type AgentPause, type LiveQueueState } from './queue-log-live';
import { QueueLogTableSchema, type QueueLogTable, type QueueLogTableInput } from './queue-log-table';
import {
  buildStintRecord,
  stintArrivalMs,
  stintFirstEventMs,
  stintVersion,
  type EventPlace,
  type QueueLogStintState,
} from './queue-log-stint';

const HOUR_MS = 3_600_000;

export interface QueueLogSessionOptions {
  /** Source name: the first part of every record id; no `:` or whitespace. */
  source: string;
  /** `file`: the `queue_log` text file; `db`: a CSV export of the `queue_log` table. */
  form: 'file' | 'db';
  /** IANA zone of the db form's `time` column; 'UTC' for a site that logs GMT. Required for `db`. */
  zone?: string;
  /** Queue name → service (directorate); unmapped queues get ''. @default {} */
  queueServices?: Readonly<Record<string, string>>;
  /** Caller number → keyed pseudonym; the number itself is never kept. */
  pseudonymise: Pseudonymise;
  /** A stint whose arrival is this far behind the watermark with no closing event is reported `unclosed`. @default 4 h */
  openCallTimeoutMs?: number;
  /** How long a finished call is remembered (stint numbering, duplicates, late closes). @default openCallTimeoutMs */
  retainMs?: number;
  /** Site-specific event names (QueueLog() in the dial plan) consumed without a record. @default [] */
  customEvents?: readonly string[];
  /** A hold or wait above this is `absurd_wait`. @default 24 h */
  maxWaitMs?: number;
  /** A talk time above this is `absurd_wait`. @default 24 h */
  maxTalkMs?: number;
  /** @default 'utf-8' */
  encoding?: TextEncodingName;
  /** `db` only: where the export keeps queue_log's fields; absent, Asterisk's realtime layouts are detected. */
  table?: QueueLogTableInput;
  /**
   * A stint with no ENTERQUEUE: `count` rebuilds it from its own figures
   * (`rebuilt: true`); `reject` emits nothing for it and rejects its close (or
   * its CONNECT, at the open-call timeout) as `no_enterqueue`. @default 'count'
   */
  rebuiltCalls?: 'count' | 'reject';
}

type ResolvedOptions = Required<Omit<QueueLogSessionOptions, 'zone' | 'queueServices' | 'customEvents' | 'table'>> & {
  zone: string;
  table: QueueLogTable | null;
};

/** Per-call state: one entry per callid seen in a call event, until it is forgotten. */
export interface QueueLogCallState {
  callid: string;
  /** Latest event time folded into the call, or the watermark when it was last reported. */
  touchedMs: number;
  /** Identity of every event folded (for `duplicate_line`); ENTERQUEUE's caller number is replaced by its pseudonym. */
  keys: string[];
  stints: QueueLogStintState[];
}

/**
 * Per-agent staffing state: one entry per member interface seen in an agent
 * event, while it is logged in or holds time not yet emitted.
 */
export interface QueueLogAgentState {
  agent: string;
  /** AGENTLOGIN / AGENTCALLBACKLOGIN read and no logoff since. */
  login: boolean;
  /** Queues it was added to (ADDMEMBER) and not removed from. */
  queues: string[];
  paused: boolean;
  /** Where it is paused now and why, for the live view; absent in snapshots written before it was kept. */
  pauses?: AgentPause[];
  /** Time up to which its time is counted (UTC ms). */
  countedToMs: number;
  /** Start of the interval `loggedInMs` and `pausedMs` belong to. */
  intervalStartMs: number;
  loggedInMs: number;
  pausedMs: number;
  /** Why it is paused now (PAUSE's data1; '' when none is given); absent in snapshots written before reasons were kept. */
  pauseReason?: string;
  /** `pausedMs` by reason; absent in older snapshots (their paused time so far then has no reason: ''). */
  pausedByReasonMs?: Record<string, number>;
  /** Rings let go in this interval by queue (RINGNOANSWER, RINGCANCELED); absent in older snapshots. */
  ringsNotAnswered?: Record<string, number>;
  /** The event that last changed its state. */
  file: string;
  line: number;
}

/** Everything a session carries between files, as JSON-able data. */
export interface QueueLogSessionState {
  format: 'cdrflow.queue-log-session.v1';
  source: string;
  /** Latest event time read, UTC ms; null before the first event. */
  watermarkMs: number | null;
  calls: QueueLogCallState[];
  /** Agents' staffing state; absent in snapshots written before staffing was collected. */
  agents?: QueueLogAgentState[];
  /** Latest answer read per queue (UTC ms), for the live view; absent in snapshots written before it was kept. */
  answered?: Array<{ queue: string; atMs: number }>;
}

interface LiveCall {
  callid: string;
  touchedMs: number;
  /** A handful per call: an array scan beats a Set here, and costs far less memory. */
  keys: string[];
  stints: QueueLogStintState[];
  /**
   * `keys` from `keysFrom` on were read in the file numbered `keysFile` (the
   * session's count of files opened): a line repeated there is a
   * `duplicate_line`, one repeated from an earlier file is absorbed. Not in
   * snapshots: after a restart every key is from an earlier file.
   */
  keysFile?: number;
  keysFrom?: number;
}

/** A queue_log session option is wrong: a setting for the person who configured the source, not a fault. */
export class QueueLogConfigError extends UsageError {
  override readonly name = 'QueueLogConfigError';
  readonly code = 'queue_log_option_invalid';
  constructor(
    readonly key: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`queue_log option ${key} = ${JSON.stringify(value)}: expected ${expected}`);
  }
}

/** A saved session state this session cannot take (another format or source). */
export class QueueLogStateError extends FailureError {
  override readonly name = 'QueueLogStateError';
  readonly code = 'queue_log_state_invalid';
}

function positive(key: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new QueueLogConfigError(key, value, 'a positive number of milliseconds');
  return value;
}

function resolve(o: QueueLogSessionOptions): ResolvedOptions {
  if (o.source.length === 0 || /[:\s]/.test(o.source)) {
    throw new QueueLogConfigError('source', o.source, 'a non-empty name without ":" or whitespace');
  }
  if (o.form !== 'file' && o.form !== 'db') throw new QueueLogConfigError('form', o.form, "'file' or 'db'");
  const rebuiltCalls = o.rebuiltCalls ?? 'count';
  if (rebuiltCalls !== 'count' && rebuiltCalls !== 'reject') {
    throw new QueueLogConfigError('rebuiltCalls', o.rebuiltCalls, "'count' or 'reject'");
  }
  if (o.form === 'db' && o.zone === undefined) {
    throw new QueueLogConfigError(
      'zone',
      o.zone,
      "an IANA zone for the db form's local times ('UTC' if the site logs GMT)",
    );
  }
  const zone = o.zone ?? 'UTC';
  assertTimeZone(zone);
  let table: QueueLogTable | null = null;
  if (o.table !== undefined) {
    if (o.form !== 'db') throw new QueueLogConfigError('table', o.table, "no table mapping: it is for form 'db'");
    const parsed = QueueLogTableSchema.safeParse(o.table);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${['table', ...i.path].join('.')}: ${i.message}`).join('; ');
      throw new QueueLogConfigError('table', o.table, `a valid mapping (${why})`);
    }
    table = parsed.data;
  }
  const openCallTimeoutMs = positive('openCallTimeoutMs', o.openCallTimeoutMs, 4 * HOUR_MS);
  return {
    source: o.source,
    form: o.form,
    zone,
    pseudonymise: o.pseudonymise,
    openCallTimeoutMs,
    retainMs: positive('retainMs', o.retainMs, openCallTimeoutMs),
    maxWaitMs: positive('maxWaitMs', o.maxWaitMs, 24 * HOUR_MS),
    maxTalkMs: positive('maxTalkMs', o.maxTalkMs, 24 * HOUR_MS),
    encoding: o.encoding ?? 'utf-8',
    table,
    rebuiltCalls,
  };
}

/** Caller ids that identify nobody: no pseudonym for them. */
function isPerson(callerId: string): boolean {
  if (callerId === '') return false;
  const lower = callerId.toLowerCase();
  return lower !== 'unknown' && lower !== 'anonymous';
}

/**
 * Folds an Asterisk queue_log, file after file, into one CallRecord per
 * queue stint. Files of one source are opened in order; open calls carry over
 * from one file to the next, and a snapshot carries them across restarts.
 *
 * Rules (docs/formats.md, "Asterisk queue_log"):
 * - a stint is ENTERQUEUE … closing event for one callid and queue; a callid
 *   that enters another queue starts stint n+1 (id `<source>:<callid>/<n>`);
 * - a call counts when its fate is known: each push of bytes (and the end of
 *   a file) emits one record per stint it changed, in its latest state —
 *   `queued` once its ENTERQUEUE is read, `answered` with its wait once its
 *   CONNECT is, final at its close (a close is emitted as it is read, as
 *   before). A bulk read of a closed file in large chunks so emits mostly one
 *   record per call; a live follower's poll emits each state as it happens;
 * - events fold by meaning, not line order: a CONNECT read before its
 *   ENTERQUEUE joins the same stint; `version` (stintVersion) orders every
 *   state and is the same on a re-read, so a later fold supersedes;
 * - waits are the events' own figures (hold/wait seconds), not timestamp
 *   differences, except the Asterisk 1.4 exit forms that carry none;
 * - a closing event with no ENTERQUEUE is rebuilt from its figures when it
 *   carries them, else `orphan_event`; a second closing event for a stint
 *   already closed is `orphan_event` too (it must not count twice);
 * - an exact copy of a folded event (same call, time, queue, agent, event,
 *   data) is `duplicate_line`;
 * - a stint still open `openCallTimeoutMs` after its arrival, measured
 *   against the watermark (latest event time read, never the wall clock), is
 *   reported `unclosed` at the end of each file and by `expire()` if it is
 *   still waiting; a CONNECTed one stays answered (talk time unknown) and is
 *   forgotten `retainMs` later; a CONNECT or close read later supersedes
 *   with a higher version;
 * - agent, ring, DID/INFO and custom events are checked and consumed; an
 *   unknown event is `unknown_event` unless both its queue and agent are
 *   `NONE` (a QueueLog() marker outside any queue).
 */
export class QueueLogSession {
  private readonly options: ResolvedOptions;
  private readonly services: ReadonlyMap<string, string>;
  private readonly customEvents: ReadonlySet<string>;
  private readonly calls = new Map<string, LiveCall>();
  private watermarkMs: number | null = null;
  /** Watermark at the last sweep; sweeps also run inside a file so state stays bounded by the timeouts. */
  private sweptAtMs = Number.NEGATIVE_INFINITY;
  private readonly sweepEveryMs: number;
  private readonly agents = new Map<string, QueueLogAgentState>();
  /** Queue → latest answer read: one entry per queue, so bounded by the site's queues. */
  private readonly lastAnswered = new Map<string, number>();
  /** End of the interval holding the watermark: agents' finished intervals are emitted once it is passed. */
  private agentBoundaryMs = Number.NEGATIVE_INFINITY;
  /**
   * Open stints changed since the last flush, with their calls (closes emit at once). Two plain arrays,
   * not a Map keyed by stint: a stint changed twice in a push is listed twice and emitted once, since
   * the flush skips a stint already emitted at its current version; cheaper per event than hashing.
   */
  private readonly pendingStints: QueueLogStintState[] = [];
  private readonly pendingCalls: LiveCall[] = [];
  /** Every reject's raw text and detail go through it: no caller number leaves the session. */
  private readonly redactor: RawRedactor;
  /** Files opened so far: which file a call's keys were read in (LiveCall.keysFile). */
  private filesOpened = 0;
  /**
   * `rebuiltCalls: reject`: stints closed without their ENTERQUEUE, held to
   * the end of the file so an ENTERQUEUE read later in it still makes a call.
   */
  private readonly heldCloses: HeldClose[] = [];

  constructor(options: QueueLogSessionOptions) {
    this.options = resolve(options);
    this.redactor = queueLogRedactor(this.options.form);
    this.services = new Map(Object.entries(options.queueServices ?? {}));
    this.customEvents = new Set(options.customEvents ?? []);
    this.sweepEveryMs = Math.min(this.options.openCallTimeoutMs, this.options.retainMs) / 4;
  }

  /** A session that continues from a snapshot taken by `snapshot()`. */
  static restore(options: QueueLogSessionOptions, state: QueueLogSessionState): QueueLogSession {
    if (state.format !== 'cdrflow.queue-log-session.v1') {
      throw new QueueLogStateError(`unknown queue_log session state format ${JSON.stringify(state.format)}`);
    }
    if (state.source !== options.source) {
      throw new QueueLogStateError(`state is for source ${state.source}, not ${options.source}`);
    }
    const session = new QueueLogSession(options);
    session.watermarkMs = state.watermarkMs;
    if (state.watermarkMs !== null) session.agentBoundaryMs = intervalStart(state.watermarkMs) + INTERVAL_MS;
    for (const agent of state.agents ?? []) session.agents.set(agent.agent, copyAgent(agent));
    for (const { queue, atMs } of state.answered ?? []) session.lastAnswered.set(queue, atMs);
    for (const call of state.calls) {
      const live: LiveCall = {
        callid: call.callid,
        touchedMs: call.touchedMs,
        keys: [...call.keys],
        stints: call.stints.map((s) => structuredClone(s)),
      };
      session.calls.set(call.callid, live);
      for (const s of live.stints) {
        if (session.rejectsRebuilt() && s.close !== null && s.enter === null && s.emitted === 0 && !s.rejected) {
          session.heldCloses.push({ call: live, stint: s, event: 'close', raw: '' });
          continue;
        }
        if (s.emitted !== undefined) continue;
        // Written before open stints were emitted: a closed stint was emitted at its close; an open one
        // was not (or only as `unclosed`), so it is emitted at the next flush in its current state.
        if (s.close !== null) s.emitted = stintVersion(s);
        else {
          s.emitted = 0;
          session.pendingStints.push(s);
          session.pendingCalls.push(live);
        }
      }
    }
    return session;
  }

  snapshot(): QueueLogSessionState {
    const calls: QueueLogCallState[] = [];
    for (const call of this.calls.values()) {
      calls.push({
        callid: call.callid,
        touchedMs: call.touchedMs,
        keys: [...call.keys],
        stints: call.stints.map((s) => structuredClone(s)),
      });
    }
    return {
      format: 'cdrflow.queue-log-session.v1',
      source: this.options.source,
      watermarkMs: this.watermarkMs,
      calls,
      agents: [...this.agents.values()].map(copyAgent),
      answered: [...this.lastAnswered].map(([queue, atMs]) => ({ queue, atMs })),
    };
  }

  /**
   * Each queue's state now: callers waiting and since when, agents by state,
   * the latest answer. Only as true as the log is recent: it is meant for a
   * followed live queue_log (docs/decisions.md, 37).
   */
  live(nowMs: number): LiveQueueState[] {
    return liveQueueState({
      calls: this.calls.values(),
      agents: [...this.agents.values()].map((a) => ({
        agent: a.agent,
        loggedIn: isLoggedIn(a),
        queues: a.queues,
        pauses: a.pauses ?? [],
      })),
      lastAnsweredMs: this.lastAnswered,
      services: this.services,
      watermarkMs: this.watermarkMs,
      nowMs,
      openCallTimeoutMs: this.options.openCallTimeoutMs,
    });
  }

  /** Calls with at least one stint neither closed nor reported `unclosed`. */
  openCallCount(): number {
    let count = 0;
    for (const call of this.calls.values()) {
      if (call.stints.some((s) => s.close === null && !s.reported)) count += 1;
    }
    return count;
  }

  /** Latest event time read so far (UTC ms), or null. */
  watermark(): number | null {
    return this.watermarkMs;
  }

  openFile(file: string): FileParser {
    this.filesOpened += 1;
    const fileNumber = this.filesOpened;
    const splitter = new LineSplitter({ source: this.options.source, file }, this.options.encoding);
    const db = this.dbReader();
    // Lines are read as the splitter finds them (no array of the chunk's lines
    // kept alive meanwhile); its encoding rejects still come first in the batch.
    let out = emptyBatch();
    const encoding: Reject[] = [];
    const onLine: LineHandler = (text, number) => this.readLine(text, number, file, fileNumber, db, out);
    const batch = (): ParseBatch => {
      const done = out;
      out = emptyBatch();
      if (encoding.length > 0) {
        redactRejects(encoding, this.redactor);
        done.rejects = encoding.concat(done.rejects);
        encoding.length = 0;
      }
      return done;
    };
    return {
      push: (chunk) => {
        splitter.pushEach(chunk, onLine, encoding);
        this.flush(out);
        return batch();
      },
      end: () => {
        splitter.endEach(onLine, encoding);
        const done = batch();
        this.rejectHeldCloses(done);
        this.expireInto(done);
        this.flush(done);
        this.agentsProvisional(done);
        return done;
      },
    };
  }

  /** The row reader of one db-form file (a new one per file: each export has its header); null for the file form. */
  private dbReader(): DbRowReader | null {
    const { form, zone, table } = this.options;
    if (form !== 'db') return null;
    return table === null ? new QueueLogDbRowReader(zone) : new QueueLogTableReader(zone, table);
  }

  /** Reports stints open longer than the timeout (vs the watermark) and forgets long-finished calls. */
  expire(): ParseBatch {
    const out = emptyBatch();
    this.expireInto(out);
    this.flush(out);
    return out;
  }

  /** One record per stint changed since the last flush, in its latest state (the coalescing of a push). */
  private flush(out: ParseBatch): void {
    const stints = this.pendingStints;
    if (stints.length === 0) return;
    const calls = this.pendingCalls;
    for (let i = 0; i < stints.length; i++) {
      const stint = stints[i] as QueueLogStintState;
      if (stint.emitted !== stintVersion(stint)) this.emit(calls[i] as LiveCall, stint, null, out);
    }
    stints.length = 0;
    calls.length = 0;
  }

  private rejectsRebuilt(): boolean {
    return this.options.rebuiltCalls === 'reject';
  }

  /** The held closes whose ENTERQUEUE the file did not give: one `no_enterqueue` reject each. */
  private rejectHeldCloses(out: ParseBatch): void {
    for (const { call, stint, event, raw } of this.heldCloses) {
      // A stint is held once per event folded into it after its close (a late CONNECT): rejected once.
      if (stint.enter === null && stint.close !== null && stint.rejected !== true) {
        this.rejectRebuilt(call, stint, event, stint.close, raw, out);
      }
    }
    this.heldCloses.length = 0;
  }

  /** A stint without ENTERQUEUE under `rebuiltCalls: reject`: one reject at its close or CONNECT, nothing counted. */
  private rejectRebuilt(
    call: LiveCall,
    stint: QueueLogStintState,
    event: string,
    place: EventPlace,
    raw: string,
    out: ParseBatch,
  ): void {
    stint.rejected = true;
    stint.emitted = stintVersion(stint);
    this.reject(
      place.file,
      place.line,
      'no_enterqueue',
      `${event} for call ${call.callid} in queue ${stint.queue} at ${place.file}:${place.line} has no ENTERQUEUE ` +
        'in the files read; not counted (queueLog.rebuiltCalls: reject)',
      raw,
      out,
    );
  }

  private expireInto(out: ParseBatch): void {
    const now = this.watermarkMs;
    if (now === null) return;
    this.sweptAtMs = now;
    for (const [callid, call] of this.calls) {
      let finished = true;
      for (const s of call.stints) {
        if (s.close !== null || s.reported) continue;
        const arrival = stintArrivalMs(s);
        if (arrival !== null && now - arrival > this.options.openCallTimeoutMs) {
          s.reported = true;
          call.touchedMs = Math.max(call.touchedMs, now);
          // Waiting: emitted `unclosed`. CONNECTed: it stays answered (its talk time unknown), and is
          // forgotten like a finished call; a fault its partial records hid is reported now, once.
          if (s.connect === null) this.emit(call, s, { file: s.enter?.file ?? '', line: s.enter?.line ?? 0 }, out);
          else if (s.enter === null && this.rejectsRebuilt())
            this.rejectRebuilt(call, s, 'CONNECT', s.connect, '', out);
          else this.reportFault(call, s, out);
        } else {
          finished = false;
        }
      }
      if (finished && now - call.touchedMs > this.options.retainMs) this.calls.delete(callid);
    }
  }

  private reject(file: string, line: number, reason: RejectReason, detail: string, raw: string, out: ParseBatch): void {
    const reject = makeReject({ source: this.options.source, file, line }, reason, detail, raw);
    out.rejects.push(redactReject(reject, this.redactor));
  }

  private readLine(
    text: string,
    line: number,
    file: string,
    fileNumber: number,
    db: DbRowReader | null,
    out: ParseBatch,
  ): void {
    let ev: QueueLogEvent;
    if (db === null) {
      const read = readFileLine(text);
      if (isLineFault(read)) return this.reject(file, line, read.reason, read.detail, text, out);
      ev = read;
    } else {
      const read = db.read(text, this.watermarkMs);
      if (read === 'header') return;
      if (isLineFault(read)) return this.reject(file, line, read.reason, read.detail, text, out);
      ev = read;
    }
    if (this.watermarkMs === null || ev.atMs > this.watermarkMs) {
      this.watermarkMs = ev.atMs;
      if (ev.atMs - this.sweptAtMs >= this.sweepEveryMs) this.expireInto(out);
      if (ev.atMs >= this.agentBoundaryMs) this.agentsFinal(ev.atMs, out);
    }
    let data = readEventData(ev.event, ev.data);
    if (data === undefined) {
      if (this.customEvents.has(ev.event) || (ev.queue === 'NONE' && ev.agent === 'NONE')) data = MARKER_DATA;
      else
        return this.reject(
          file,
          line,
          'unknown_event',
          `event ${JSON.stringify(ev.event)} is not a queue_log event`,
          text,
          out,
        );
    }
    if (isGrammarError(data)) return this.reject(file, line, 'bad_event_data', data.error, text, out);
    switch (data.kind) {
      case 'agent':
        return this.agentEvent(ev, file, line, out);
      case 'ring':
        return this.ringEvent(ev, file, line, text, out);
      case 'marker':
      case 'ignored':
        return;
      default:
        this.fold(ev, data, { atMs: ev.atMs, file, line }, fileNumber, text, out);
    }
  }

  // ---- staffing: agents' logged-in and paused time (docs/kpi.md, "Staffing") ----

  /** Agents with state held (logged in, or time not yet emitted). */
  agentCount(): number {
    return this.agents.size;
  }

  /** The watermark reached a new interval: every agent's earlier intervals are complete. */
  private agentsFinal(watermarkMs: number, out: ParseBatch): void {
    const start = intervalStart(watermarkMs);
    this.agentBoundaryMs = start + INTERVAL_MS;
    for (const [name, agent] of this.agents) {
      this.countAgent(agent, start, out);
      if (!isLoggedIn(agent) && !holdsFigures(agent)) this.agents.delete(name);
    }
  }

  /** End of a file: time up to the watermark is counted and the open interval emitted as provisional. */
  private agentsProvisional(out: ParseBatch): void {
    const now = this.watermarkMs;
    if (now === null) return;
    for (const agent of this.agents.values()) {
      this.countAgent(agent, now, out);
      if (holdsFigures(agent)) this.emitAgent(agent, 1 + Math.floor((now - agent.intervalStartMs) / 1000), out);
    }
  }

  /**
   * Adds the agent's time from `countedToMs` to `toMs` to its interval,
   * emitting each interval it completes (version 901: all 900 s known).
   */
  private countAgent(agent: QueueLogAgentState, toMs: number, out: ParseBatch): void {
    while (agent.countedToMs < toMs) {
      const end = agent.intervalStartMs + INTERVAL_MS;
      const upTo = toMs < end ? toMs : end;
      if (isLoggedIn(agent)) {
        agent.loggedInMs += upTo - agent.countedToMs;
        if (agent.paused) {
          agent.pausedMs += upTo - agent.countedToMs;
          addTo((agent.pausedByReasonMs ??= {}), agent.pauseReason ?? '', upTo - agent.countedToMs);
        }
      }
      agent.countedToMs = upTo;
      if (upTo === end) {
        if (holdsFigures(agent)) this.emitAgent(agent, INTERVAL_MS / 1000 + 1, out);
        agent.intervalStartMs = end;
        agent.loggedInMs = 0;
        agent.pausedMs = 0;
        agent.pausedByReasonMs = {};
        agent.ringsNotAnswered = {};
        // An agent logged out has no more time to count: jump to the end.
        if (!isLoggedIn(agent)) {
          agent.countedToMs = toMs;
          agent.intervalStartMs = intervalStart(toMs);
        }
      }
    }
  }

  private emitAgent(agent: QueueLogAgentState, version: number, out: ParseBatch): void {
    const { source } = this.options;
    out.agentTimes.push({
      schema: 'agent_time.v1',
      id: agentTimeId(source, agent.agent, agent.intervalStartMs),
      version,
      source,
      agent: agent.agent,
      intervalStart: agent.intervalStartMs,
      loggedInMs: agent.loggedInMs,
      pausedMs: agent.pausedMs,
      ringsNotAnswered: { ...agent.ringsNotAnswered },
      pausedByReasonMs: { ...agent.pausedByReasonMs },
      file: agent.file,
      line: agent.line,
    });
  }

  /**
   * Applies one agent event at its time (or at the time already counted, for
   * a line older than that: time already emitted is never rewritten).
   */
  private agentEvent(ev: QueueLogEvent, file: string, line: number, out: ParseBatch): void {
    const agent = this.agentAt(ev, file, line, out);
    if (agent === undefined) return; // no agent named: nothing to count
    switch (ev.event) {
      case 'AGENTLOGIN':
      case 'AGENTCALLBACKLOGIN':
        agent.login = true;
        break;
      case 'AGENTLOGOFF':
      case 'AGENTCALLBACKLOGOFF':
        agent.login = false;
        agent.queues.length = 0;
        break;
      case 'ADDMEMBER':
        if (ev.queue !== 'NONE' && ev.queue !== '' && !agent.queues.includes(ev.queue)) agent.queues.push(ev.queue);
        // Realtime and the manager's QueueAdd log a member added already paused as data PAUSED.
        if (ev.data[0] === 'PAUSED') agent.paused = true;
        break;
      case 'REMOVEMEMBER': {
        const at = agent.queues.indexOf(ev.queue);
        if (at !== -1) agent.queues.splice(at, 1);
        if (agent.pauses !== undefined) agent.pauses = agent.pauses.filter((p) => p.queue !== ev.queue);
        // Removed from its last queue: logged out, whatever logged it in.
        if (agent.queues.length === 0) agent.login = false;
        break;
      }
      case 'PAUSE':
      case 'PAUSEALL':
        agent.paused = true;
        agent.pauseReason = ev.data[0] ?? '';
        applyPause((agent.pauses ??= []), agent.queues, ev.event, ev.queue, ev.data[0] ?? '');
        break;
      case 'UNPAUSE':
      case 'UNPAUSEALL':
        agent.paused = false;
        applyPause((agent.pauses ??= []), agent.queues, ev.event, ev.queue, '');
        break;
      default:
        return;
    }
    if (!isLoggedIn(agent)) {
      agent.paused = false;
      agent.pauses = [];
    }
    agent.file = file;
    agent.line = line;
  }

  /** The agent an event names, its time counted up to the event; undefined for no agent (`NONE`). */
  private agentAt(ev: QueueLogEvent, file: string, line: number, out: ParseBatch): QueueLogAgentState | undefined {
    const name = ev.agent;
    if (name === '' || name === 'NONE') return undefined;
    let agent = this.agents.get(name);
    if (agent === undefined) {
      agent = {
        agent: name,
        login: false,
        queues: [],
        paused: false,
        countedToMs: ev.atMs,
        intervalStartMs: intervalStart(ev.atMs),
        loggedInMs: 0,
        pausedMs: 0,
        file,
        line,
      };
      this.agents.set(name, agent);
    } else {
      this.countAgent(agent, ev.atMs, out);
    }
    return agent;
  }

  /**
   * A ring the member let go: RINGNOANSWER (written by every queue_log
   * Asterisk, from app_queue.c's rna()) or RINGCANCELED (app_queue.c in later
   * versions, when ringing stops because the caller left or another member
   * answered). Counted in the agent's interval by queue, also for a static
   * member with no login events. A line already read for the call (a
   * repeated line) is a `duplicate_line`, as for every call event.
   */
  private ringEvent(ev: QueueLogEvent, file: string, line: number, text: string, out: ParseBatch): void {
    const call = this.calls.get(ev.callid);
    if (call !== undefined) {
      const key = [ev.atMs, ev.queue, ev.agent, ev.event, ev.dataText].join('|');
      if (call.keys.includes(key))
        return this.reject(
          file,
          line,
          'duplicate_line',
          `${ev.event} for call ${ev.callid} was already read`,
          text,
          out,
        );
      call.keys.push(key);
    }
    const agent = this.agentAt(ev, file, line, out);
    if (agent === undefined) return;
    addTo((agent.ringsNotAnswered ??= {}), ev.queue, 1);
    if (!isLoggedIn(agent)) {
      agent.file = file;
      agent.line = line;
    }
  }

  private answeredAt(queue: string, atMs: number): void {
    const known = this.lastAnswered.get(queue);
    if (known === undefined || atMs > known) this.lastAnswered.set(queue, atMs);
  }

  private absurd(
    data: Exclude<QueueLogEventData, { kind: 'ring' | 'agent' | 'marker' | 'ignored' | 'enter' }>,
  ): string | null {
    const { maxWaitMs, maxTalkMs } = this.options;
    const wait = data.kind === 'exit' ? data.waitSec : data.holdSec;
    if (wait !== null && (wait < 0 || wait * 1000 > maxWaitMs))
      return `wait ${wait} s is negative or above ${maxWaitMs / 1000} s`;
    if (data.kind === 'complete' && (data.talkSec < 0 || data.talkSec * 1000 > maxTalkMs)) {
      return `talk ${data.talkSec} s is negative or above ${maxTalkMs / 1000} s`;
    }
    return null;
  }

  private fold(
    ev: QueueLogEvent,
    data: Exclude<QueueLogEventData, { kind: 'ring' | 'agent' | 'marker' | 'ignored' }>,
    place: EventPlace,
    fileNumber: number,
    text: string,
    out: ParseBatch,
  ): void {
    if (data.kind !== 'enter') {
      const why = this.absurd(data);
      if (why !== null) return this.reject(place.file, place.line, 'absurd_wait', why, text, out);
    }
    const callerKey =
      data.kind === 'enter' && isPerson(data.callerId) ? this.options.pseudonymise(data.callerId) : null;
    // Joined, not a template literal: a template builds a tree of string pieces per key, and these keys are
    // kept for hours of log time, so every piece was copied by each young-generation GC (a quarter of the time).
    const key =
      data.kind === 'enter'
        ? [
            ev.atMs,
            ev.queue,
            ev.agent,
            'ENTERQUEUE',
            ev.data[0] ?? '',
            callerKey ?? '',
            ev.data.slice(2).join('|'),
          ].join('|')
        : [ev.atMs, ev.queue, ev.agent, ev.event, ev.dataText].join('|');
    let call = this.calls.get(ev.callid);
    if (call !== undefined) {
      const at = call.keys.indexOf(key);
      if (at !== -1) return this.repeated(call, at, fileNumber, place, ev, text, out);
    }
    const stints = call?.stints ?? [];
    const agent = ev.agent === 'NONE' || ev.agent === '' ? null : ev.agent;
    let stint: QueueLogStintState | undefined;
    switch (data.kind) {
      case 'enter':
        // An earlier-read CONNECT or close of this stint waits for its ENTERQUEUE.
        stint = enterTarget(stints, ev.queue, ev.atMs);
        // Its close was read first and counted as rebuilt; with its ENTERQUEUE it no longer is.
        if (stint !== undefined && stint.close !== null && !this.rejectsRebuilt()) {
          out.rebuiltCalls = (out.rebuiltCalls ?? 0) - 1;
        }
        if (stint === undefined) stint = newStint(stints, ev.queue);
        stint.enter = place;
        stint.callerKey = callerKey;
        break;
      case 'connect':
        stint = connectTarget(stints, ev.queue, ev.atMs);
        if (stint === undefined) stint = newStint(stints, ev.queue);
        stint.connect = { atMs: place.atMs, file: place.file, line: place.line, holdSec: data.holdSec, agent };
        this.answeredAt(ev.queue, place.atMs);
        break;
      default: {
        stint = closeTarget(stints, ev.queue, ev.atMs);
        if (stint === undefined) {
          const closed = closedIn(stints, ev.queue);
          if (closed !== undefined) {
            return this.reject(
              place.file,
              place.line,
              'orphan_event',
              `${ev.event} for call ${ev.callid} in queue ${ev.queue}, whose stint already closed at ${closed.close?.file ?? ''}:${closed.close?.line ?? 0}; not counted twice`,
              text,
              out,
            );
          }
          if (data.kind === 'exit' && data.waitSec === null) {
            return this.reject(
              place.file,
              place.line,
              'orphan_event',
              `${ev.event} for call ${ev.callid} has no ENTERQUEUE in the files read and no wait time to rebuild it from`,
              text,
              out,
            );
          }
          stint = newStint(stints, ev.queue);
        }
        // A COMPLETE whose CONNECT was not read still says when the caller was answered.
        if (data.kind === 'complete') this.answeredAt(ev.queue, place.atMs - data.talkSec * 1000);
        // Literal objects of one shape, not spreads: spreading `place` here was the hot spot.
        stint.close =
          data.kind === 'complete'
            ? {
                atMs: place.atMs,
                file: place.file,
                line: place.line,
                outcome: 'answered',
                waitSec: data.holdSec,
                talkSec: data.talkSec,
                key: null,
                agent,
              }
            : {
                atMs: place.atMs,
                file: place.file,
                line: place.line,
                outcome: data.outcome,
                waitSec: data.waitSec,
                talkSec: 0,
                key: data.key,
                agent,
              };
      }
    }
    if (call === undefined) {
      call = { callid: ev.callid, touchedMs: ev.atMs, keys: [], stints };
      this.calls.set(ev.callid, call);
    }
    if (call.keysFile !== fileNumber) {
      call.keysFile = fileNumber;
      call.keysFrom = call.keys.length;
    }
    call.keys.push(key);
    if (ev.atMs > call.touchedMs) call.touchedMs = ev.atMs;
    // A close is emitted as it is read (as before open stints were emitted); an open stint at the flush.
    if (stint.close !== null && stint.enter === null && this.rejectsRebuilt()) {
      if (!stint.rejected) this.heldCloses.push({ call, stint, event: ev.event, raw: text });
    } else if (stint.close !== null) this.emit(call, stint, { file: place.file, line: place.line, raw: text }, out);
    else {
      this.pendingStints.push(stint);
      this.pendingCalls.push(call);
    }
  }

  /**
   * An event already folded, read again. Repeated within one file it is a
   * fault of the file (`duplicate_line`); read first in an earlier file it is
   * a re-read or an overlapping re-export, absorbed and counted in
   * `repeatedLines`, since a reject per remembered line would drown the real
   * ones. Its key then counts as read in this file, so a second copy here is
   * rejected.
   */
  private repeated(
    call: LiveCall,
    at: number,
    fileNumber: number,
    place: EventPlace,
    ev: QueueLogEvent,
    text: string,
    out: ParseBatch,
  ): void {
    const inThisFile = call.keysFile === fileNumber && at >= (call.keysFrom ?? 0);
    if (inThisFile) {
      return this.reject(
        place.file,
        place.line,
        'duplicate_line',
        `${ev.event} for call ${ev.callid} was already read`,
        text,
        out,
      );
    }
    out.repeatedLines = (out.repeatedLines ?? 0) + 1;
    const [key] = call.keys.splice(at, 1);
    if (call.keysFile !== fileNumber) {
      call.keysFile = fileNumber;
      call.keysFrom = call.keys.length;
    } else {
      call.keysFrom = (call.keysFrom ?? 0) - 1;
    }
    call.keys.push(key as string);
  }

  /**
   * Emits the stint's record in its current state. A final record (closed,
   * `unclosed`) that fails the checks is a reject at `where`, as always; an
   * open stint's record (`where` null) that fails is dropped quietly, its
   * fault reported by its close or by the open-call timeout, so a stint is
   * rejected once, as before.
   */
  private emit(
    call: LiveCall,
    stint: QueueLogStintState,
    where: { file: string; line: number; raw?: string } | null,
    out: ParseBatch,
  ): void {
    // Under `rebuiltCalls: reject` nothing is emitted before the ENTERQUEUE, and a stint once rejected stays so:
    // its reject is already sent, so a late ENTERQUEUE must not count it as well.
    if (this.rejectsRebuilt() && (stint.enter === null || stint.rejected === true)) return;
    const record = this.recordOf(call, stint);
    stint.emitted = 'reason' in record ? stintVersion(stint) : record.version;
    if ('reason' in record) {
      if (where !== null) this.reject(where.file, where.line, record.reason, record.detail, where.raw ?? '', out);
      return;
    }
    out.calls.push(record);
    if (stint.close !== null && stint.enter === null) out.rebuiltCalls = (out.rebuiltCalls ?? 0) + 1;
  }

  private recordOf(call: LiveCall, stint: QueueLogStintState): ReturnType<typeof buildStintRecord> {
    return buildStintRecord(
      { source: this.options.source, callid: call.callid, service: this.services.get(stint.queue) ?? '' },
      stint,
    );
  }

  /** The reject a CONNECTed stint's record would give, reported when it times out without a close. */
  private reportFault(call: LiveCall, stint: QueueLogStintState, out: ParseBatch): void {
    const record = this.recordOf(call, stint);
    if ('reason' in record) {
      const place = stint.connect ?? stint.enter;
      this.reject(place?.file ?? '', place?.line ?? 0, record.reason, record.detail, '', out);
    }
  }
}

/** A close held under `rebuiltCalls: reject` until the end of its file. */
interface HeldClose {
  call: LiveCall;
  stint: QueueLogStintState;
  /** The closing event's name, for the reject's detail. */
  event: string;
  raw: string;
}

function newStint(stints: QueueLogStintState[], queue: string): QueueLogStintState {
  const stint: QueueLogStintState = {
    n: stints.length + 1,
    queue,
    enter: null,
    callerKey: null,
    connect: null,
    close: null,
    reported: false,
    emitted: 0,
  };
  stints.push(stint);
  return stint;
}

// The stint finders are plain loops, not a findLast(predicate): closures per
// event cost real time here (and tsx's keepNames wraps each one).

/** The latest stint in `queue` still waiting for its ENTERQUEUE (its other events read first). */
function enterTarget(
  stints: readonly QueueLogStintState[],
  queue: string,
  atMs: number,
): QueueLogStintState | undefined {
  for (let i = stints.length - 1; i >= 0; i--) {
    const s = stints[i] as QueueLogStintState;
    if (s.queue === queue && s.enter === null && stintFirstEventMs(s) >= atMs) return s;
  }
  return undefined;
}

/** The latest stint in `queue` a CONNECT at `atMs` can belong to. */
function connectTarget(
  stints: readonly QueueLogStintState[],
  queue: string,
  atMs: number,
): QueueLogStintState | undefined {
  for (let i = stints.length - 1; i >= 0; i--) {
    const s = stints[i] as QueueLogStintState;
    if (
      s.queue === queue &&
      s.connect === null &&
      (s.close === null || (s.close.outcome === 'answered' && s.close.atMs >= atMs)) &&
      (s.enter === null || s.enter.atMs <= atMs)
    ) {
      return s;
    }
  }
  return undefined;
}

/** The latest open stint in `queue` a closing event at `atMs` can close. */
function closeTarget(
  stints: readonly QueueLogStintState[],
  queue: string,
  atMs: number,
): QueueLogStintState | undefined {
  for (let i = stints.length - 1; i >= 0; i--) {
    const s = stints[i] as QueueLogStintState;
    if (s.queue === queue && s.close === null && (s.enter === null || s.enter.atMs <= atMs)) return s;
  }
  return undefined;
}

function closedIn(stints: readonly QueueLogStintState[], queue: string): QueueLogStintState | undefined {
  for (let i = stints.length - 1; i >= 0; i--) {
    const s = stints[i] as QueueLogStintState;
    if (s.queue === queue && s.close !== null) return s;
  }
  return undefined;
}

function copyAgent(agent: QueueLogAgentState): QueueLogAgentState {
  const copy = { ...agent, queues: [...agent.queues] };
  if (agent.pauses !== undefined) copy.pauses = agent.pauses.map((p) => ({ ...p }));
  if (agent.pausedByReasonMs !== undefined) copy.pausedByReasonMs = { ...agent.pausedByReasonMs };
  if (agent.ringsNotAnswered !== undefined) copy.ringsNotAnswered = { ...agent.ringsNotAnswered };
  return copy;
}

function isLoggedIn(agent: QueueLogAgentState): boolean {
  return agent.login || agent.queues.length > 0;
}

/** Whether an agent's current interval holds anything to emit: time, or rings let go. */
function holdsFigures(agent: QueueLogAgentState): boolean {
  return agent.loggedInMs > 0 || Object.keys(agent.ringsNotAnswered ?? {}).length > 0;
}

function addTo(counts: Record<string, number>, key: string, n: number): void {
  counts[key] = (counts[key] ?? 0) + n;
}
