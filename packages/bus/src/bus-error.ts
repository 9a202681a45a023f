export type BusErrorCode =
  | 'unknown_topic'
  | 'topic_mismatch'
  /** The broker or the client failed a request (KafkaBus); `retriable` says whether trying again may help. */
  | 'broker'
  /** The consumer stopped on an error (a failed handler, or the Kafka client crashed). */
  | 'consumer_failed'
  /** The consumer group is rebalancing: the handler should give up its batch without writing (Kafka). */
  | 'rebalancing'
  /** The bus or consumer was stopped or closed. */
  | 'closed';

export class BusError extends Error {
  override readonly name = 'BusError';
  readonly retriable: boolean;
  constructor(
    readonly code: BusErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? false;
  }
}
