export type StoreErrorCode = 'connect_failed' | 'migration_failed' | 'write_failed' | 'query_failed';

/** A ClickHouse failure with what was being done; `retriable` says whether backing off may help. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly retriable: boolean,
    readonly context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
