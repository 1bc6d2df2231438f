-- report_data_quality: month $1's data_quality findings.
--
-- $1 date  month (first day)
--
-- columns: source text, check text, rows bigint, example text ('' when null)
select source, "check", rows, coalesce(example, '') as example
from data_quality
where month = $1
order by source, "check"
