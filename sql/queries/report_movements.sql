-- report_movements: one row per customer with a movement in month $1, with
-- the customer's name from crm.customers, in the order the Movements sheet
-- shows them: by movement (new, reactivation, expansion, contraction,
-- churn, flat), then the largest change first. Streamed, never held whole.
--
-- $1 date  month (first day)
--
-- columns: customer_id text, name text, segment text, region text,
--   industry text, acquisition_channel text (all '' when null),
--   cohort_month date (null when unknown), movement text,
--   start_cents, end_cents, change_cents, fx_cents bigint
select m.customer_id,
       coalesce(c.name, '') as name,
       coalesce(m.segment, '') as segment,
       coalesce(m.region, '') as region,
       coalesce(m.industry, '') as industry,
       coalesce(m.acquisition_channel, '') as acquisition_channel,
       m.cohort_month,
       m.movement,
       (m.mrr_start * 100)::bigint as start_cents,
       (m.mrr_end * 100)::bigint as end_cents,
       (m.mrr_change * 100)::bigint as change_cents,
       (m.mrr_fx * 100)::bigint as fx_cents
from customer_mrr_monthly m
left join crm.customers c on c.customer_id = m.customer_id
where m.month = $1
order by array_position(array['new', 'reactivation', 'expansion', 'contraction', 'churn', 'flat'], m.movement),
         abs(m.mrr_change) desc, m.customer_id
