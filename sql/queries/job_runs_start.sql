-- job_runs_start: record a job-month run as it starts (or as skipped).
-- $1 uuid run_id, $2 text job, $3 date month, $4 text status,
-- $5 timestamptz started_at, $6 jsonb params, $7 text params_hash,
-- $8 text version, $9 timestamptz data_watermark (nullable), $10 text host
insert into job_runs (run_id, job, month, status, started_at, params, params_hash, version, data_watermark, host, finished_at)
values ($1, $2, $3, $4::text, $5::timestamptz, $6, $7, $8, $9, $10, case when $4::text = 'skipped' then $5::timestamptz end)
