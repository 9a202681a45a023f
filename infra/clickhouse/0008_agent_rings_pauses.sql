-- Agent figures: rings each agent let go (RINGNOANSWER, RINGCANCELED) by
-- queue, and its paused time by PAUSE reason, per agent interval (record
-- agent_time.v1; docs/kpi.md, "Agent figures"). Carried on the agent_time row
-- so they take the same newest-committed-version-per-id rule as the time,
-- and a later version replaces, never adds to, what an earlier one said.
-- Rows written before this migration read as empty maps: no rings, paused
-- time without a reason split.
ALTER TABLE agent_time
    ADD COLUMN IF NOT EXISTS rings_not_answered Map(String, UInt32) AFTER paused_ms,
    ADD COLUMN IF NOT EXISTS paused_by_reason_ms Map(String, UInt32) AFTER rings_not_answered;

-- The view was expanded with the columns of its time: recreated to carry the new ones.
CREATE OR REPLACE VIEW agent_time_committed AS
SELECT a.*
FROM agent_time AS a
INNER JOIN committed_offsets AS o
    ON a.consumer_group = o.consumer_group AND a.src_topic = o.topic AND a.src_partition = o.partition
WHERE a.src_offset <= o.next_offset
ORDER BY a.id, a.version DESC
LIMIT 1 BY a.id;
