-- report_ledger_record: records one delivery attempt of a digest to a
-- recipient: 'pending' before sending, then 'sent' or 'failed' with the
-- number of attempts made. Attempts add up across runs. Written outside the
-- job's transaction; the caller puts the quoted reporting
-- schema in place of the %[1]s placeholder (fmt.Sprintf).
--
-- $1 text     report ('finance', 'cx')
-- $2 date     month (first day)
-- $3 text     recipient address
-- $4 text     content hash (hex SHA-256)
-- $5 text     run id (uuid, '' for none)
-- $6 text     status: pending, sent, failed
-- $7 integer  attempts made by this call
-- $8 text     error ('' for none; never holds secrets)
-- $9 boolean  whether the digest was marked as a correction
insert into %[1]s.deliveries as d
    (report, month, recipient, content_hash, run_id, status, attempts, sent_at, error, correction)
values ($1, $2, $3, $4, nullif($5, '')::uuid, $6, $7,
        case when $6 = 'sent' then now() end, nullif($8, ''), $9)
on conflict (report, month, recipient, content_hash) do update
set run_id = excluded.run_id,
    status = excluded.status,
    attempts = d.attempts + excluded.attempts,
    sent_at = coalesce(excluded.sent_at, d.sent_at),
    error = excluded.error,
    correction = d.correction or excluded.correction
