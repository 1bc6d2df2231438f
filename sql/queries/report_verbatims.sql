-- report_verbatims: the month's NPS detractor answers (scores 0 to 6) that
-- carry a comment, lowest score first, with the customer's name and
-- segment. The month is the half-open interval [$1, $2) of instants.
--
-- $1 timestamptz  start of the month in the reporting time zone
-- $2 timestamptz  end of the month (exclusive)
-- $3 integer      at most this many
--
-- columns: responded_at timestamptz, customer_id text, name text,
--   segment text, survey_type text, score integer, touchpoint text,
--   comment text
select r.responded_at, r.customer_id,
       coalesce(c.name, '') as name,
       coalesce(c.segment, '') as segment,
       r.survey_type, r.score,
       coalesce(r.touchpoint, '') as touchpoint,
       btrim(r.comment) as comment
from survey.responses r
left join crm.customers c on c.customer_id = r.customer_id
where r.responded_at >= $1 and r.responded_at < $2
  and r.survey_type = 'nps' and r.score between 0 and 6
  and nullif(btrim(r.comment), '') is not null
order by r.score, r.responded_at, r.response_id
limit $3
