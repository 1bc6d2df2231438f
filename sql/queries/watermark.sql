-- watermark: the newest source row's time, the instant up to which the
-- warehouse is loaded. Each table contributes the latest instant it records
-- (usage days count as the end of the day in UTC). Every max() is of one
-- column, so with the indexes of warehouse/indexes.sql each is one index probe.
-- columns: watermark timestamptz (null when every table is empty)
select greatest(
    (select max(started_at) from billing.subscriptions),
    (select max(ended_at) from billing.subscriptions),
    (select max(issued_at) from billing.invoices),
    (select max(paid_at) from billing.invoices),
    (select max(responded_at) from survey.responses),
    (select max(opened_at) from support.tickets),
    (select (max(day) + 1)::timestamp at time zone 'UTC' from product.usage_daily),
    (select max(occurred_at) from crm.campaign_events)
) as watermark
