-- report_mrr_months: mrr_monthly rows of the months from $1 to $2 (both
-- inclusive) for the listed dimensions, for the workbooks and digests.
-- Money comes back in cents so that Go keeps it exact.
--
-- $1 date    first month (first day)
-- $2 date    last month (first day)
-- $3 text[]  dimensions ('all', 'segment', ...)
--
-- columns: month date, dimension text, member text, currency text,
--   customers_start, customers_new, customers_reactivated, customers_expanded,
--   customers_contracted, customers_churned, customers_end integer,
--   mrr_start_cents, mrr_fx_cents, mrr_new_cents, mrr_reactivation_cents,
--   mrr_expansion_cents, mrr_contraction_cents, mrr_churned_cents, mrr_end_cents bigint,
--   logo_churn_rate, gross_mrr_churn_rate, net_mrr_churn_rate, grr, nrr,
--   quick_ratio, net_customer_change_rate double precision (null: no denominator)
select month, dimension, member, currency,
       customers_start, customers_new, customers_reactivated, customers_expanded,
       customers_contracted, customers_churned, customers_end,
       (mrr_start * 100)::bigint as mrr_start_cents,
       (mrr_fx * 100)::bigint as mrr_fx_cents,
       (mrr_new * 100)::bigint as mrr_new_cents,
       (mrr_reactivation * 100)::bigint as mrr_reactivation_cents,
       (mrr_expansion * 100)::bigint as mrr_expansion_cents,
       (mrr_contraction * 100)::bigint as mrr_contraction_cents,
       (mrr_churned * 100)::bigint as mrr_churned_cents,
       (mrr_end * 100)::bigint as mrr_end_cents,
       logo_churn_rate, gross_mrr_churn_rate, net_mrr_churn_rate, grr, nrr,
       quick_ratio, net_customer_change_rate
from mrr_monthly
where month >= $1 and month <= $2 and dimension = any($3)
order by month, dimension, member
