-- mrr_customers: one row per customer that had MRR at some month end up to
-- the end of month M, with its MRR at the instants the bridge needs. All the
-- per-subscription work (interval normalisation, FX, activity at an instant,
-- cohort) happens here; Go only classifies and sums.
--
-- A subscription is active at instant B when started_at < B and (ended_at is
-- null or ended_at >= B). Trials and zero-amount plans never count as MRR.
-- Each customer's MRR at an instant is rounded to the cent once.
--
-- $1 timestamptz  end of M-1 (= start of M)
-- $2 timestamptz  end of M
-- $3 date         M (first day)
-- $4 date         M-1 (first day)
-- $5 text         reporting time zone (IANA)
-- $6 text         reporting currency
--
-- columns: customer_id text, segment text, region text, industry text,
--   acquisition_channel text, cohort_month text (YYYY-MM),
--   start_prev_cents bigint  (end of M-1 at M-1's rates)
--   start_cents bigint       (end of M-1 at M's rates: s)
--   end_cents bigint         (end of M at M's rates: e)
--   cohort_cents bigint      (end of the cohort month at its rates)
--   missing_fx text          ("EUR 2026-09" when a needed rate is missing, else null)
with paid as not materialized (
    select s.customer_id, s.currency,
           s.amount / s.interval_months as monthly,
           s.started_at, s.ended_at,
           date_trunc('month', s.started_at at time zone $5)::date as start_month
    from billing.subscriptions s
    where not s.is_trial and s.amount > 0 and s.started_at < $2
),
cohorts as (
    select customer_id, min(start_month) as cohort_month,
           (min(start_month) + interval '1 month') at time zone $5 as cohort_end
    from paid
    where ended_at is null or ended_at >= (start_month + interval '1 month') at time zone $5
    group by customer_id
),
flagged as (
    select p.customer_id, p.currency, p.monthly, c.cohort_month,
           p.started_at < $1 and (p.ended_at is null or p.ended_at >= $1) as at_prev,
           p.ended_at is null or p.ended_at >= $2 as at_end,
           p.started_at < c.cohort_end and (p.ended_at is null or p.ended_at >= c.cohort_end) as at_cohort,
           case when p.currency = $6 then 1 else fp.rate end as rate_prev,
           case when p.currency = $6 then 1 else fm.rate end as rate_cur,
           case when p.currency = $6 then 1 else fc.rate end as rate_cohort
    from paid p
    join cohorts c using (customer_id)
    left join billing.fx_rates fp on fp.currency = p.currency and fp.month = $4
    left join billing.fx_rates fm on fm.currency = p.currency and fm.month = $3
    left join billing.fx_rates fc on fc.currency = p.currency and fc.month = c.cohort_month
),
amounts as (
    select customer_id, min(cohort_month) as cohort_month,
           coalesce(round(sum(monthly * rate_prev) filter (where at_prev), 2), 0) as start_prev,
           coalesce(round(sum(monthly * rate_cur) filter (where at_prev), 2), 0) as start_cur,
           coalesce(round(sum(monthly * rate_cur) filter (where at_end), 2), 0) as end_cur,
           coalesce(round(sum(monthly * rate_cohort) filter (where at_cohort), 2), 0) as cohort_amt,
           coalesce(
               min(currency || ' ' || to_char($4::date, 'YYYY-MM')) filter (where at_prev and rate_prev is null),
               min(currency || ' ' || to_char($3::date, 'YYYY-MM')) filter (where (at_prev or at_end) and rate_cur is null),
               min(currency || ' ' || to_char(cohort_month, 'YYYY-MM')) filter (where at_cohort and rate_cohort is null)
           ) as missing_fx
    from flagged
    group by customer_id
)
select a.customer_id,
       coalesce(cu.segment, '') as segment,
       coalesce(cu.region, '') as region,
       coalesce(cu.industry, '') as industry,
       coalesce(cu.acquisition_channel, '') as acquisition_channel,
       to_char(a.cohort_month, 'YYYY-MM') as cohort_month,
       (a.start_prev * 100)::bigint as start_prev_cents,
       (a.start_cur * 100)::bigint as start_cents,
       (a.end_cur * 100)::bigint as end_cents,
       (a.cohort_amt * 100)::bigint as cohort_cents,
       a.missing_fx
from amounts a
left join crm.customers cu using (customer_id)
