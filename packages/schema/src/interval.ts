/** Storage grain: 15-minute intervals aligned to UTC, for calls, surveys and agents' time alike. */
export const INTERVAL_MS = 15 * 60_000;

/** Start of the 15-minute UTC interval holding utcMs. */
export function intervalStart(utcMs: number): number {
  return utcMs - (((utcMs % INTERVAL_MS) + INTERVAL_MS) % INTERVAL_MS);
}
