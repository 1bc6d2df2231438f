-- campaign_arms: one row per campaign and arm that has members assigned
-- before the end of month M: the arm's size and the counts behind the
-- `retained` metric (CONTRACT §5). Members whose campaign has no
-- crm.campaigns row come with known = false: a data-quality problem, counted
-- and left out, not an error.
--
-- A member's window is [assigned_at, assigned_at + window_days days), the
-- days counted on the reporting time zone's calendar (so a window across a
-- DST change still ends at the same local time), cut at the end of M.
-- A customer has MRR at instant t when one of its subscriptions that is not
-- a trial and has amount > 0 is active at t: started_at < t and (ended_at is
-- null or ended_at >= t) (CONTRACT §3). `retained` counts members with MRR at
-- assigned_at that still have MRR at the end of their window or of M,
-- whichever comes first.
--
-- $1 timestamptz  end of M (exclusive)
-- $2 text         reporting time zone (IANA)
--
-- columns: campaign_id text, arm text, known boolean,
--   control_share double precision  (crm.campaigns.control_share; null: unknown)
--   members bigint                  (members assigned before the end of M)
--   mrr_members bigint              (of those, with MRR at assigned_at)
--   retained bigint                 (of mrr_members, with MRR at the window's end)
with members as (
    select m.campaign_id, m.customer_id, m.arm, m.assigned_at,
           c.campaign_id is not null as known,
           c.control_share::double precision as control_share,
           least(((m.assigned_at at time zone $2) + make_interval(days => c.window_days)) at time zone $2,
                 $1) as window_end
    from crm.campaign_members m
    left join crm.campaigns c on c.campaign_id = m.campaign_id
    where m.assigned_at < $1
),
mrr as (
    select mb.campaign_id, mb.customer_id,
           bool_or(s.started_at < mb.assigned_at
                   and (s.ended_at is null or s.ended_at >= mb.assigned_at)) as at_assignment,
           bool_or(s.started_at < mb.window_end
                   and (s.ended_at is null or s.ended_at >= mb.window_end)) as at_window_end
    from members mb
    join billing.subscriptions s
      on s.customer_id = mb.customer_id and not s.is_trial and s.amount > 0
    where mb.known
    group by mb.campaign_id, mb.customer_id
)
select mb.campaign_id, mb.arm, mb.known, mb.control_share,
       count(*) as members,
       count(*) filter (where r.at_assignment) as mrr_members,
       count(*) filter (where r.at_assignment and r.at_window_end) as retained
from members mb
left join mrr r on r.campaign_id = mb.campaign_id and r.customer_id = mb.customer_id
group by mb.campaign_id, mb.arm, mb.known, mb.control_share
order by mb.campaign_id, mb.arm
