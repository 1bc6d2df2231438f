package report

import (
	"iter"
	"time"

	"github.com/signalsdev/signals/transform"
)

// Fixtures: fixed, hand-made results for golden tests. No clock, no
// randomness: every figure derives from the month index.

var fixMonth = transform.NewMonth(2026, time.September)

func fixMeta() Meta {
	return Meta{
		Month:     fixMonth,
		Currency:  "USD",
		TZ:        "Europe/Berlin",
		RunID:     "6f1c2d3e-0000-4000-8000-000000000001",
		Version:   "v1.2.3-test",
		Watermark: time.Date(2026, 10, 1, 3, 14, 15, 0, time.UTC),
		Jobs: []JobStatus{
			{Job: "campaigns", Status: "succeeded", RunID: "6f1c2d3e-0000-4000-8000-000000000001", FinishedAt: time.Date(2026, 10, 2, 6, 1, 0, 0, time.UTC)},
			{Job: "mrr", Status: "succeeded", RunID: "6f1c2d3e-0000-4000-8000-000000000001", FinishedAt: time.Date(2026, 10, 2, 6, 0, 30, 0, time.UTC)},
		},
		DataQuality: []DataQualityRow{{Source: "survey.responses", Check: "score_out_of_range", Rows: 3, Example: "r-981: nps score 11"}},
	}
}

func ratio(num, den float64) *float64 { return transform.Ratio(num, den) }

// fixMRR builds a consistent mrr_monthly row: the bridge holds and the rates
// follow CONTRACT §3.
func fixMRR(m transform.Month, dim, member string, start, fx, nw, re, ex, co, ch transform.Money, cStart, cNew, cRe, cEx, cCo, cCh int) transform.MRRMonthly {
	r := transform.MRRMonthly{
		Month: m, Dimension: dim, Member: member, Currency: "USD",
		CustomersStart: cStart, CustomersNew: cNew, CustomersReactivated: cRe, CustomersExpanded: cEx,
		CustomersContracted: cCo, CustomersChurned: cCh, CustomersEnd: cStart + cNew + cRe - cCh,
		MRRStart: start, MRRFX: fx, MRRNew: nw, MRRReactivation: re, MRRExpansion: ex, MRRContraction: co, MRRChurned: ch,
		SumStart: start + fx,
	}
	r.MRREnd = start + fx + nw + re + ex - co - ch
	S := r.SumStart.Float()
	r.LogoChurnRate = ratio(float64(cCh), float64(cStart))
	r.GrossMRRChurnRate = ratio((co + ch).Float(), S)
	r.NetMRRChurnRate = ratio((co + ch - ex - re).Float(), S)
	r.GRR = ratio(S-(co+ch).Float(), S)
	r.NRR = ratio(S+(ex-co-ch).Float(), S)
	r.QuickRatio = ratio((nw + ex + re).Float(), (co + ch).Float())
	r.NetCustomerChangeRate = ratio(float64(r.CustomersEnd-cStart), float64(cStart))
	return r
}

// fixTrend is 13 months of "all" rows ending at fixMonth, growing steadily
// with a bad month in March.
func fixTrend() []transform.MRRMonthly {
	var rows []transform.MRRMonthly
	start := transform.Money(98_000_000) // $980,000.00
	cust := 812
	for i := range 13 {
		m := fixMonth.Add(-12 + i)
		pct := func(bp int64) transform.Money { return transform.Money(int64(start) * bp / 10_000) }
		churnBP := int64(110 + (i%4)*15)
		if m.Month() == time.March {
			churnBP = 340
		}
		fx := pct(int64(i%3) - 1)
		r := fixMRR(m, "all", "all", start, fx, pct(260+int64(i%5)*10), pct(25), pct(150), pct(55), pct(churnBP),
			cust, 21+i%4, 2, 37, 14, 9+i%3+map[bool]int{true: 12, false: 0}[m.Month() == time.March])
		rows = append(rows, r)
		start, cust = r.MRREnd, r.CustomersEnd
	}
	return rows
}

// split divides an "all" row into members with the given weights (per mille),
// exactly: the last member takes the remainder.
func split(all transform.MRRMonthly, dim string, members []string, weights []int64) []transform.MRRMonthly {
	var out []transform.MRRMonthly
	var used [7]transform.Money
	var usedC [6]int
	for i, mem := range members {
		part := func(x transform.Money, k int) transform.Money {
			if i == len(members)-1 {
				return x - used[k]
			}
			v := transform.Money(int64(x) * weights[i] / 1000)
			used[k] += v
			return v
		}
		partC := func(x, k int) int {
			if i == len(members)-1 {
				return x - usedC[k]
			}
			v := x * int(weights[i]) / 1000
			usedC[k] += v
			return v
		}
		out = append(out, fixMRR(all.Month, dim, mem,
			part(all.MRRStart, 0), part(all.MRRFX, 1), part(all.MRRNew, 2), part(all.MRRReactivation, 3),
			part(all.MRRExpansion, 4), part(all.MRRContraction, 5), part(all.MRRChurned, 6),
			partC(all.CustomersStart, 0), partC(all.CustomersNew, 1), partC(all.CustomersReactivated, 2),
			partC(all.CustomersExpanded, 3), partC(all.CustomersContracted, 4), partC(all.CustomersChurned, 5)))
	}
	return out
}

func fixMembers(all transform.MRRMonthly) []transform.MRRMonthly {
	rows := []transform.MRRMonthly{all}
	rows = append(rows, split(all, "segment", []string{"Enterprise", "Mid-Market", "SMB"}, []int64{480, 330, 190})...)
	rows = append(rows, split(all, "region", []string{"(none)", "APAC", "EMEA", "NA"}, []int64{20, 160, 390, 430})...)
	rows = append(rows, split(all, "industry", []string{"Healthcare", "Retail", "Software"}, []int64{250, 300, 450})...)
	rows = append(rows, split(all, "acquisition_channel", []string{"Outbound", "Partner", "Self-serve"}, []int64{410, 220, 370})...)
	return rows
}

func fixCohorts() []transform.CohortRow {
	var rows []transform.CohortRow
	for i := range cohortSpan {
		co := fixMonth.Add(-cohortSpan + 1 + i)
		size := 20 + i%5
		mrr := transform.Money(int64(size) * 95_000)
		for k := 0; k <= fixMonth.Sub(co); k++ {
			active := size - (k*size)/(10+i%3)
			if active < 0 {
				active = 0
			}
			rows = append(rows, transform.CohortRow{
				Month: co.Add(k), Cohort: co, MonthsSince: k, Customers: size, CustomersActive: active,
				MRRCohort: mrr, MRRActive: transform.Money(int64(mrr) * int64(100+k*2-(k*k)/3) / 100 * int64(active) / int64(size)),
			})
		}
	}
	return rows
}

func fixMovementRows() []MovementRow {
	m := func(id, name, seg, reg, ind, ch string, co transform.Month, mv transform.Movement, s, e, fx transform.Money) MovementRow {
		return MovementRow{CustomerID: id, Name: name, Segment: seg, Region: reg, Industry: ind, AcquisitionChannel: ch,
			Cohort: co, Movement: mv, Start: s, End: e, Change: e - s, FX: fx}
	}
	return []MovementRow{
		m("C-0001", "Northwind Traders", "Enterprise", "EMEA", "Retail", "Outbound", fixMonth.Add(-30), transform.MoveExpansion, 1_250_000, 1_875_000, 1_200),
		m("C-0002", "=HYPERLINK(\"http://x.test\",\"click\")", "SMB", "NA", "Software", "Self-serve", fixMonth.Add(-4), transform.MoveChurn, 49_900, 0, 0),
		m("C-0003", "+Plus Holdings", "Mid-Market", "APAC", "Healthcare", "Partner", fixMonth, transform.MoveNew, 0, 320_000, 0),
		m("C-0004", "-Minus GmbH", "Mid-Market", "EMEA", "Software", "Partner", fixMonth.Add(-14), transform.MoveContraction, 410_000, 295_050, -3_100),
		m("C-0005", "@home Labs", "SMB", "", "Retail", "Self-serve", fixMonth.Add(-20), transform.MoveReactivation, 0, 19_900, 0),
		m("C-0006", "Ünïcödé & Söhne <AG>", "Enterprise", "EMEA", "Healthcare", "Outbound", fixMonth.Add(-9), transform.MoveFlat, 2_000_000, 2_000_000, 0),
		m("C-0007", "Contoso Ltd", "Enterprise", "NA", "Software", "Outbound", fixMonth.Add(-40), transform.MoveChurn, 3_150_000, 0, 0),
	}
}

func fixFinance() *FinanceData {
	trend := fixTrend()
	all, _ := monthRow(trend, fixMonth)
	prevAll, _ := monthRow(trend, fixMonth.Add(-1))
	rows := fixMovementRows()
	return &FinanceData{
		Meta:         fixMeta(),
		Trend:        trend,
		Members:      fixMembers(all),
		PrevMembers:  fixMembers(prevAll),
		Cohorts:      fixCohorts(),
		Movements:    seq(rows),
		TopMovements: []MovementRow{rows[6], rows[0], rows[3], rows[2], rows[1]},
		TopAtRisk:    fixAtRisk()[:3],
		AtRiskCounts: fixAtRiskCounts(fixAtRisk()[:3]),
	}
}

func seq[T any](rows []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func f64(v float64) *float64 { return &v }
func intp(v int) *int        { return &v }
func bp(v bool) *bool        { return &v }

// fixAtRiskCounts counts rows as report_at_risk_counts does.
func fixAtRiskCounts(rows []AtRiskRow) AtRiskCounts {
	var n AtRiskCounts
	for _, a := range rows {
		n.Accounts++
		for _, s := range a.Signals {
			if s.Severity == "critical" {
				n.Critical++
				break
			}
		}
	}
	return n
}

func fixAtRisk() []AtRiskRow {
	return []AtRiskRow{
		{CustomerID: "C-0412", Name: "Globex Corporation", Owner: "Dana Whitfield", Segment: "Enterprise", Band: "red", Score: 18.5, PrevScore: f64(61.0), MRR: 4_250_000,
			Signals: []Signal{
				{Signal: "contract_request", Severity: "critical", Evidence: "Ticket T-88231 on 2026-09-14: \"Could you send us a copy of our contract and the notice period?\""},
				{Signal: "detractor", Severity: "warning", Evidence: "NPS 2 on 2026-09-16: \"Support takes days to answer.\""},
				{Signal: "usage_drop", Severity: "warning", Evidence: "Events in September 41% below the July–August mean."},
			}},
		{CustomerID: "C-0077", Name: "Initech", Owner: "Sam Okafor", Segment: "Mid-Market", Band: "red", Score: 33.0, PrevScore: f64(38.5), MRR: 870_000,
			Signals: []Signal{
				{Signal: "payment_failed", Severity: "warning", Evidence: "Invoice INV-2026-0912 failed 3 times."},
				{Signal: "mrr_contraction", Severity: "info", Evidence: "MRR down from $9,900.00 to $8,700.00."},
			}},
		{CustomerID: "C-0930", Name: "=cmd|' /C calc'!A0", Owner: "", Segment: "SMB", Band: "yellow", Score: 44.0, MRR: 39_900,
			Signals: []Signal{{Signal: "score_drop", Severity: "warning", Evidence: "CSAT 2 after 5 in August."}}},
		{CustomerID: "C-0151", Name: "Umbrella Health", Owner: "Dana Whitfield", Segment: "Enterprise", Band: "yellow", Score: 52.5, PrevScore: f64(71.0), MRR: 2_990_000,
			Signals: []Signal{{Signal: "detractor", Severity: "warning", Evidence: "NPS 5 on 2026-09-03."}}},
		{CustomerID: "C-0288", Name: "Stark Logistics", Owner: "Lee Park", Segment: "Mid-Market", Band: "yellow", Score: 66.0, PrevScore: f64(64.0), MRR: 512_000},
	}
}

func fixSurveys() []SurveyRow {
	var rows []SurveyRow
	for i := range 12 {
		m := fixMonth.Add(-11 + i)
		nps := 31.0 + float64(i)*0.9 + float64(i%3)
		csat := 82.0 + float64(i%4)*1.1
		ces := 3.55 + float64(i%5)*0.05
		mk := func(t string, score, se float64, n int, pos, neu, neg int) SurveyRow {
			return SurveyRow{Month: m, SurveyType: t, Dimension: "all", Member: "all", Responses: n, Skipped: n / 20,
				Positive: pos, Neutral: neu, Negative: neg, Score: f64(score), StdError: f64(se), CILow: f64(score - 1.96*se), CIHigh: f64(score + 1.96*se)}
		}
		rows = append(rows,
			mk("nps", nps, 4.1, 400+i*7, 200, 120, 80+i),
			mk("csat", csat, 1.6, 620+i*3, 510, 60, 50),
			mk("ces", ces, 0.05, 310, 180, 80, 50))
	}
	// Month-over-month fields for the current month's rows.
	for j := range rows {
		r := &rows[j]
		if r.Month != fixMonth {
			continue
		}
		prev, _ := surveyAll(rows, r.SurveyType, fixMonth.Add(-1))
		r.PrevResponses, r.PrevScore = intp(prev.Responses), prev.Score
		r.Delta = f64(*r.Score - *prev.Score)
		switch r.SurveyType {
		case "nps":
			r.PValue, r.Significant = f64(0.012), bp(true)
		case "csat":
			r.PValue, r.Significant = f64(0.31), bp(false)
		default:
			r.PValue, r.Significant = f64(0.044), bp(true)
		}
	}
	cur := func(t, dim, mem string, n int, score *float64, prev *float64, p *float64, sig *bool, low bool) SurveyRow {
		r := SurveyRow{Month: fixMonth, SurveyType: t, Dimension: dim, Member: mem, Responses: n, Skipped: 1,
			Positive: n / 2, Neutral: n / 4, Negative: n - n/2 - n/4, Score: score, PrevScore: prev, PValue: p, Significant: sig, LowSample: low}
		if score != nil {
			se := map[string]float64{"nps": 6.0, "csat": 2.5, "ces": 0.11}[t]
			r.StdError = f64(se)
			r.CILow, r.CIHigh = f64(*score-1.96*se), f64(*score+1.96*se)
			if prev != nil {
				r.Delta = f64(*score - *prev)
				r.PrevResponses = intp(n)
			}
		}
		return r
	}
	rows = append(rows,
		cur("nps", "segment", "Enterprise", 140, f64(48.6), f64(35.0), f64(0.021), bp(true), false),
		cur("nps", "segment", "SMB", 22, f64(12.0), f64(20.0), nil, nil, true),
		cur("nps", "segment", "Mid-Market", 3, nil, f64(25.0), nil, nil, true),
		cur("nps", "region", "EMEA", 180, f64(30.5), f64(41.2), f64(0.008), bp(true), false),
		cur("nps", "touchpoint", "support", 95, f64(22.1), nil, nil, nil, false),
		cur("csat", "touchpoint", "onboarding", 60, f64(91.7), f64(90.0), f64(0.6), bp(false), false),
		cur("ces", "touchpoint", "billing", 41, f64(3.12), f64(3.4), f64(0.09), bp(false), false),
	)
	return rows
}

func fixHealth() []HealthMonth {
	var rows []HealthMonth
	for i := range 12 {
		rows = append(rows, HealthMonth{Month: fixMonth.Add(-11 + i), Red: 6 + i%4, Yellow: 20 + i%6, Green: 760 + i*4,
			RedMRR: transform.Money(int64(6+i%4) * 410_000), YellowMRR: transform.Money(int64(20+i%6) * 180_000), GreenMRR: transform.Money(int64(760+i*4) * 120_000)})
	}
	return rows
}

func fixCampaigns() []LiftRow {
	return []LiftRow{
		{CampaignID: "CMP-7", CampaignName: "Win-back email, Q3", Metric: "purchase_rate", Kind: "proportion", NControl: 1_980, NTreatment: 2_020,
			ControlMean: f64(0.081), TreatmentMean: f64(0.104), AbsLift: f64(0.023), AbsCILow: f64(0.0055), AbsCIHigh: f64(0.0405), AbsPValue: f64(0.0098),
			RelLift: f64(0.284), RelCILow: f64(0.061), RelCIHigh: f64(0.507), RelPValue: f64(0.012), SRMPValue: f64(0.52)},
		{CampaignID: "CMP-7", CampaignName: "Win-back email, Q3", Metric: "purchase_per_member", Kind: "mean", NControl: 1_980, NTreatment: 2_020,
			ControlMean: f64(12.40), TreatmentMean: f64(13.10), AbsLift: f64(0.70), AbsCILow: f64(-0.9), AbsCIHigh: f64(2.3), AbsPValue: f64(0.39),
			RelLift: f64(0.056), RelCILow: f64(-0.07), RelCIHigh: f64(0.18), RelPValue: f64(0.40), SRMPValue: f64(0.52)},
		{CampaignID: "CMP-9", CampaignName: "In-app upgrade nudge", Metric: "upgrade_rate", Kind: "proportion", NControl: 700, NTreatment: 1_300,
			ControlMean: f64(0.040), TreatmentMean: f64(0.031), AbsLift: f64(-0.009), AbsCILow: f64(-0.027), AbsCIHigh: f64(0.009), AbsPValue: f64(0.33),
			RelLift: f64(-0.225), RelCILow: f64(-0.61), RelCIHigh: f64(0.16), RelPValue: f64(0.35), SRMPValue: f64(0.00002)},
		{CampaignID: "CMP-9", CampaignName: "In-app upgrade nudge", Metric: "retained", Kind: "proportion", NControl: 700, NTreatment: 1_300,
			ControlMean: f64(0), TreatmentMean: f64(0), Reason: "zero control mean: no relative lift", SRMPValue: f64(0.00002)},
	}
}

func fixVerbatims() []Verbatim {
	at := func(d, h int) time.Time { return time.Date(2026, 9, d, h, 30, 0, 0, time.UTC) }
	return []Verbatim{
		{RespondedAt: at(16, 8), CustomerID: "C-0412", Name: "Globex Corporation", Segment: "Enterprise", SurveyType: "nps", Score: 2, Touchpoint: "support",
			Comment: "Support takes days to answer and the last two releases broke our SSO. We are evaluating alternatives."},
		{RespondedAt: at(3, 22), CustomerID: "C-0151", Name: "Umbrella Health", Segment: "Enterprise", SurveyType: "nps", Score: 5, Touchpoint: "product",
			Comment: "=1+2 reports are slow"},
		{RespondedAt: at(30, 19), CustomerID: "C-0930", Name: "=cmd|' /C calc'!A0", Segment: "SMB", SurveyType: "nps", Score: 0, Touchpoint: "billing",
			Comment: "@here billing charged us twice"},
		{RespondedAt: at(9, 12), CustomerID: "C-0288", Name: "Stark Logistics", Segment: "Mid-Market", SurveyType: "nps", Score: 6, Touchpoint: "onboarding",
			Comment: "-- onboarding was fine, docs are thin"},
		{RespondedAt: at(21, 7), CustomerID: "C-0077", Name: "Initech", Segment: "Mid-Market", SurveyType: "nps", Score: 4, Touchpoint: "support",
			Comment: "+1 to what everyone says: too many outages this month."},
	}
}

func fixCX() *CXData {
	vs := fixVerbatims()
	return &CXData{
		Meta:         fixMeta(),
		Surveys:      fixSurveys(),
		Health:       fixHealth(),
		AtRisk:       seq(fixAtRisk()),
		TopAtRisk:    fixAtRisk()[:5],
		AtRiskCounts: fixAtRiskCounts(fixAtRisk()),
		Campaigns:    fixCampaigns(),
		Verbatims:    []Verbatim{vs[2], vs[0], vs[4], vs[1], vs[3]},
	}
}

// emptyMeta is a month with nothing computed.
func emptyFinance() *FinanceData { return &FinanceData{Meta: fixMeta()} }
func emptyCX() *CXData           { return &CXData{Meta: fixMeta()} }
