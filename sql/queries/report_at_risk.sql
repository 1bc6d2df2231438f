-- report_at_risk: month $1's red and yellow accounts, worst first (red
-- before yellow, then lowest score, then most MRR), with name, owner and
-- segment from crm.customers.
--
-- $1 date  month (first day)
--
-- columns: customer_id text, name text, owner text, segment text (''
--   when unknown), band text, score double precision,
--   prev_score double precision (null: none), mrr_cents bigint
select h.customer_id,
       coalesce(c.name, '') as name,
       coalesce(c.owner, '') as owner,
       coalesce(c.segment, '') as segment,
       h.band,
       h.score::double precision as score,
       h.prev_score::double precision as prev_score,
       coalesce((h.mrr * 100)::bigint, 0) as mrr_cents
from customer_health h
left join crm.customers c on c.customer_id = h.customer_id
where h.month = $1 and h.band in ('red', 'yellow')
order by case h.band when 'red' then 0 else 1 end, h.score, h.mrr desc nulls last, h.customer_id
