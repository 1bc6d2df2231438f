-- job_runs_running: the newest run of a job-month still marked running,
-- to name it when a second run skips. $1 text job, $2 date month.
-- columns: run_id text, host text, started_at timestamptz
select run_id::text, coalesce(host, '') as host, started_at
from job_runs
where job = $1 and month = $2 and status = 'running'
order by started_at desc
limit 1
