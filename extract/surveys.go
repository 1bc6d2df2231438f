package extract

import (
	"context"
	"fmt"
	"time"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

type surveyCellRow struct {
	Month           time.Time `db:"month"`
	SurveyType      string    `db:"survey_type"`
	Dimension       string    `db:"dimension"`
	Member          string    `db:"member"`
	Responses       int       `db:"responses"`
	Skipped         int       `db:"skipped"`
	Positive        int       `db:"positive"`
	Neutral         int       `db:"neutral"`
	Negative        int       `db:"negative"`
	ScoreSum        int64     `db:"score_sum"`
	ScoreSumSquares int64     `db:"score_sum_squares"`
}

// SurveyCells streams the survey cells of month m and of m−1 (query
// survey_cells): per survey type, dimension and member, the counts by band,
// Σscore and Σscore² of the valid answers and the number of skips. Months are
// half-open intervals in loc; the CES scale and easy threshold come from cfg.
// It returns the number of cells read.
func (w *Warehouse) SurveyCells(ctx context.Context, m transform.Month, loc *time.Location, cfg transform.SurveyConfig, fn func(transform.SurveyCell) error) (int64, error) {
	p := m.Add(-1)
	rows, err := w.db.QueryxContext(ctx, sqlfiles.Query("survey_cells"),
		p.Start(loc), m.Start(loc), m.End(loc), p.Date(), m.Date(), cfg.CESMin, cfg.CESMax, cfg.CESEasy)
	if err != nil {
		return 0, fmt.Errorf("select survey cells for %s: %w", m, err)
	}
	defer rows.Close()
	var n int64
	var r surveyCellRow
	for rows.Next() {
		if err := rows.StructScan(&r); err != nil {
			return n, fmt.Errorf("scan survey cells for %s: %w", m, err)
		}
		n++
		err := fn(transform.SurveyCell{
			Month:      transform.NewMonth(r.Month.Year(), r.Month.Month()),
			Type:       transform.SurveyType(r.SurveyType),
			Dimension:  r.Dimension,
			Member:     r.Member,
			Responses:  r.Responses,
			Skipped:    r.Skipped,
			Positive:   r.Positive,
			Neutral:    r.Neutral,
			Negative:   r.Negative,
			Sum:        r.ScoreSum,
			SumSquares: r.ScoreSumSquares,
		})
		if err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read survey cells for %s: %w", m, err)
	}
	return n, nil
}

// SurveyOutOfRange returns the month's survey responses that can never reach
// a score (query survey_out_of_range): per check, answers off their scale
// (NPS 0–10, CSAT 1–5, CES from cfg) or of an unknown survey type, with a
// count and an example response_id. The result has at most one row per
// survey type and one for unknown types.
func (w *Warehouse) SurveyOutOfRange(ctx context.Context, m transform.Month, loc *time.Location, cfg transform.SurveyConfig) ([]transform.SurveyDataQuality, error) {
	var rows []struct {
		Check   string `db:"check_name"`
		Rows    int64  `db:"rows"`
		Example string `db:"example"`
	}
	if err := w.db.SelectContext(ctx, &rows, sqlfiles.Query("survey_out_of_range"),
		m.Start(loc), m.End(loc), cfg.CESMin, cfg.CESMax); err != nil {
		return nil, fmt.Errorf("count out-of-range survey answers for %s: %w", m, err)
	}
	out := make([]transform.SurveyDataQuality, len(rows))
	for i, r := range rows {
		out[i] = transform.SurveyDataQuality{Month: m, Check: r.Check, Rows: r.Rows, Example: r.Example}
	}
	return out, nil
}
