-- queue_log calls rebuilt from a close or CONNECT without their ENTERQUEUE
-- (docs/formats.md; docs/decisions.md, 36). `calls.rebuilt` is the flag of
-- each stored version, so a later version (its ENTERQUEUE read after all)
-- retracts exactly what the earlier one added; interval_stats sums it like
-- every other count. Rows written before read as false and 0: no log read
-- before this migration had its rebuilt calls counted.
ALTER TABLE calls ADD COLUMN IF NOT EXISTS rebuilt Bool DEFAULT false AFTER line;

ALTER TABLE interval_stats ADD COLUMN IF NOT EXISTS rebuilt Int64 DEFAULT 0 AFTER talk_ms;

-- Views that SELECT * fix their columns when created (chDB DESCRIBE shows no
-- `rebuilt` through them otherwise): recreated as 0002 and 0004 wrote them.

CREATE OR REPLACE VIEW interval_stats_committed AS
SELECT s.*
FROM interval_stats AS s
INNER JOIN committed_offsets AS o
    ON s.consumer_group = o.consumer_group AND s.src_topic = o.topic AND s.src_partition = o.partition
WHERE s.src_offset <= o.next_offset;

CREATE OR REPLACE VIEW calls_latest AS
SELECT *
FROM calls FINAL;

CREATE OR REPLACE VIEW calls_committed AS
SELECT c.*
FROM calls AS c
INNER JOIN committed_offsets AS o
    ON c.consumer_group = o.consumer_group AND c.src_topic = o.topic AND c.src_partition = o.partition
WHERE c.src_offset <= o.next_offset
ORDER BY c.id, c.version DESC
LIMIT 1 BY c.id;
