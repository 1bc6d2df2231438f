-- The floor for the revenue job: PostgreSQL alone computing the month's
-- mrr_monthly (every dimension) in one statement, from the same per-customer
-- MRR the job streams. The bench wraps the job's own query, mrr_customers,
-- as the CTE "customers" (see main.go), so both read the same data the same way.
select grouping(segment, region, industry, acquisition_channel) as g,
       segment, region, industry, acquisition_channel,
       count(*) filter (where start_cents > 0) as customers_start,
       count(*) filter (where movement = 'new') as customers_new,
       count(*) filter (where movement = 'reactivation') as customers_reactivated,
       count(*) filter (where movement = 'churn') as customers_churned,
       count(*) filter (where end_cents > 0) as customers_end,
       sum(start_prev_cents) / 100.0 as mrr_start,
       (sum(start_cents) - sum(start_prev_cents)) / 100.0 as mrr_fx,
       sum(end_cents) filter (where movement = 'new') / 100.0 as mrr_new,
       sum(end_cents) filter (where movement = 'reactivation') / 100.0 as mrr_reactivation,
       sum(end_cents - start_cents) filter (where movement = 'expansion') / 100.0 as mrr_expansion,
       sum(start_cents - end_cents) filter (where movement = 'contraction') / 100.0 as mrr_contraction,
       sum(start_cents) filter (where movement = 'churn') / 100.0 as mrr_churned,
       sum(end_cents) / 100.0 as mrr_end,
       (sum(start_cents) filter (where movement in ('contraction', 'churn'))
        - coalesce(sum(end_cents - start_cents) filter (where movement = 'contraction'), 0))::numeric
        / nullif(sum(start_cents), 0) as gross_mrr_churn_rate_approx
from (
    select *,
           case when start_cents = 0 and end_cents = 0 then null
                when start_cents = 0 and cohort_month < to_char($3::date, 'YYYY-MM') then 'reactivation'
                when start_cents = 0 then 'new'
                when end_cents = 0 then 'churn'
                when end_cents > start_cents then 'expansion'
                when end_cents < start_cents then 'contraction'
                else 'flat' end as movement
    from customers
) k
where movement is not null
group by grouping sets ((), (segment), (region), (industry), (acquisition_channel))
