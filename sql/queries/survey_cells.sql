-- survey_cells: the survey answers of months M-1 and M aggregated per cell
-- (month, survey type, dimension, member), for the surveys job (CONTRACT §4).
-- Go never sees an individual response: each cell carries its counts by
-- band, Σscore and Σscore², enough for every score and standard error.
--
-- A response belongs to the month whose half-open interval [start, end) in
-- the reporting time zone holds responded_at; the caller passes the
-- intervals' bounds as instants. A null score is a skip. Scores off their
-- scale and unknown survey types are left out here (survey_out_of_range
-- counts them). Survey types are compared trimmed and lower-cased.
-- Dimensions: all, segment and region (the customer's current attributes
-- in crm.customers), touchpoint (the response's); null is '(none)'.
-- Bands: NPS promoters 9-10 (+1), passives 7-8 (0), detractors 0-6 (-1);
-- CSAT 4-5 / 3 / 1-2; CES easy >= $8, hard when 2*score < $6 + $7 (below
-- the scale's midpoint), middle otherwise (transform.SurveyConfig.SurveyBand).
--
-- $1 timestamptz  start of M-1
-- $2 timestamptz  start of M (= end of M-1)
-- $3 timestamptz  end of M
-- $4 date         M-1 (first day)
-- $5 date         M (first day)
-- $6 integer      CES scale minimum
-- $7 integer      CES scale maximum
-- $8 integer      CES easy threshold
--
-- columns: month date, survey_type text, dimension text, member text,
--   responses bigint, skipped bigint, positive bigint, neutral bigint,
--   negative bigint, score_sum bigint, score_sum_squares bigint
with answers as (
    select case when r.responded_at >= $2 then $5::date else $4::date end as month,
           lower(btrim(r.survey_type)) as survey_type,
           r.score,
           coalesce(c.segment, '(none)') as segment,
           coalesce(c.region, '(none)') as region,
           coalesce(r.touchpoint, '(none)') as touchpoint
    from survey.responses r
    left join crm.customers c on c.customer_id = r.customer_id
    where r.responded_at >= $1 and r.responded_at < $3
),
valid as (
    select month, survey_type, score, segment, region, touchpoint,
           case
               when score is null then null
               when survey_type = 'nps' then case when score >= 9 then 1 when score <= 6 then -1 else 0 end
               when survey_type = 'csat' then case when score >= 4 then 1 when score <= 2 then -1 else 0 end
               else case when score >= $8::integer then 1 when 2 * score < $6::integer + $7::integer then -1 else 0 end
           end as band
    from answers
    where (survey_type = 'nps' and (score is null or (score >= 0 and score <= 10)))
       or (survey_type = 'csat' and (score is null or (score >= 1 and score <= 5)))
       or (survey_type = 'ces' and (score is null or (score >= $6::integer and score <= $7::integer)))
)
select month,
       survey_type,
       case when grouping(segment) = 0 then 'segment'
            when grouping(region) = 0 then 'region'
            when grouping(touchpoint) = 0 then 'touchpoint'
            else 'all' end as dimension,
       coalesce(segment, region, touchpoint, 'all') as member,
       count(score) as responses,
       count(*) - count(score) as skipped,
       count(*) filter (where band = 1) as positive,
       count(*) filter (where band = 0) as neutral,
       count(*) filter (where band = -1) as negative,
       coalesce(sum(score), 0)::bigint as score_sum,
       coalesce(sum(score::bigint * score), 0)::bigint as score_sum_squares
from valid
group by grouping sets (
    (month, survey_type),
    (month, survey_type, segment),
    (month, survey_type, region),
    (month, survey_type, touchpoint)
)
order by month, survey_type, dimension, member
