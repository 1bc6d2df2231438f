-- report_cohorts: the cohort retention triangle: cohort_retention rows of
-- the cohorts from $1 on, as computed by runs for months up to $2.
--
-- $1 date  first cohort month (first day)
-- $2 date  reporting month (first day)
--
-- columns: cohort_month date, months_since integer, month date,
--   customers integer, customers_active integer,
--   mrr_cohort_cents bigint, mrr_active_cents bigint
select cohort_month, months_since, month, customers, customers_active,
       (mrr_cohort * 100)::bigint as mrr_cohort_cents,
       (mrr_active * 100)::bigint as mrr_active_cents
from cohort_retention
where cohort_month >= $1 and month <= $2
order by cohort_month, months_since
