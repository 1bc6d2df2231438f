-- campaign_events: one row per campaign, arm and event name with the
-- sufficient statistics of the `<event>_rate` and `<event>_per_member`
-- metrics (CONTRACT §5). Only members assigned before the end of month M
-- count, and of each member's crm.campaign_events (same campaign and
-- customer) only those in its window [assigned_at, assigned_at + window_days
-- days), cut at the end of M. Window days are counted on the reporting time
-- zone's calendar. Members without the event are not listed: they are the
-- zeros of the arm (its size comes from campaign_arms). Members of campaigns
-- with no crm.campaigns row have no window and are left out.
--
-- $1 timestamptz  end of M (exclusive)
-- $2 text         reporting time zone (IANA)
--
-- columns: campaign_id text, arm text, event text,
--   members bigint                  (members with at least one such event)
--   occurrences bigint              (events)
--   sum_value double precision      (sum of the events' values)
--   sum_squares double precision    (sum over members of (member's summed value)^2)
with members as (
    select m.campaign_id, m.customer_id, m.arm, m.assigned_at,
           least(((m.assigned_at at time zone $2) + make_interval(days => c.window_days)) at time zone $2,
                 $1) as window_end
    from crm.campaign_members m
    join crm.campaigns c on c.campaign_id = m.campaign_id
    where m.assigned_at < $1
),
per_member as (
    select mb.campaign_id, mb.arm, e.event, mb.customer_id,
           count(*) as occurrences,
           sum(e.value) as value
    from members mb
    join crm.campaign_events e
      on e.campaign_id = mb.campaign_id and e.customer_id = mb.customer_id
     and e.occurred_at >= mb.assigned_at and e.occurred_at < mb.window_end
    group by mb.campaign_id, mb.arm, e.event, mb.customer_id
)
select campaign_id, arm, event,
       count(*) as members,
       sum(occurrences)::bigint as occurrences,
       sum(value)::double precision as sum_value,
       sum(value * value)::double precision as sum_squares
from per_member
group by campaign_id, arm, event
order by campaign_id, arm, event
