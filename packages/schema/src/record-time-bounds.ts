/**
 * Every record time (epoch milliseconds, UTC) lies in [1990, 2100): a time
 * read in seconds instead of milliseconds, or the reverse, falls outside and
 * fails loudly at its line instead of landing in 1970 or the year 50,000.
 */
export const EARLIEST_RECORD_MS = Date.UTC(1990, 0, 1);
export const LATEST_RECORD_MS = Date.UTC(2100, 0, 1);
