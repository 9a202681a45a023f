import { formatRatio } from './format';

/** Answered inbound phone calls and their talk time of one agent in one queue, summed over a period. */
export interface AgentCallSums {
  source: string;
  /** The agent that took the call, as the source names it (queue_log: the member, e.g. `Agent/1001`). */
  agent: string;
  queue: string;
  answered: number;
  talkMs: number;
}

/** One agent's logged-in and paused time summed over a period (every queue: a pause is per agent). */
export interface AgentTimeSums {
  source: string;
  agent: string;
  loggedInMs: number;
  pausedMs: number;
  /** `pausedMs` by PAUSE reason ('' for none given); adds up to less than `pausedMs` where older records carry no split. */
  pausedByReasonMs: Readonly<Record<string, number>>;
}

/** Rings one agent let go in one queue (queue_log RINGNOANSWER, RINGCANCELED), summed over a period. */
export interface AgentRingSums {
  source: string;
  agent: string;
  queue: string;
  ringsNotAnswered: number;
}

export interface AgentQueueFigures {
  queue: string;
  answered: number;
  talkMs: number;
  /** talkMs ÷ answered; null without answered calls. */
  avgHandleMs: number | null;
  /** null when the source logged no agent events for the agent (as its time). */
  ringsNotAnswered: number | null;
}

export interface AgentFigures {
  /** What the output prints: the agent's name, or its pseudonym ("Agent 01"). */
  label: string;
  /** The source and the agent's own name; null when pseudonymised, so no output carries them. */
  identity: { source: string; agent: string } | null;
  queues: AgentQueueFigures[];
  answered: number;
  talkMs: number;
  avgHandleMs: number | null;
  /** Rings let go over all queues; null when the source logged no agent events for it (a CDR source). */
  ringsNotAnswered: number | null;
  /** null when the source logged no agent events for it in the period ("No data", never 0). */
  loggedInMs: number | null;
  pausedMs: number | null;
  /** Paused time by reason, largest first ('' for none given); null with `pausedMs`. */
  pausedByReason: Array<{ reason: string; ms: number }> | null;
  /** Logged in and not paused. */
  availableMs: number | null;
  /** talkMs ÷ availableMs as a percentage; null without available time. */
  occupancyPercent: number | null;
}

export interface AgentFiguresOptions {
  /** Print "Agent 01", "Agent 02", … in place of names, numbered in the order the agents are listed. */
  pseudonymise: boolean;
}

/**
 * Per-agent figures from exact sums (docs/kpi.md, "Agent figures"): an
 * agent's averages and occupancy are ratios of its own sums, never a mean of
 * per-queue or per-interval figures. Agents are listed by answered calls
 * (most first), then by source and name; a pseudonym numbers that order, so
 * it tells the reader nothing the row does not (not the alphabetical order
 * of the names, which sorting by name first would leak).
 */
export function computeAgentFigures(
  calls: readonly AgentCallSums[],
  time: readonly AgentTimeSums[],
  rings: readonly AgentRingSums[],
  options: AgentFiguresOptions,
): AgentFigures[] {
  const key = (source: string, agent: string) => `${source}\u0000${agent}`;
  const agents = new Map<
    string,
    {
      source: string;
      agent: string;
      queues: AgentQueueFigures[];
      time: AgentTimeSums | null;
      rings: Map<string, number> | null;
    }
  >();
  const entry = (source: string, agent: string) => {
    const k = key(source, agent);
    let e = agents.get(k);
    if (e === undefined) {
      e = { source, agent, queues: [], time: null, rings: null };
      agents.set(k, e);
    }
    return e;
  };
  for (const c of calls) {
    entry(c.source, c.agent).queues.push({
      queue: c.queue,
      answered: c.answered,
      talkMs: c.talkMs,
      avgHandleMs: c.answered > 0 ? c.talkMs / c.answered : null,
      ringsNotAnswered: null,
    });
  }
  for (const t of time) entry(t.source, t.agent).time = t;
  for (const r of rings) {
    const e = entry(r.source, r.agent);
    (e.rings ??= new Map()).set(r.queue, (e.rings.get(r.queue) ?? 0) + r.ringsNotAnswered);
  }
  // An agent with agent events has a ring count (0 where none) in every queue it answered or let ring.
  for (const e of agents.values()) {
    if (e.time === null && e.rings === null) continue;
    const known = e.rings ?? new Map<string, number>();
    for (const [queue] of known) {
      if (!e.queues.some((q) => q.queue === queue))
        e.queues.push({ queue, answered: 0, talkMs: 0, avgHandleMs: null, ringsNotAnswered: 0 });
    }
    for (const q of e.queues) q.ringsNotAnswered = known.get(q.queue) ?? 0;
  }
  const sources = new Set([...agents.values()].map((a) => a.source));
  const rows = [...agents.values()].map((a) => {
    const answered = a.queues.reduce((n, q) => n + q.answered, 0);
    const talkMs = a.queues.reduce((n, q) => n + q.talkMs, 0);
    const availableMs = a.time === null ? null : a.time.loggedInMs - a.time.pausedMs;
    return {
      a,
      answered,
      figures: {
        label: sources.size > 1 ? `${a.agent} (${a.source})` : a.agent,
        identity: { source: a.source, agent: a.agent },
        queues: [...a.queues].sort((x, y) => y.answered - x.answered || compare(x.queue, y.queue)),
        answered,
        talkMs,
        avgHandleMs: answered > 0 ? talkMs / answered : null,
        ringsNotAnswered:
          a.time === null && a.rings === null ? null : [...(a.rings?.values() ?? [])].reduce((n, r) => n + r, 0),
        loggedInMs: a.time?.loggedInMs ?? null,
        pausedMs: a.time?.pausedMs ?? null,
        pausedByReason: a.time === null ? null : byReason(a.time),
        availableMs,
        occupancyPercent: availableMs !== null && availableMs > 0 ? (100 * talkMs) / availableMs : null,
      } satisfies AgentFigures,
    };
  });
  rows.sort((x, y) => y.answered - x.answered || compare(x.a.source, y.a.source) || compare(x.a.agent, y.a.agent));
  if (!options.pseudonymise) return rows.map((r) => r.figures);
  const width = Math.max(2, String(rows.length).length);
  return rows.map((r, i) => ({ ...r.figures, label: `Agent ${String(i + 1).padStart(width, '0')}`, identity: null }));
}

/** Talk time ÷ available time, to one decimal, rounded on the exact milliseconds. */
export function formatOccupancy(f: AgentFigures): string | null {
  return f.availableMs !== null && f.availableMs > 0 ? `${formatRatio(100 * f.talkMs, f.availableMs, 1)} %` : null;
}

/** Paused time by reason, largest first; time paused in records that carried no split is under reason ''. */
function byReason(t: AgentTimeSums): Array<{ reason: string; ms: number }> {
  const split = Object.entries(t.pausedByReasonMs).filter(([, ms]) => ms > 0);
  const unsplit = t.pausedMs - split.reduce((n, [, ms]) => n + ms, 0);
  const known = new Map(split);
  if (unsplit > 0) known.set('', (known.get('') ?? 0) + unsplit);
  return [...known].map(([reason, ms]) => ({ reason, ms })).sort((x, y) => y.ms - x.ms || compare(x.reason, y.reason));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
