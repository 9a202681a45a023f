import { CdrflowError } from '@cdrflow/errors';

export type StoreErrorCode = 'connect_failed' | 'migration_failed' | 'write_failed' | 'query_failed';

/** A ClickHouse failure with what was being done; `retriable` says whether backing off may help. */
export class StoreError extends CdrflowError {
  override readonly name = 'StoreError';
  readonly kind = 'failure';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly retriable: boolean,
    context: Readonly<Record<string, unknown>> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, {
      ...options,
      context,
      ...(code === 'connect_failed' ? { hint: 'check CLICKHOUSE_URL, or unset it to use the embedded engine' } : {}),
    });
  }
}
