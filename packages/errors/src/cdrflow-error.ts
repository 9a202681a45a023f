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
}

/**
 * The base of every error cdrflow throws on purpose: a stable `code` for
 * programs and docs, whether retrying may help, and the context a person
 * needs to find the cause. Callers branch on these fields, never on names.
 */
export abstract class CdrflowError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  abstract readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, options: CdrflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.context = options.context ?? {};
  }
}

/** A problem in what was asked that no retry fixes; subclasses only name their code. */
export abstract class UsageError extends CdrflowError {
  readonly kind = 'usage';
  readonly retriable = false;
}
