export type BusErrorCode = 'unknown_topic' | 'topic_mismatch';

export class BusError extends Error {
  override readonly name = 'BusError';
  readonly retriable = false;
  constructor(
    readonly code: BusErrorCode,
    message: string,
  ) {
    super(message);
  }
}
