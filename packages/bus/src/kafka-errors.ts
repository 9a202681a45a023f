import { BusError } from './bus-error';

interface KafkaJsErrorLike {
  name?: unknown;
  retriable?: unknown;
  cause?: unknown;
}

/**
 * Whether trying again may help, decided as kafkajs itself decides whether to
 * restart a crashed consumer (`src/consumer/index.js`, `onCrash`): retries that
 * ran out on a retriable condition, or an original cause flagged retriable.
 */
export function isRetriableKafkaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as KafkaJsErrorLike;
  if (e.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  if (typeof e.retriable === 'boolean' && e.cause === undefined) return e.retriable;
  let original: KafkaJsErrorLike = e;
  const seen = new Set<unknown>();
  while (typeof original.cause === 'object' && original.cause !== null && !seen.has(original.cause)) {
    seen.add(original.cause);
    original = original.cause;
  }
  return original.retriable === true;
}

/** A kafkajs (or any) failure as a BusError saying what was being done and whether to retry. */
export function toBusError(error: unknown, doing: string): BusError {
  if (error instanceof BusError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BusError('broker', `${doing}: ${message}`, { retriable: isRetriableKafkaError(error), cause: error });
}
