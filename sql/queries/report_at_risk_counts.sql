-- report_at_risk_counts: how many red and yellow accounts month $1 has, and
-- how many of them raised a critical signal, for the digests' headlines.
--
-- $1 date  month (first day)
--
-- columns: accounts integer, critical integer
select count(*)::integer as accounts,
       count(*) filter (where exists (
           select 1 from customer_signals s
           where s.month = h.month and s.customer_id = h.customer_id and s.severity = 'critical'
       ))::integer as critical
from customer_health h
where h.month = $1 and h.band in ('red', 'yellow')
