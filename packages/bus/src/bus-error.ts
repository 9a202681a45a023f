import { CdrflowError, type CdrflowErrorOptions } from '@cdrflow/errors';

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

/** A bus failure; `retriable` (false unless given) says whether backing off may help. */
export class BusError extends CdrflowError {
  override readonly name = 'BusError';
  readonly kind = 'failure';
  readonly retriable: boolean;
  constructor(
    readonly code: BusErrorCode,
    message: string,
    options: CdrflowErrorOptions & { retriable?: boolean } = {},
  ) {
    super(message, options);
    this.retriable = options.retriable ?? false;
  }
}
