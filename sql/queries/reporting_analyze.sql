-- reporting_analyze: refresh the planner's statistics of the reporting
-- tables that later jobs of a month read. The mrr and health jobs have just
-- bulk-written them; autovacuum may not have analysed them yet, and with
-- stale statistics the planner takes a month's tens of thousands of
-- customers for a handful and picks plans that run for minutes (seen in a
-- 12-month parallel backfill at 100,000 customers). Run outside the job's
-- transaction, so its lock is held only while it samples.
analyze customer_mrr_monthly, customer_health, customer_signals
