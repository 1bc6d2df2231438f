-- job_runs_last_success: the latest month for which every named job has a
-- successful run. $1 text[] jobs. columns: month date (null when none)
select max(month) as month
from (
    select month
    from job_runs
    where status = 'succeeded' and job = any($1)
    group by month
    having count(distinct job) = cardinality($1)
) done
