-- cdrflow core tables. Every row the aggregator writes carries the consumer
-- group, topic, partition and the offset its flush commits up to
-- (src_offset = the next offset to read after the batch). A flush writes its
-- rows first and its consumer_offsets row last; rows with a src_offset above
-- the committed offset belong to a flush that never finished and are deleted
-- when the aggregator takes the partition back (docs/architecture.md,
-- "Exactly once").

-- One row per version of a contact (queue stint). Reads use FINAL (or the
-- calls_latest view) to see the latest version per id. No PARTITION BY on
-- time: a later version may move a call to another month, and
-- ReplacingMergeTree only replaces within a partition.
CREATE TABLE IF NOT EXISTS calls
(
    id String,
    contact_id String,
    stint UInt16,
    version UInt32,
    source LowCardinality(String),
    channel LowCardinality(String),
    direction LowCardinality(String),
    queue LowCardinality(String),
    service LowCardinality(String),
    arrived_at DateTime64(3, 'UTC'),
    answered_at Nullable(DateTime64(3, 'UTC')),
    ended_at Nullable(DateTime64(3, 'UTC')),
    wait_ms UInt32,
    talk_ms UInt32,
    outcome LowCardinality(String),
    exit_key Nullable(String),
    caller_key Nullable(String),
    agent Nullable(String),
    file String,
    line UInt32,
    consumer_group LowCardinality(String),
    src_topic LowCardinality(String),
    src_partition UInt16,
    src_offset UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS surveys
(
    id String,
    version UInt32,
    source LowCardinality(String),
    at DateTime64(3, 'UTC'),
    call_id Nullable(String),
    score Float64,
    scale Float64,
    satisfied Bool,
    file String,
    line UInt32,
    consumer_group LowCardinality(String),
    src_topic LowCardinality(String),
    src_partition UInt16,
    src_offset UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- Sums and counts per 15-minute UTC interval: never averages. Rows are
-- signed deltas (a later version of a call retracts its earlier contribution
-- with negative counts), so always read with sum(). Bucket arrays follow the
-- wait bounds of packages/kpi (wait-buckets.ts); read with sumForEach().
CREATE TABLE IF NOT EXISTS interval_stats
(
    interval_start DateTime('UTC'),
    source LowCardinality(String),
    channel LowCardinality(String),
    direction LowCardinality(String),
    queue LowCardinality(String),
    service LowCardinality(String),
    contacts Int64,
    answered Int64,
    abandoned Int64,
    timeout Int64,
    exit_empty Int64,
    exit_key Int64,
    withdrawn Int64,
    unclosed Int64,
    other Int64,
    wait_answered_ms Int64,
    wait_all_ms Int64,
    talk_ms Int64,
    answered_wait_buckets Array(Int64),
    abandoned_wait_buckets Array(Int64),
    consumer_group LowCardinality(String),
    src_topic LowCardinality(String),
    src_partition UInt16,
    src_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(interval_start)
ORDER BY (interval_start, channel, direction, queue, service, source);

CREATE TABLE IF NOT EXISTS survey_stats
(
    interval_start DateTime('UTC'),
    source LowCardinality(String),
    responses Int64,
    satisfied Int64,
    consumer_group LowCardinality(String),
    src_topic LowCardinality(String),
    src_partition UInt16,
    src_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(interval_start)
ORDER BY (interval_start, source);

-- Bad rows, quarantined with file, line and reason. The same file cannot be
-- ingested twice (the collector's ledger), and a replayed reject replaces
-- itself by (source, file, line, reason).
CREATE TABLE IF NOT EXISTS rejects
(
    source LowCardinality(String),
    file String,
    line UInt32,
    reason LowCardinality(String),
    detail String,
    raw String,
    consumer_group LowCardinality(String),
    src_topic LowCardinality(String),
    src_partition UInt16,
    src_offset UInt64
)
ENGINE = ReplacingMergeTree(src_offset)
ORDER BY (source, file, line, reason);

-- The aggregator's progress, written last in every flush. Kafka's own
-- committed offsets are only a hint; this table is the truth.
CREATE TABLE IF NOT EXISTS consumer_offsets
(
    consumer_group LowCardinality(String),
    topic LowCardinality(String),
    partition UInt16,
    next_offset UInt64,
    committed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(next_offset)
ORDER BY (consumer_group, topic, partition);
