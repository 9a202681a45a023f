-- Staffing: each agent's logged-in and paused time per 15-minute UTC interval,
-- from queue_log agent events (docs/kpi.md, "Staffing"; record agent_time.v1).
-- One row per version of an id (<source>:agent:<agent>:<interval start>); a
-- later version (more of the interval known) replaces an earlier one. No
-- signed deltas: reports sum the latest committed version of each id.
-- Rows carry the flush that wrote them, like every table the aggregator
-- writes, so a flush that never committed is discarded (FLUSHED_TABLES).
CREATE TABLE IF NOT EXISTS agent_time
(
    id String,
    version UInt32,
    source LowCardinality(String),
    agent LowCardinality(String),
    interval_start DateTime('UTC'),
    logged_in_ms UInt32,
    paused_ms UInt32,
    file String,
    line UInt32,
    consumer_group LowCardinality(String),
    src_topic LowCardinality(String),
    src_partition UInt16,
    src_offset UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- The latest committed version of every agent interval: what reports sum and
-- analysts query. Only rows whose flush committed, highest version per id.
CREATE VIEW IF NOT EXISTS agent_time_committed AS
SELECT a.*
FROM agent_time AS a
INNER JOIN committed_offsets AS o
    ON a.consumer_group = o.consumer_group AND a.src_topic = o.topic AND a.src_partition = o.partition
WHERE a.src_offset <= o.next_offset
ORDER BY a.id, a.version DESC
LIMIT 1 BY a.id;
