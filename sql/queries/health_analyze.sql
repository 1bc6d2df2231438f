-- health_analyze: refresh the planner's statistics of the reporting tables
-- the health query reads. The mrr job (and the previous month's health job)
-- has just bulk-written them; autovacuum may not have analysed them yet, and
-- with stale statistics the planner takes the month's tens of thousands of
-- customers for a handful and picks plans that run for minutes. Run outside
-- the job's transaction, so its lock is held only while it samples.
analyze customer_mrr_monthly, customer_health
