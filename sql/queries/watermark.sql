-- watermark: the newest source row's time, the instant up to which the
-- warehouse is loaded. Each table contributes the latest instant it records
-- (usage days count as the end of the day in UTC).
-- columns: watermark timestamptz (null when every table is empty)
select greatest(
    (select max(greatest(started_at, ended_at)) from billing.subscriptions),
    (select max(greatest(issued_at, paid_at)) from billing.invoices),
    (select max(responded_at) from survey.responses),
    (select max(opened_at) from support.tickets),
    (select (max(day) + 1)::timestamp at time zone 'UTC' from product.usage_daily),
    (select max(occurred_at) from crm.campaign_events)
) as watermark
