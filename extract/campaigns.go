package extract

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

type campaignArmRow struct {
	CampaignID   string          `db:"campaign_id"`
	Arm          string          `db:"arm"`
	Known        bool            `db:"known"`
	ControlShare sql.NullFloat64 `db:"control_share"`
	Members      int64           `db:"members"`
	MRRMembers   int64           `db:"mrr_members"`
	Retained     int64           `db:"retained"`
}

// CampaignArms streams, for month m in time zone loc, one row per campaign
// and arm with members assigned before the end of m: the arm's size and the
// retention counts (query campaign_arms). Arms are passed through as the
// warehouse spells them; members of campaigns missing from crm.campaigns
// come with Known false. It returns the number of rows read.
func (w *Warehouse) CampaignArms(ctx context.Context, m transform.Month, loc *time.Location, fn func(transform.CampaignArmStats) error) (int64, error) {
	rows, err := w.db.QueryxContext(ctx, sqlfiles.Query("campaign_arms"), m.End(loc), loc.String())
	if err != nil {
		return 0, fmt.Errorf("select campaign arms for %s: %w", m, err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var r campaignArmRow
		if err := rows.StructScan(&r); err != nil {
			return n, fmt.Errorf("scan campaign arms for %s: %w", m, err)
		}
		n++
		a := transform.CampaignArmStats{
			CampaignID: r.CampaignID, Arm: r.Arm, Known: r.Known,
			Members: r.Members, MRRMembers: r.MRRMembers, Retained: r.Retained,
		}
		if r.ControlShare.Valid {
			a.ControlShare = &r.ControlShare.Float64
		}
		if err := fn(a); err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read campaign arms for %s: %w", m, err)
	}
	return n, nil
}

type campaignEventRow struct {
	CampaignID  string  `db:"campaign_id"`
	Arm         string  `db:"arm"`
	Event       string  `db:"event"`
	Members     int64   `db:"members"`
	Occurrences int64   `db:"occurrences"`
	SumValue    float64 `db:"sum_value"`
	SumSquares  float64 `db:"sum_squares"`
}

// CampaignEvents streams, for month m in time zone loc, one row per
// campaign, arm and event name with the members that had the event inside
// their window before the end of m, the number of events and the sums of
// value and of each member's squared value sum (query campaign_events). It
// returns the number of rows read.
func (w *Warehouse) CampaignEvents(ctx context.Context, m transform.Month, loc *time.Location, fn func(transform.CampaignEventStats) error) (int64, error) {
	rows, err := w.db.QueryxContext(ctx, sqlfiles.Query("campaign_events"), m.End(loc), loc.String())
	if err != nil {
		return 0, fmt.Errorf("select campaign events for %s: %w", m, err)
	}
	defer rows.Close()
	var n int64
	var r campaignEventRow
	for rows.Next() {
		if err := rows.StructScan(&r); err != nil {
			return n, fmt.Errorf("scan campaign events for %s: %w", m, err)
		}
		n++
		if err := fn(transform.CampaignEventStats{
			CampaignID: r.CampaignID, Arm: r.Arm, Event: r.Event,
			Members: r.Members, Occurrences: r.Occurrences, Sum: r.SumValue, SumSquares: r.SumSquares,
		}); err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read campaign events for %s: %w", m, err)
	}
	return n, nil
}
