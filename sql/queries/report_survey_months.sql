-- report_survey_months: survey_monthly rows of the months from $1 to $2
-- (both inclusive), every survey type and dimension.
--
-- $1 date  first month (first day)
-- $2 date  last month (first day)
--
-- columns: month date, survey_type text, dimension text, member text,
--   responses, skipped, positive, neutral, negative integer,
--   score, std_error, ci_low, ci_high double precision (null: suppressed),
--   prev_responses integer, prev_score, delta, p_value double precision,
--   significant boolean, low_sample boolean
select month, survey_type, dimension, member, responses, skipped, positive, neutral, negative,
       score, std_error, ci_low, ci_high, prev_responses, prev_score, delta, p_value,
       significant, low_sample
from survey_monthly
where month >= $1 and month <= $2
order by month, survey_type, dimension, member
