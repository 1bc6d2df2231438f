-- report_ledger_sent: the content hashes of a digest already delivered to
-- one recipient for one month, oldest first. The delivery ledger is written
-- outside the job's transaction (a sent mail cannot be rolled back), so the
-- caller puts the quoted reporting schema
-- in place of the %[1]s placeholder (fmt.Sprintf).
--
-- $1 text  report ('finance', 'cx')
-- $2 date  month (first day)
-- $3 text  recipient address
--
-- columns: content_hash text
select content_hash
from %[1]s.deliveries
where report = $1 and month = $2 and recipient = $3 and status = 'sent'
order by sent_at, content_hash
