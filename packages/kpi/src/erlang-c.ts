import { FailureError } from '@cdrflow/errors';

/**
 * Erlang C (M/M/N, callers wait as long as it takes): the probability that a
 * call waits, its average wait over all offered calls (ASA) and the service
 * level, for N agents and A Erlangs of traffic (A = calls × handle time ÷ the
 * interval's length).
 *
 * Computed through the Erlang B recursion B(n) = A·B(n−1) ÷ (n + A·B(n−1)),
 * B(0) = 1, and C = N·B ÷ (N − A·(1 − B)): every step stays in [0, 1], so
 * there is no factorial or power to overflow at 200 or 2,000 agents, which
 * the textbook form A^N ÷ N! does (170! is already past a double).
 */

/** A load or target that no staffing can be computed for; names the values. */
export class ErlangInputError extends FailureError {
  override readonly name = 'ErlangInputError';
  readonly code = 'erlang_input_invalid';
}

function check(name: string, value: number, allowZero: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ErlangInputError(`${name} must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${value}`, {
      context: { [name]: value },
    });
  }
}

/** Erlang B: the probability that all N agents are busy when calls are lost rather than queued. */
export function erlangB(agents: number, trafficErlangs: number): number {
  check('trafficErlangs', trafficErlangs, true);
  if (!Number.isInteger(agents) || agents < 0) {
    throw new ErlangInputError(`agents must be a whole number ≥ 0, got ${agents}`, { context: { agents } });
  }
  let b = 1;
  for (let n = 1; n <= agents; n++) b = nextErlangB(b, n, trafficErlangs);
  return b;
}

const nextErlangB = (previous: number, n: number, traffic: number): number =>
  (traffic * previous) / (n + traffic * previous);

/** Erlang C from Erlang B at the same N; 1 when N ≤ A (the queue grows without end). */
function erlangCFromB(b: number, agents: number, traffic: number): number {
  if (agents <= traffic) return 1;
  return (agents * b) / (agents - traffic * (1 - b));
}

/** The probability that a call waits at all. */
export function erlangC(agents: number, trafficErlangs: number): number {
  return erlangCFromB(erlangB(agents, trafficErlangs), agents, trafficErlangs);
}

/** Average wait over all offered calls (ASA per Erlang C); Infinity when N ≤ A, 0 without traffic. */
export function averageWaitSeconds(agents: number, trafficErlangs: number, handleSeconds: number): number {
  check('handleSeconds', handleSeconds, false);
  if (trafficErlangs === 0) return 0;
  if (agents <= trafficErlangs) return Infinity;
  return (erlangC(agents, trafficErlangs) * handleSeconds) / (agents - trafficErlangs);
}

/** The share of calls answered within T seconds (0–1); 0 when N ≤ A. */
export function serviceLevel(
  agents: number,
  trafficErlangs: number,
  handleSeconds: number,
  withinSeconds: number,
): number {
  check('handleSeconds', handleSeconds, false);
  check('withinSeconds', withinSeconds, true);
  if (trafficErlangs === 0) return 1;
  if (agents <= trafficErlangs) return 0;
  const c = erlangC(agents, trafficErlangs);
  return 1 - c * Math.exp((-(agents - trafficErlangs) * withinSeconds) / handleSeconds);
}

/** What an interval's staffing is judged against. */
export type ErlangTarget =
  { kind: 'average_wait'; maxSeconds: number } | { kind: 'service_level'; withinSeconds: number; fraction: number };

/** Past this many agents above the traffic no target that can be met is still unmet (C falls like e^−k²). */
const SEARCH_HEADROOM = 10_000;

function meets(target: ErlangTarget, c: number, agents: number, traffic: number, handleSeconds: number): boolean {
  const spare = agents - traffic;
  if (target.kind === 'average_wait') return (c * handleSeconds) / spare <= target.maxSeconds;
  return 1 - c * Math.exp((-spare * target.withinSeconds) / handleSeconds) >= target.fraction;
}

/**
 * The fewest agents that meet the target for this load: 0 without traffic,
 * otherwise the smallest N > A whose ASA (or service level) meets it. N grows
 * one at a time with B carried along, so the search costs N steps in all.
 */
export function requiredAgents(trafficErlangs: number, handleSeconds: number, target: ErlangTarget): number {
  check('trafficErlangs', trafficErlangs, true);
  check('handleSeconds', handleSeconds, false);
  if (target.kind === 'average_wait') check('maxSeconds', target.maxSeconds, false);
  else {
    check('withinSeconds', target.withinSeconds, true);
    if (!(target.fraction < 1)) {
      throw new ErlangInputError(
        `a service-level target must be below 100 % (Erlang C never answers every call within a time), got ${target.fraction * 100} %`,
        { context: { fraction: target.fraction } },
      );
    }
  }
  if (trafficErlangs === 0) return 0;
  let n = Math.floor(trafficErlangs);
  let b = erlangB(n, trafficErlangs);
  const limit = n + SEARCH_HEADROOM;
  while (n < limit) {
    n += 1;
    b = nextErlangB(b, n, trafficErlangs);
    if (n > trafficErlangs && meets(target, erlangCFromB(b, n, trafficErlangs), n, trafficErlangs, handleSeconds)) {
      return n;
    }
  }
  throw new ErlangInputError(`no staffing up to ${limit} agents meets the target for ${trafficErlangs} Erlangs`, {
    context: { trafficErlangs, handleSeconds, target },
  });
}
