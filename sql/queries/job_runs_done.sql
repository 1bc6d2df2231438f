-- job_runs_done: the months of a range whose latest run of a job succeeded
-- with the given parameters and watermark (a backfill skips them).
-- $1 text job, $2 date first month, $3 date last month, $4 text params_hash
-- columns: month date
select month
from (
    select distinct on (month) month, status, params_hash
    from job_runs
    where job = $1 and month >= $2 and month <= $3 and status in ('succeeded', 'failed', 'cancelled')
    order by month, started_at desc
) latest
where status = 'succeeded' and params_hash = $4
