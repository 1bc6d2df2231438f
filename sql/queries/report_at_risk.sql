-- report_at_risk: month $1's red and yellow accounts, worst first (red
-- before yellow, then lowest score, then most MRR), with name, owner and
-- segment from crm.customers and their signals, most severe first. The CX
-- workbook streams every row; the digests take the first few ($2).
--
-- $1 date    month (first day)
-- $2 bigint  at most this many rows (null: all)
--
-- columns: customer_id text, name text, owner text, segment text (''
--   when unknown), band text, score double precision,
--   prev_score double precision (null: none), mrr_cents bigint,
--   signals, severities, evidence text[]: the signals, in the same order
select h.customer_id,
       coalesce(c.name, '') as name,
       coalesce(c.owner, '') as owner,
       coalesce(c.segment, '') as segment,
       h.band,
       h.score::double precision as score,
       h.prev_score::double precision as prev_score,
       coalesce((h.mrr * 100)::bigint, 0) as mrr_cents,
       coalesce(s.signals, '{}') as signals,
       coalesce(s.severities, '{}') as severities,
       coalesce(s.evidence, '{}') as evidence
from customer_health h
left join crm.customers c on c.customer_id = h.customer_id
left join lateral (
    select array_agg(x.signal order by x.rank, x.signal) as signals,
           array_agg(x.severity order by x.rank, x.signal) as severities,
           array_agg(x.evidence order by x.rank, x.signal) as evidence
    from (
        select s.signal, s.severity, s.evidence,
               array_position(array['critical', 'warning', 'info'], s.severity) as rank
        from customer_signals s
        where s.month = h.month and s.customer_id = h.customer_id
    ) x
) s on true
where h.month = $1 and h.band in ('red', 'yellow')
order by case h.band when 'red' then 0 else 1 end, h.score, h.mrr desc nulls last, h.customer_id
limit $2
