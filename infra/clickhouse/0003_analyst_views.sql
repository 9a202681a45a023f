-- Daily figures per queue in the reporting zone (Europe/London), derived at
-- read time from sums: the averages here are call-weighted, never a mean of
-- means. Quarterly committee tables come from `cdrflow report`, which also
-- prints the definitions; these views are for ad-hoc SQL.
CREATE VIEW IF NOT EXISTS kpi_daily AS
SELECT
    *,
    if(answered = 0, NULL, wait_answered_ms / answered / 1000) AS avg_wait_answered_seconds,
    if(contacts = 0, NULL, abandoned / contacts) AS abandon_rate
FROM
(
    SELECT
        toDate(interval_start, 'Europe/London') AS day,
        channel,
        direction,
        queue,
        service,
        sum(s.contacts) AS contacts,
        sum(s.answered) AS answered,
        sum(s.abandoned) AS abandoned,
        sum(s.timeout) AS timed_out,
        sum(s.exit_empty) AS exited_empty,
        sum(s.exit_key) AS exited_with_key,
        sum(s.wait_answered_ms) AS wait_answered_ms
    FROM interval_stats_committed AS s
    GROUP BY day, channel, direction, queue, service
);

-- The caller view of a call that moved between queues: one contact, its
-- first queue, its summed wait, answered if its last stint was.
CREATE VIEW IF NOT EXISTS contacts_caller_view AS
SELECT
    contact_id,
    argMin(queue, stint) AS first_queue,
    argMin(service, stint) AS first_service,
    min(arrived_at) AS arrived_at,
    sum(wait_ms) AS wait_ms,
    argMax(outcome, stint) AS final_outcome,
    count() AS stints
FROM calls FINAL
GROUP BY contact_id;
