import type { ReadinessCheck } from './metrics-server';

/** Longest a readiness probe or a scrape-time lookup waits for Kafka or ClickHouse. */
export const PROBE_TIMEOUT_MS = 3_000;

/** Resolves like `work`, or rejects once `timeoutMs` has passed, whichever comes first. */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * An active readiness check: runs `check` (which asks the dependency and
 * returns a detail) under a timeout, and reports a failure or a timeout as
 * not ready with the reason, never as an exception.
 */
export async function probe(
  what: string,
  check: () => Promise<string>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ReadinessCheck> {
  try {
    return { ok: true, detail: await withTimeout(check(), timeoutMs, what) };
  } catch (e: unknown) {
    return { ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
}
