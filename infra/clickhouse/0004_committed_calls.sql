-- The latest committed version of every contact: what analysts query
-- (docs/analysts.md). calls_latest (0002) reads calls FINAL,
-- which also shows a version whose flush has not committed yet (for the
-- moments between a flush's rows and its offsets row, or until a crashed
-- flush is discarded). This view takes only rows whose flush committed, as
-- interval_stats_committed does, and keeps the highest version of each id.
-- The views built on it with the site's zone, financial year and targets
-- (calls_local, interval_stats_local, kpi_monthly, kpi_quarterly,
-- kpi_fiscal_year, wait_bands, kpi_view_settings) are written by
-- packages/store/src/kpi-views.ts when the store is opened with settings.
CREATE VIEW IF NOT EXISTS calls_committed AS
SELECT c.*
FROM calls AS c
INNER JOIN committed_offsets AS o
    ON c.consumer_group = o.consumer_group AND c.src_topic = o.topic AND c.src_partition = o.partition
WHERE c.src_offset <= o.next_offset
ORDER BY c.id, c.version DESC
LIMIT 1 BY c.id;
