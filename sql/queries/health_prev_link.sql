-- health_prev_link: make prev_score of month $1's customer_health rows equal
-- the customer's score in month $2 = $1 - 1 (null when it had none), for the
-- rows where it is not. The health job runs it for (M, M-1) and (M+1, M)
-- after writing M, under a lock that serialises it with the health runs of
-- other months: months written in any order or at once (a parallel
-- backfill, a rerun of an old month) end up linked. In a monthly run it
-- changes nothing and costs one join of the month's rows. Rows another
-- transaction holds (the health run of month $1 rewriting it at this moment)
-- are skipped, never waited for: that run links its month itself, under the
-- same lock, once this one has committed.
--
-- $1 date  the month whose prev_score is set (first day)
-- $2 date  the month before it (first day)
update customer_health h
set prev_score = p.prev_score
from (
    select c.customer_id, prev.score as prev_score
    from customer_health c
    left join customer_health prev on prev.month = $2 and prev.customer_id = c.customer_id
    where c.month = $1 and c.prev_score is distinct from prev.score
    for update of c skip locked
) p
where h.month = $1 and h.customer_id = p.customer_id
