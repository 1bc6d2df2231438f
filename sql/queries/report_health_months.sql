-- report_health_months: per month from $1 to $2, the number of customers
-- in each health band and the MRR they carry (cents).
--
-- $1 date  first month (first day)
-- $2 date  last month (first day)
--
-- columns: month date, red, yellow, green integer,
--   red_cents, yellow_cents, green_cents bigint
select month,
       count(*) filter (where band = 'red')::integer as red,
       count(*) filter (where band = 'yellow')::integer as yellow,
       count(*) filter (where band = 'green')::integer as green,
       coalesce((sum(mrr) filter (where band = 'red') * 100)::bigint, 0) as red_cents,
       coalesce((sum(mrr) filter (where band = 'yellow') * 100)::bigint, 0) as yellow_cents,
       coalesce((sum(mrr) filter (where band = 'green') * 100)::bigint, 0) as green_cents
from customer_health
where month >= $1 and month <= $2
group by month
order by month
