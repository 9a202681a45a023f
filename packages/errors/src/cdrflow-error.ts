/**
 * Who can act on an error. `usage`: the person who asked (a config key, an
 * argument, a period that does not exist), so the CLI exits 2 and prints no
 * stack. `failure`: something went wrong while working (a store, a broker, a
 * file), exit 1.
 */
export type ErrorKind = 'usage' | 'failure';

export interface CdrflowErrorOptions {
  cause?: unknown;
  /** What was being done, for logs: a file, a table, a key. Never a secret or a caller number. */
  context?: Readonly<Record<string, unknown>>;
  /** What a person can do next, printed under the message ("check CLICKHOUSE_URL, ..."). */
  hint?: string;
}

/** Shared by every error given no context, so a thrown error allocates none (row rejects are thrown per row). */
const NO_CONTEXT: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The base of every error cdrflow throws on purpose: a stable `code` for
 * programs and docs (snake_case, never reworded once released), whether
 * retrying may help, and the context a person needs to find the cause.
 * Callers branch on these fields, never on names: the CLI's exit code is
 * `kind` (usage → 2, failure → 1), a retry loop asks `retriable`.
 *
 * A subclass sets `override readonly name` once and its `code`; it extends
 * UsageError or FailureError when those fit, or this class directly when
 * `retriable` depends on the case (StoreError, BusError).
 */
export abstract class CdrflowError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  abstract readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;
  readonly hint: string | undefined;

  constructor(message: string, options: CdrflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.context = options.context ?? NO_CONTEXT;
    this.hint = options.hint;
  }
}

/** A problem in what was asked that no retry fixes; subclasses only name their code. */
export abstract class UsageError extends CdrflowError {
  readonly kind = 'usage';
  readonly retriable = false;
}

/** Something went wrong while working and trying the same thing again will not help (bad data, bad state). */
export abstract class FailureError extends CdrflowError {
  readonly kind = 'failure';
  readonly retriable = false;
}
