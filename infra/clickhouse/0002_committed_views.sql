-- Readers see only rows whose flush committed: a crash between a flush's
-- rows and its offsets row must not show up in any figure.
CREATE VIEW IF NOT EXISTS committed_offsets AS
SELECT consumer_group, topic, partition, max(next_offset) AS next_offset
FROM consumer_offsets
GROUP BY consumer_group, topic, partition;

CREATE VIEW IF NOT EXISTS interval_stats_committed AS
SELECT s.*
FROM interval_stats AS s
INNER JOIN committed_offsets AS o
    ON s.consumer_group = o.consumer_group AND s.src_topic = o.topic AND s.src_partition = o.partition
WHERE s.src_offset <= o.next_offset;

CREATE VIEW IF NOT EXISTS survey_stats_committed AS
SELECT s.*
FROM survey_stats AS s
INNER JOIN committed_offsets AS o
    ON s.consumer_group = o.consumer_group AND s.src_topic = o.topic AND s.src_partition = o.partition
WHERE s.src_offset <= o.next_offset;

-- The latest version of every contact: what analysts query.
CREATE VIEW IF NOT EXISTS calls_latest AS
SELECT *
FROM calls FINAL;

CREATE VIEW IF NOT EXISTS surveys_latest AS
SELECT *
FROM surveys FINAL;
