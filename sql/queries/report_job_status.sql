-- report_job_status: the latest run of each job for month $1, from job_runs.
--
-- $1 date  month (first day)
--
-- columns: job text, status text, run_id text, finished_at timestamptz (null
--   while running)
select distinct on (job) job, status, run_id::text as run_id, finished_at
from job_runs
where month = $1
order by job, started_at desc
