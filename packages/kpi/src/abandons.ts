import { countWithin } from './wait-buckets';

/** Upper bounds (seconds) of the wait bands abandons are shown in; each is a wait-histogram bound. */
export const ABANDON_WAIT_BANDS_SECONDS = [30, 60, 120, 300, 600] as const;

/** "≤ 30 s", "30–60 s", …, "> 600 s": the band labels, in order. */
export function abandonWaitBandLabels(): string[] {
  const bounds = ABANDON_WAIT_BANDS_SECONDS;
  return [
    `≤ ${bounds[0]} s`,
    ...bounds.slice(1).map((b, i) => `${bounds[i]}–${b} s`),
    `> ${bounds[bounds.length - 1]} s`,
  ];
}

/**
 * Abandons per wait band from the histogram of abandoned waits (exact: the
 * bands are histogram bounds, and a wait equal to a bound falls in the band
 * it closes).
 */
export function abandonsByWaitBand(abandonedWaitBuckets: readonly number[]): number[] {
  const within = ABANDON_WAIT_BANDS_SECONDS.map((b) => countWithin(abandonedWaitBuckets, b));
  const total = abandonedWaitBuckets.reduce((n, c) => n + c, 0);
  return [within[0]!, ...within.slice(1).map((w, i) => w - within[i]!), total - within[within.length - 1]!];
}

export interface AbandonForRecovery {
  callerKey: string | null;
  /** When the caller hung up. */
  endedMs: number;
}

export interface AnsweredForRecovery {
  callerKey: string;
  arrivedMs: number;
}

/**
 * Marks each abandon "recovered" when the same caller (by pseudonymous key)
 * got through, an answered call arriving after the hang-up and within
 * `withinMs` of it: the first such call's arrival, else null. A withheld
 * number (no key) can never be matched, so it is never counted recovered.
 */
export function markRecovered<A extends AbandonForRecovery>(
  abandoned: readonly A[],
  answered: readonly AnsweredForRecovery[],
  withinMs: number,
): Array<A & { recoveredAtMs: number | null }> {
  const byCaller = new Map<string, number[]>();
  for (const call of answered) {
    const times = byCaller.get(call.callerKey);
    if (times === undefined) byCaller.set(call.callerKey, [call.arrivedMs]);
    else times.push(call.arrivedMs);
  }
  for (const times of byCaller.values()) times.sort((a, b) => a - b);
  return abandoned.map((call) => {
    const times = call.callerKey === null ? undefined : byCaller.get(call.callerKey);
    const next = times?.find((t) => t > call.endedMs && t <= call.endedMs + withinMs);
    return { ...call, recoveredAtMs: next ?? null };
  });
}
