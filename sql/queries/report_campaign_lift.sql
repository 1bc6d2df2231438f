-- report_campaign_lift: month $1's campaign_lift rows with the campaign's
-- name from crm.campaigns.
--
-- $1 date  month (first day)
--
-- columns: campaign_id text, campaign_name text ('' when unknown),
--   metric text, kind text, n_control, n_treatment integer,
--   control_mean, treatment_mean, abs_lift, abs_ci_low, abs_ci_high,
--   abs_p_value, rel_lift, rel_ci_low, rel_ci_high, rel_p_value,
--   srm_p_value double precision, low_sample boolean, reason text ('')
select l.campaign_id, coalesce(c.name, '') as campaign_name, l.metric, l.kind,
       l.n_control, l.n_treatment, l.control_mean, l.treatment_mean,
       l.abs_lift, l.abs_ci_low, l.abs_ci_high, l.abs_p_value,
       l.rel_lift, l.rel_ci_low, l.rel_ci_high, l.rel_p_value,
       l.srm_p_value, l.low_sample, coalesce(l.reason, '') as reason
from campaign_lift l
left join crm.campaigns c on c.campaign_id = l.campaign_id
where l.month = $1
order by l.campaign_id, l.metric
