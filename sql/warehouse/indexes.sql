-- Recommended indexes on the source warehouse. signals never creates them
-- in a real warehouse (it only reads there); `signals seed` applies them to
-- the demo warehouse after loading. Each names the query it serves; the
-- plans were checked at 100,000 customers x 36 months (README, Performance).

-- watermark: max(...) per column becomes an index-only lookup.
create index if not exists subscriptions_started_at on billing.subscriptions (started_at);
create index if not exists subscriptions_ended_at on billing.subscriptions (ended_at);
create index if not exists invoices_issued_at on billing.invoices (issued_at);
create index if not exists invoices_paid_at on billing.invoices (paid_at);
create index if not exists usage_daily_day on product.usage_daily (day);
create index if not exists campaign_events_occurred_at on crm.campaign_events (occurred_at);

-- surveys, health (answers of a month; a customer's answer history).
create index if not exists responses_responded_at on survey.responses (responded_at);
create index if not exists responses_customer on survey.responses (customer_id, survey_type, responded_at);

-- health (tickets of a month), campaigns (events of a member).
create index if not exists tickets_opened_at on support.tickets (opened_at);
create index if not exists invoices_customer on billing.invoices (customer_id, issued_at);
create index if not exists campaign_events_member on crm.campaign_events (campaign_id, customer_id, occurred_at);
