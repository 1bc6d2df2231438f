-- report_top_movements: the month's largest customer MRR changes, for the
-- digest.
--
-- $1 date     month (first day)
-- $2 integer  how many
--
-- columns: as report_movements
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
where m.month = $1 and m.movement <> 'flat'
order by abs(m.mrr_change) desc, m.customer_id
limit $2
