package load

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/transform"
)

// SurveyQualitySource is the data_quality source of the surveys job's checks.
const SurveyQualitySource = "survey.responses"

// WriteSurveys replaces month m of the surveys job: it deletes the month's
// survey_monthly rows and its data_quality rows from SurveyQualitySource
// (other jobs' checks stay), then writes rows with COPY and the checks. It
// returns the number of rows written.
func WriteSurveys(ctx context.Context, tx *sqlx.Tx, m transform.Month, rows []transform.SurveyMonthly, checks []transform.SurveyDataQuality) (int64, error) {
	if _, err := DeleteMonth(ctx, tx, "survey_monthly", "month", m); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `delete from data_quality where month = $1 and source = $2`, m.Date(), SurveyQualitySource); err != nil {
		return 0, fmt.Errorf("delete data_quality rows of %s from %s: %w", m, SurveyQualitySource, err)
	}
	cp, err := Copy(ctx, tx, "survey_monthly",
		"month", "survey_type", "dimension", "member", "responses", "skipped", "positive", "neutral", "negative",
		"score", "std_error", "ci_low", "ci_high", "prev_responses", "prev_score", "delta", "p_value", "significant", "low_sample")
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		if err := cp.Row(r.Month.Date(), string(r.Type), r.Dimension, r.Member, r.Responses, r.Skipped, r.Positive, r.Neutral, r.Negative,
			Float(r.Score), Float(r.StdError), Float(r.CILow), Float(r.CIHigh), r.PrevResponses, Float(r.PrevScore), Float(r.Delta),
			Float(r.PValue), surveyNullBool(r.Significant), r.LowSample); err != nil {
			return 0, err
		}
	}
	n, err := cp.Close()
	if err != nil {
		return 0, err
	}
	for _, c := range checks {
		if _, err := tx.ExecContext(ctx, `insert into data_quality (month, source, "check", rows, example) values ($1, $2, $3, $4, $5)`,
			c.Month.Date(), SurveyQualitySource, c.Check, c.Rows, nullText(c.Example)); err != nil {
			return n, fmt.Errorf("insert data_quality %s of %s: %w", c.Check, m, err)
		}
		n++
	}
	return n, nil
}

func surveyNullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
