-- health_customers: one row per customer with MRR at the end of month M
-- (customer_mrr_monthly, written by the mrr job) with every feature the
-- health score and signals need, aggregated here so that Go streams one
-- row per customer (transform.HealthFeatures).
--
-- Months are half-open intervals [start, end) of instants in the reporting
-- time zone. Usage days are calendar dates: a day belongs to the month whose
-- first day <= day < the next month's first day; usage is averaged per
-- calendar day of the month (a day with no row counts as 0). Survey types
-- are compared trimmed and lower-cased; skips and off-scale answers are
-- left out. Ticket priorities count urgent 3, high 2, others 1.
-- Candidate texts (tickets opened in M: subject, a line break, body; survey
-- comments of M) are sent only when, lower-cased, they match one of the LIKE
-- patterns in $9, a superset of the configured phrases (lower(...) LIKE is
-- several times faster than ILIKE); Go does the word-aware matching.
--
-- $1 date         M (first day)
-- $2 date         M-1 (first day): prev_score comes from customer_health of M-1
-- $3 timestamptz  start of M
-- $4 timestamptz  end of M (exclusive)
-- $5 timestamptz  start of the sentiment look-back (start of M-k+1, k >= 1: at or before $3)
-- $6 date[]       first days of M-3, M-2, M-1, M and M+1, in that order
-- $7 integer      CES scale minimum
-- $8 integer      CES scale maximum
-- $9 text[]       LIKE patterns of candidate texts, lower case
--
-- columns: customer_id text, mrr_start_cents bigint, mrr_end_cents bigint,
--   prev_score float8 (null: none)
--   nps_latest_score int, nps_latest_id text: the latest NPS answer in M
--   nps_prev_score int, nps_prev_id text: the customer's NPS answer before it
--   nps_lowest_score int, nps_lowest_id text: the lowest NPS answer in M
--   csat_latest_score, csat_latest_id, csat_prev_score, csat_prev_id: as NPS
--   sent_nps_score, sent_nps_id, sent_csat_score, sent_csat_id,
--   sent_ces_score, sent_ces_id: the latest answers in [$5, end of M)
--   invoices int: invoices issued before the end of M
--   failed_payments int: sum of failed_attempts of invoices issued in M
--   overdue_invoices int: past due_at and unpaid at the end of M, not void
--   failed_invoice_id, failed_invoice_currency, failed_invoice_amount text,
--   failed_invoice_status text, failed_invoice_attempts int: the invoice
--     issued in M with the most failed attempts
--   tickets int, ticket_load int: tickets opened in M and their weight
--   doc_kinds text[], doc_ids text[], doc_texts text[]: candidate texts,
--     oldest first ('ticket' or 'survey comment')
--   users_0..users_3 float8, events_0..events_3 float8: usage per day in
--     M-3, M-2, M-1 and M
with customers as (
    select m.customer_id, m.mrr_start, m.mrr_end
    from customer_mrr_monthly m
    where m.month = $1 and m.mrr_end > 0
),
-- Answers from the start of the sentiment look-back ($5 <= $3) on: every
-- CTE below reads no further back, except the previous answer of each
-- latest one, which latest finds with an index probe per customer rather
-- than by numbering every answer ever given (5x less work at 100,000
-- customers).
answers as (
    select r.customer_id, lower(btrim(r.survey_type)) as survey_type, r.score, r.response_id, r.responded_at
    from survey.responses r
    join customers c on c.customer_id = r.customer_id
    where r.responded_at >= $5 and r.responded_at < $4 and r.score is not null
),
valid as (
    select a.*
    from answers a
    where (a.survey_type = 'nps' and a.score >= 0 and a.score <= 10)
       or (a.survey_type = 'csat' and a.score >= 1 and a.score <= 5)
       or (a.survey_type = 'ces' and a.score >= $7::integer and a.score <= $8::integer)
),
latest_in_month as (
    select distinct on (customer_id, survey_type) customer_id, survey_type, score, response_id, responded_at
    from valid
    where survey_type in ('nps', 'csat') and responded_at >= $3
    order by customer_id, survey_type, responded_at desc, response_id desc
),
-- with the customer's valid answer of the same type just before it (in
-- the order responded_at, response_id), however long ago.
latest as (
    select l.customer_id, l.survey_type, l.score, l.response_id, p.score as prev_score, p.response_id as prev_id
    from latest_in_month l
    left join lateral (
        select r.score, r.response_id
        from survey.responses r
        where r.customer_id = l.customer_id
          and (r.responded_at, r.response_id) < (l.responded_at, l.response_id)
          and r.score is not null
          and lower(btrim(r.survey_type)) = l.survey_type
          and (l.survey_type = 'nps' and r.score between 0 and 10 or l.survey_type = 'csat' and r.score between 1 and 5)
        order by r.responded_at desc, r.response_id desc
        limit 1
    ) p on true
),
lowest_nps as (
    select distinct on (customer_id) customer_id, score, response_id
    from valid
    where survey_type = 'nps' and responded_at >= $3
    order by customer_id, score, responded_at desc, response_id
),
sentiment as (
    select distinct on (customer_id, survey_type) customer_id, survey_type, score, response_id
    from valid
    where responded_at >= $5
    order by customer_id, survey_type, responded_at desc, response_id desc
),
invoices as (
    select i.customer_id,
           count(*) as invoices,
           coalesce(sum(i.failed_attempts) filter (where i.issued_at >= $3), 0) as failed_payments,
           count(*) filter (where i.status <> 'void' and i.due_at < $4
                              and ((i.paid_at is null and i.status <> 'paid') or i.paid_at >= $4)) as overdue_invoices
    from billing.invoices i
    join customers c on c.customer_id = i.customer_id
    where i.issued_at < $4
    group by i.customer_id
),
failed_invoice as (
    select distinct on (i.customer_id) i.customer_id, i.invoice_id, i.currency, i.amount, i.status, i.failed_attempts
    from billing.invoices i
    join customers c on c.customer_id = i.customer_id
    where i.issued_at >= $3 and i.issued_at < $4 and i.failed_attempts > 0
    order by i.customer_id, i.failed_attempts desc, i.issued_at, i.invoice_id
),
tickets as (
    select t.customer_id,
           count(*) as tickets,
           sum(case lower(t.priority) when 'urgent' then 3 when 'high' then 2 else 1 end) as ticket_load
    from support.tickets t
    join customers c on c.customer_id = t.customer_id
    where t.opened_at >= $3 and t.opened_at < $4
    group by t.customer_id
),
documents as (
    select d.customer_id,
           array_agg(d.kind order by d.at, d.id) as doc_kinds,
           array_agg(d.id order by d.at, d.id) as doc_ids,
           array_agg(d.body order by d.at, d.id) as doc_texts
    from (
        select t.customer_id, 'ticket' as kind, t.ticket_id as id, t.opened_at as at,
               t.subject || E'\n' || coalesce(t.body, '') as body
        from support.tickets t
        join customers c on c.customer_id = t.customer_id
        where t.opened_at >= $3 and t.opened_at < $4
        union all
        select r.customer_id, 'survey comment', r.response_id, r.responded_at, r.comment
        from survey.responses r
        join customers c on c.customer_id = r.customer_id
        where r.responded_at >= $3 and r.responded_at < $4 and r.comment is not null
    ) d
    where lower(d.body) like any ($9::text[])
    group by d.customer_id
),
-- Materialised and not joined to customers: PostgreSQL then aggregates the
-- months' usage with a parallel hash aggregate instead of walking the whole
-- table in customer order for a merge join (5x faster at 6.5M rows).
usage as materialized (
    select u.customer_id,
           sum(u.active_users) filter (where u.day >= ($6::date[])[1] and u.day < ($6::date[])[2]) as users_0,
           sum(u.active_users) filter (where u.day >= ($6::date[])[2] and u.day < ($6::date[])[3]) as users_1,
           sum(u.active_users) filter (where u.day >= ($6::date[])[3] and u.day < ($6::date[])[4]) as users_2,
           sum(u.active_users) filter (where u.day >= ($6::date[])[4] and u.day < ($6::date[])[5]) as users_3,
           sum(u.events) filter (where u.day >= ($6::date[])[1] and u.day < ($6::date[])[2]) as events_0,
           sum(u.events) filter (where u.day >= ($6::date[])[2] and u.day < ($6::date[])[3]) as events_1,
           sum(u.events) filter (where u.day >= ($6::date[])[3] and u.day < ($6::date[])[4]) as events_2,
           sum(u.events) filter (where u.day >= ($6::date[])[4] and u.day < ($6::date[])[5]) as events_3
    from product.usage_daily u
    where u.day >= ($6::date[])[1] and u.day < ($6::date[])[5]
    group by u.customer_id
)
select c.customer_id,
       (c.mrr_start * 100)::bigint as mrr_start_cents,
       (c.mrr_end * 100)::bigint as mrr_end_cents,
       h.score::float8 as prev_score,
       ln.score as nps_latest_score, ln.response_id as nps_latest_id,
       ln.prev_score as nps_prev_score, ln.prev_id as nps_prev_id,
       lo.score as nps_lowest_score, lo.response_id as nps_lowest_id,
       lc.score as csat_latest_score, lc.response_id as csat_latest_id,
       lc.prev_score as csat_prev_score, lc.prev_id as csat_prev_id,
       sn.score as sent_nps_score, sn.response_id as sent_nps_id,
       sc.score as sent_csat_score, sc.response_id as sent_csat_id,
       se.score as sent_ces_score, se.response_id as sent_ces_id,
       coalesce(i.invoices, 0) as invoices,
       coalesce(i.failed_payments, 0) as failed_payments,
       coalesce(i.overdue_invoices, 0) as overdue_invoices,
       fi.invoice_id as failed_invoice_id, fi.currency as failed_invoice_currency,
       fi.amount::text as failed_invoice_amount, fi.status as failed_invoice_status,
       fi.failed_attempts as failed_invoice_attempts,
       coalesce(t.tickets, 0) as tickets,
       coalesce(t.ticket_load, 0) as ticket_load,
       d.doc_kinds, d.doc_ids, d.doc_texts,
       coalesce(u.users_0, 0)::float8 / (($6::date[])[2] - ($6::date[])[1]) as users_0,
       coalesce(u.users_1, 0)::float8 / (($6::date[])[3] - ($6::date[])[2]) as users_1,
       coalesce(u.users_2, 0)::float8 / (($6::date[])[4] - ($6::date[])[3]) as users_2,
       coalesce(u.users_3, 0)::float8 / (($6::date[])[5] - ($6::date[])[4]) as users_3,
       coalesce(u.events_0, 0)::float8 / (($6::date[])[2] - ($6::date[])[1]) as events_0,
       coalesce(u.events_1, 0)::float8 / (($6::date[])[3] - ($6::date[])[2]) as events_1,
       coalesce(u.events_2, 0)::float8 / (($6::date[])[4] - ($6::date[])[3]) as events_2,
       coalesce(u.events_3, 0)::float8 / (($6::date[])[5] - ($6::date[])[4]) as events_3
from customers c
left join customer_health h on h.month = $2 and h.customer_id = c.customer_id
left join latest ln on ln.customer_id = c.customer_id and ln.survey_type = 'nps'
left join lowest_nps lo on lo.customer_id = c.customer_id
left join latest lc on lc.customer_id = c.customer_id and lc.survey_type = 'csat'
left join sentiment sn on sn.customer_id = c.customer_id and sn.survey_type = 'nps'
left join sentiment sc on sc.customer_id = c.customer_id and sc.survey_type = 'csat'
left join sentiment se on se.customer_id = c.customer_id and se.survey_type = 'ces'
left join invoices i on i.customer_id = c.customer_id
left join failed_invoice fi on fi.customer_id = c.customer_id
left join tickets t on t.customer_id = c.customer_id
left join documents d on d.customer_id = c.customer_id
left join usage u on u.customer_id = c.customer_id
order by c.customer_id
