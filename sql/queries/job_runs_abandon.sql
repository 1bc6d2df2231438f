-- job_runs_abandon: runs of a job-month still marked running while we hold
-- its lock belong to a process that died (kill -9, lost node): close them.
-- $1 text job, $2 date month, $3 uuid the new run's id, $4 timestamptz now
update job_runs
set status = 'failed', finished_at = $4,
    error = 'abandoned: the process died before finishing (found by run ' || $3::text || ')'
where job = $1 and month = $2 and status = 'running' and run_id <> $3
