-- survey_out_of_range: the responses of month M that can never reach a
-- score, for reporting.data_quality: scores off their survey type's scale
-- (NPS 0-10, CSAT 1-5, CES $3-$4) and unknown survey types. Skips (null
-- scores) of a known type are not problems. Survey types are compared
-- trimmed and lower-cased, as in survey_cells.
--
-- $1 timestamptz  start of M
-- $2 timestamptz  end of M (exclusive)
-- $3 integer      CES scale minimum
-- $4 integer      CES scale maximum
--
-- columns: check_name text ('nps_out_of_range', 'csat_out_of_range',
--   'ces_out_of_range', 'unknown_survey_type'), rows bigint,
--   example text (the smallest offending response_id)
with month_responses as (
    select r.response_id, lower(btrim(r.survey_type)) as survey_type, r.score
    from survey.responses r
    where r.responded_at >= $1 and r.responded_at < $2
)
select case when survey_type in ('nps', 'csat', 'ces') then survey_type || '_out_of_range'
            else 'unknown_survey_type' end as check_name,
       count(*) as rows,
       min(response_id) as example
from month_responses
where survey_type not in ('nps', 'csat', 'ces')
   or (survey_type = 'nps' and (score < 0 or score > 10))
   or (survey_type = 'csat' and (score < 1 or score > 5))
   or (survey_type = 'ces' and (score < $3::integer or score > $4::integer))
group by 1
order by 1
