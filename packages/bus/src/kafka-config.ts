import { z } from 'zod';

/**
 * KafkaBus settings. Every duration is in milliseconds and every size in
 * bytes, said in the name. Unknown keys are an error (`.strict()`), so a
 * misspelt setting is reported instead of silently ignored.
 */
export const kafkaBusConfigSchema = z
  .object({
    /** `host:port` of one or more brokers to bootstrap from. */
    brokers: z.array(z.string().min(1)).min(1),
    clientId: z.string().min(1).default('cdrflow'),
    ssl: z.boolean().default(false),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: z.string().min(1),
      })
      .strict()
      .optional(),
    /** TCP connect timeout. kafkajs's own default (1 s) is short for a remote TLS broker. */
    connectionTimeoutMs: z.number().int().positive().default(10_000),
    /** How long a request may wait for its response before it fails (and is retried). */
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /**
     * Largest fetch response per partition: about 26,000 calls in envelopes
     * (~320 bytes each). The aggregator flushes each batch it is handed, and
     * ClickHouse's cost per call falls with the flush size (BENCHMARKS.md).
     */
    maxBytesPerPartition: z
      .number()
      .int()
      .positive()
      .default(8 * 1_048_576),
    /** The broker drops a member that has not heartbeated for this long. */
    sessionTimeoutMs: z.number().int().positive().default(30_000),
    /** Must be below sessionTimeoutMs; about a third of it. */
    heartbeatIntervalMs: z.number().int().positive().default(3_000),
    /**
     * How long the group waits for every member to rejoin on a rebalance. A
     * member finishes its in-flight batch (and the flush it awaits) before it
     * rejoins, so this bounds how long one `onBatch` may take across a rebalance.
     */
    rebalanceTimeoutMs: z.number().int().positive().default(60_000),
    /**
     * Longest a fetch waits on the broker for new data (long poll), and how
     * long the consumer idles when every partition is held back while
     * `onAssign` runs. Lower means lower latency and more idle requests.
     */
    fetchMaxWaitMs: z.number().int().positive().default(500),
    /**
     * Producer compression. `none` by default: measured here (docs/decisions.md,
     * "kafkajs"), gzip costs more CPU than it saves on ~450-byte JSON records.
     * lz4/snappy/zstd need extra codecs (kafkajs-lz4 is broken on consume).
     */
    compression: z.enum(['none', 'gzip']).default('none'),
    /**
     * Retries of a failed send before it rejects with a retriable BusError
     * (kafkajs's exponential backoff, capped at 30 s between tries: about two
     * minutes in all). kafkajs would otherwise retry an idempotent send forever.
     */
    sendRetries: z.number().int().min(1).default(10),
    /** Replication factor of topics created by ensureTopics (1 for a single local broker). */
    replicationFactor: z.number().int().positive().default(1),
    /**
     * Commit each handled batch's next offset to Kafka as a hint for lag
     * monitoring (`kafka-consumer-groups --describe`). Never read back: start
     * positions always come from `onAssign`.
     */
    commitOffsetHints: z.boolean().default(true),
  })
  .strict()
  .refine((c) => c.heartbeatIntervalMs < c.sessionTimeoutMs, {
    message: 'heartbeatIntervalMs must be below sessionTimeoutMs',
    path: ['heartbeatIntervalMs'],
  });

/** What a caller writes (defaults optional). */
export type KafkaBusConfigInput = z.input<typeof kafkaBusConfigSchema>;
/** After defaults. */
export type KafkaBusConfig = z.output<typeof kafkaBusConfigSchema>;

export function parseKafkaBusConfig(input: unknown): KafkaBusConfig {
  return kafkaBusConfigSchema.parse(input);
}
