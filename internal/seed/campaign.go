package seed

import (
	"fmt"
	"time"
)

type campaignKind int

const (
	campWinback campaignKind = iota // e-mail to churned customers: reactivations
	campUpsell                      // in-app offer to active SMB and Mid-Market: upgrades and add-ons
	campCSM                         // CSM calls to at-risk accounts: retention and upgrades
)

// campaign is one crm.campaigns row and the behaviour behind it.
type campaign struct {
	kind         campaignKind
	id           string
	name         string
	channel      string
	start        time.Time // first assignment
	end          time.Time // planned end: assignments stop here
	open         bool      // still running when the data ends: ended_at is null
	windowDays   int
	controlShare float64
	selectP      float64    // share of eligible customers made members
	visitP       [2]float64 // members with a visit within the window: control, treatment
}

// newCampaigns places three campaigns in the last months of the window (all
// clamped into it, so short windows hold them too).
func (g *generator) newCampaigns() []campaign {
	specs := []struct {
		kind           campaignKind
		back           int // months before Until
		day, hour, min int
		days, window   int
		control        float64
		selectP        float64
		visitP         [2]float64
		slug, name, ch string
	}{
		{campWinback, 7, 4, 9, 0, 21, 30, 0.5, 0.95, [2]float64{0.06, 0.30}, "winback", "Win-back e-mail: we miss you", "email"},
		{campUpsell, 4, 10, 10, 30, 28, 14, 0.2, 0.2, [2]float64{0.10, 0.45}, "upsell", "In-app upsell: Analytics add-on", "in-app"},
		{campCSM, 1, 2, 8, 30, 30, 30, 0.5, 0.5, [2]float64{0.05, 0.65}, "csm-calls", "CSM check-in calls for at-risk accounts", "call"},
	}
	var cs []campaign
	for _, s := range specs {
		m := max(g.until.Add(-s.back), g.first)
		st := time.Date(m.Year(), m.Month(), s.day, s.hour, s.min, 0, 0, g.loc)
		c := campaign{
			kind: s.kind, id: fmt.Sprintf("CMP-%s-%s", m, s.slug), name: s.name, channel: s.ch,
			start: st, end: st.AddDate(0, 0, s.days), windowDays: s.window,
			controlShare: s.control, selectP: s.selectP, visitP: s.visitP,
		}
		if !c.end.Before(g.end) {
			c.open, c.end = true, g.end
		}
		cs = append(cs, c)
	}
	return cs
}
