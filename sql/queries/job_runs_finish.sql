-- job_runs_finish: close a run.
-- $1 uuid run_id, $2 text status, $3 timestamptz finished_at, $4 bigint rows_read,
-- $5 bigint rows_written, $6 text error (nullable), $7 integer attempts
update job_runs
set status = $2, finished_at = $3, rows_read = $4, rows_written = $5, error = $6, attempts = $7
where run_id = $1
