-- report_signals: month $1's signals of red and yellow accounts, most
-- severe first within each customer.
--
-- $1 date  month (first day)
--
-- columns: customer_id text, signal text, severity text, evidence text
select s.customer_id, s.signal, s.severity, s.evidence
from customer_signals s
join customer_health h on h.month = s.month and h.customer_id = s.customer_id
where s.month = $1 and h.band in ('red', 'yellow')
order by s.customer_id,
         array_position(array['critical', 'warning', 'info'], s.severity),
         s.signal
