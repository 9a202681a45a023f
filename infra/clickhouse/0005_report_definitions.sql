-- The read-time definitions (kpi settings and reporting calendar) each report
-- was computed with, appended only when they change. `cdrflow report`
-- compares its own with the latest row and says when every period has been
-- restated from the stored counts (packages/cli/src/definition-change.ts).
-- One row per change: a handful of rows in a site's lifetime.
CREATE TABLE IF NOT EXISTS report_definitions
(
    reported_at DateTime64(3, 'UTC'),
    definitions String
)
ENGINE = MergeTree
ORDER BY reported_at;
