-- health_mrr_ready: whether the mrr job has written month M, which the
-- health job reads its customers from (customer_mrr_monthly; mrr_monthly
-- always has M's 'all' row once the mrr job ran, even with no customers).
--
-- $1 date  M (first day)
--
-- columns: ready boolean
select exists (select 1 from customer_mrr_monthly where month = $1)
    or exists (select 1 from mrr_monthly where month = $1) as ready
