import type { QueueLogStintState } from './queue-log-stint';

/** An agent's pause in one queue, or in every queue (`queue` ''): PAUSEALL, or a PAUSE logged outside a queue. */
export interface AgentPause {
  queue: string;
  /** PAUSE's data1 on Asterisk 1.8+ (`PAUSE|reason`); '' on older logs and for a pause with no reason. */
  reason: string;
}

/** What the live view needs of an agent: its queues, its pauses and whether it is logged in. */
export interface LiveAgentInput {
  agent: string;
  loggedIn: boolean;
  queues: readonly string[];
  pauses: readonly AgentPause[];
}

/** What the live view needs of a call: its stints. */
export interface LiveCallInput {
  stints: readonly QueueLogStintState[];
}

export interface LiveQueueInput {
  calls: Iterable<LiveCallInput>;
  agents: Iterable<LiveAgentInput>;
  /** Queue → time of its latest answer read (CONNECT, or the connect a COMPLETE implies), UTC ms. */
  lastAnsweredMs: ReadonlyMap<string, number>;
  services: ReadonlyMap<string, string>;
  /** The session's watermark (latest event time read), or null. */
  watermarkMs: number | null;
  /** The wall clock of the process asking: a stint older than the timeout by either clock is not waiting. */
  nowMs: number;
  openCallTimeoutMs: number;
}

/** Agents of a queue by state; the four states partition the logged-in agents. */
export interface LiveAgentCounts {
  loggedIn: number;
  /** Logged in, not paused in this queue, on no call. */
  available: number;
  /** Talking to a caller (from any queue: a member busy in another queue is not available here either). */
  onCall: number;
  /** Paused in this queue (or in all) and on no call. */
  paused: number;
}

/** One queue's state now, as the session's events say. */
export interface LiveQueueState {
  queue: string;
  service: string;
  /** Callers queued now: ENTERQUEUE read, no CONNECT or close, and not past the open-call timeout. */
  callersWaiting: number;
  /** ENTERQUEUE time of the longest-waiting caller (UTC ms); null when nobody waits. */
  oldestWaitingSinceMs: number | null;
  /** Latest answer in this queue (UTC ms); null when none was read. */
  lastAnsweredMs: number | null;
  agents: LiveAgentCounts;
  /** Paused agents (the `paused` state) by pause reason ('' for none). */
  pausedByReason: ReadonlyMap<string, number>;
}

interface QueueTally {
  waiting: number;
  oldest: number | null;
  members: Set<string>;
  onCall: Set<string>;
}

/**
 * The live queue state derived from a queue_log session's open stints and
 * agents. Its size is the number of queues; the work is one pass over the
 * calls held (waiting and recently finished ones) and the agents, so it
 * grows with callers and agents, never with history.
 */
export function liveQueueState(input: LiveQueueInput): LiveQueueState[] {
  const now = Math.max(input.nowMs, input.watermarkMs ?? Number.NEGATIVE_INFINITY);
  const queues = new Map<string, QueueTally>();
  const tally = (queue: string): QueueTally => {
    let t = queues.get(queue);
    if (t === undefined) {
      t = { waiting: 0, oldest: null, members: new Set(), onCall: new Set() };
      queues.set(queue, t);
    }
    return t;
  };
  for (const queue of input.lastAnsweredMs.keys()) tally(queue);
  // Who is talking now, by agent: an agent on a call is busy for every queue it serves.
  const talking = new Map<string, string>();
  for (const call of input.calls) {
    for (const s of call.stints) {
      if (s.close !== null || s.reported) continue;
      if (s.connect !== null) {
        if (s.connect.agent !== null) talking.set(s.connect.agent, s.queue);
        continue;
      }
      // A caller whose ENTERQUEUE is older than the timeout, by the log's clock or ours, is not "now":
      // its close is missing (a file that ended, a lost line), and it must not wait on the board forever.
      if (s.enter === null || now - s.enter.atMs > input.openCallTimeoutMs) continue;
      const t = tally(s.queue);
      t.waiting += 1;
      if (t.oldest === null || s.enter.atMs < t.oldest) t.oldest = s.enter.atMs;
    }
  }
  const pausesOf = new Map<string, readonly AgentPause[]>();
  for (const agent of input.agents) {
    if (!agent.loggedIn) continue;
    pausesOf.set(agent.agent, agent.pauses);
    for (const queue of agent.queues) tally(queue).members.add(agent.agent);
  }
  // A static member (queues.conf) logs no ADDMEMBER: it is known to be there while it talks.
  for (const [agent, queue] of talking) {
    const t = tally(queue);
    t.members.add(agent);
  }
  const states: LiveQueueState[] = [];
  for (const [queue, t] of queues) {
    let onCall = 0;
    let paused = 0;
    const pausedByReason = new Map<string, number>();
    for (const agent of t.members) {
      if (talking.has(agent)) {
        onCall += 1;
        continue;
      }
      const pause = pauseIn(pausesOf.get(agent) ?? [], queue);
      if (pause === null) continue;
      paused += 1;
      pausedByReason.set(pause.reason, (pausedByReason.get(pause.reason) ?? 0) + 1);
    }
    states.push({
      queue,
      service: input.services.get(queue) ?? '',
      callersWaiting: t.waiting,
      oldestWaitingSinceMs: t.oldest,
      lastAnsweredMs: input.lastAnsweredMs.get(queue) ?? null,
      agents: { loggedIn: t.members.size, available: t.members.size - onCall - paused, onCall, paused },
      pausedByReason,
    });
  }
  return states.sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0));
}

/** The pause that holds in `queue`: its own, else a pause in every queue. */
function pauseIn(pauses: readonly AgentPause[], queue: string): AgentPause | null {
  let all: AgentPause | null = null;
  for (const p of pauses) {
    if (p.queue === queue) return p;
    if (p.queue === '') all = p;
  }
  return all;
}

/**
 * Applies a pause event to an agent's pauses. Asterisk logs PAUSE/UNPAUSE per
 * queue (data1 the reason on 1.8+, nothing before) and, when a member is
 * paused in every queue at once, PAUSEALL/UNPAUSEALL outside any queue
 * followed by one PAUSE/UNPAUSE per queue; a PAUSE outside any queue (queue
 * NONE) pauses it everywhere too. A pause in every queue is kept per known
 * queue, so a later UNPAUSE in one of them leaves the others paused; an
 * agent with no known queue (a static member) keeps it as `queue` ''.
 */
export function applyPause(
  pauses: AgentPause[],
  memberOf: readonly string[],
  event: string,
  queue: string,
  reason: string,
): void {
  const everywhere = event === 'PAUSEALL' || event === 'UNPAUSEALL' || queue === 'NONE' || queue === '';
  const pausing = event === 'PAUSE' || event === 'PAUSEALL';
  if (everywhere && !pausing) {
    pauses.length = 0;
    return;
  }
  const targets = everywhere ? (memberOf.length > 0 ? memberOf : ['']) : [queue];
  for (const target of targets) {
    const at = pauses.findIndex((p) => p.queue === target);
    if (at !== -1) pauses.splice(at, 1);
    if (pausing) pauses.push({ queue: target, reason });
  }
  // Unpaused in one queue: a pause in every queue no longer holds there, and cannot be kept for the others.
  if (!pausing) {
    const all = pauses.findIndex((p) => p.queue === '');
    if (all !== -1) pauses.splice(all, 1);
  }
}
