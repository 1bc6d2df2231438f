package seed

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/signalsdev/signals/transform"
)

// emitFunc writes one row; the values are in the table's column order, nil
// for null.
type emitFunc func(vals ...any) error

// null returns nil for "" (a SQL null) and s otherwise.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullTime returns nil for the zero time or a time at or after the end of
// the data, and t otherwise.
func (g *generator) nullTime(t time.Time) any {
	if t.IsZero() || !t.Before(g.end) {
		return nil
	}
	return t
}

func subID(c *customer, x *sub) string { return fmt.Sprintf("SUB-%s-%02d", c.num, x.seq) }

// fxRows writes EUR and GBP rates for every month from the month before the
// earliest possible subscription to Until.
func (g *generator) fxRows(emit emitFunc) error {
	for i, cur := range fxCurrencies {
		for m := g.fx.first; m <= g.until; m++ {
			v := g.fx.rates[i][m.Sub(g.fx.first)]
			if err := emit(cur, m.Date().Format(time.DateOnly), rateText(v)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *generator) campaignRows(emit emitFunc) error {
	for _, cp := range g.camps {
		var end any = cp.end
		if cp.open {
			end = nil
		}
		if err := emit(cp.id, cp.name, cp.channel, cp.start, end, int64(cp.windowDays),
			fmt.Sprintf("%.4f", cp.controlShare)); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) customerRows(c *customer, _ *history, emit emitFunc) error {
	return emit(c.id, c.name, g.segs[c.seg].name, null(c.regionName()), null(c.industry),
		null(c.channel), null(c.owner), c.created)
}

func (g *generator) subscriptionRows(c *customer, h *history, emit emitFunc) error {
	for i := range h.subs {
		x := &h.subs[i]
		if !x.start.Before(g.end) {
			continue
		}
		if err := emit(subID(c, x), c.id, x.plan, c.currency, int64(x.interval), cents(x.amount),
			x.trial, x.start, g.nullTime(x.end)); err != nil {
			return err
		}
	}
	return nil
}

// invoiceRows writes one invoice per billing period of every paid plan, an
// onboarding fee for some Enterprise customers, and now and then a voided
// duplicate. Payments fail more often in the months before a churn.
func (g *generator) invoiceRows(c *customer, h *history, emit emitFunc) error {
	r := newRand(g.o.Seed, c.idx, streamInvoices)
	n := 0
	write := func(subID any, amount int64, status string, issued, due time.Time, paid any, attempts int) error {
		n++
		return emit(fmt.Sprintf("INV-%s-%04d", c.num, n), c.id, subID, c.currency, cents(amount),
			status, issued, due, paid, int64(attempts))
	}
	terms := 0
	if !c.card {
		terms = 30
		if c.seg == enterprise {
			terms = 45
		}
	}
	onboarding := c.seg == enterprise && r.Float64() < 0.3
	for i := range h.subs {
		x := &h.subs[i]
		if x.trial || x.free || x.amount == 0 || !x.start.Before(g.end) {
			continue
		}
		if onboarding && !x.addon {
			onboarding = false
			fee := int64(2500+500*r.IntN(16)) * 100
			paid := x.start.Add(days(5 + 25*r.Float64()))
			status, p := "paid", any(paid)
			if !paid.Before(g.end) {
				status, p = "open", nil
			}
			if err := write(nil, fee, status, x.start, x.start.AddDate(0, 0, 30), p, 0); err != nil {
				return err
			}
		}
		sid := subID(c, x)
		for k := 0; ; k++ {
			ps := addMonths(x.start, k*x.interval, g.loc)
			if !ps.Before(g.end) || (!x.end.IsZero() && !ps.Before(x.end)) {
				break
			}
			next := addMonths(x.start, (k+1)*x.interval, g.loc)
			last := !x.end.IsZero() && !next.Before(x.end)
			due := ps.AddDate(0, 0, terms)
			if r.Float64() < 0.003 {
				if err := write(sid, x.amount, "void", ps, due, nil, 0); err != nil {
					return err
				}
			}
			if x.dunning && last {
				status, attempts := "uncollectible", 3
				if !x.end.Before(g.end) {
					status, attempts = "open", 1+r.IntN(2)
				}
				if err := write(sid, x.amount, status, ps, due, nil, attempts); err != nil {
					return err
				}
				continue
			}
			pFail := 0.012
			if h.daysToChurn(ps) < 120 {
				pFail = 0.15
			}
			attempts := 0
			var paid time.Time
			switch {
			case r.Float64() < pFail:
				attempts = 1 + r.IntN(3)
				paid = ps.Add(days(float64(2+3*attempts) + 3*r.Float64()))
			case c.card:
				paid = ps.Add(time.Duration(5+r.IntN(900)) * time.Second)
			default:
				paid = ps.Add(days(20 * math.Exp(0.5*r.NormFloat64())))
			}
			status, p := "paid", any(paid)
			if !paid.Before(g.end) {
				status, p = "open", nil
			}
			if err := write(sid, x.amount, status, ps, due, p, attempts); err != nil {
				return err
			}
		}
	}
	return nil
}

// overlap returns the parts of month [ms, me) in which the customer had a
// subscription, and their total length.
func (h *history) overlap(ms, me time.Time, buf []span) ([]span, time.Duration) {
	buf = buf[:0]
	var total time.Duration
	for _, sp := range h.spans {
		a, b := maxTime(sp.a, ms), minTime(sp.b, me)
		if a.Before(b) {
			buf = append(buf, span{a, b})
			total += b.Sub(a)
		}
	}
	return buf, total
}

// within picks a realistic instant inside the spans, weighted by length.
func (g *generator) within(r *rand.Rand, ov []span, total time.Duration) time.Time {
	u := time.Duration(r.Float64() * float64(total))
	for i, sp := range ov {
		d := sp.b.Sub(sp.a)
		if u < d || i == len(ov)-1 {
			return g.at(r, sp.a, sp.b)
		}
		u -= d
	}
	return ov[0].a
}

type response struct {
	kind       int // 0 nps, 1 csat, 2 ces
	score      any
	touchpoint any
	comment    any
	at         time.Time
}

var surveyTypes = [3]string{"nps", "csat", "ces"}

// sentiment is the shift of a customer's answers at t on the NPS scale: a
// slow trend over the window, a seasonal wiggle, the segment's bad month,
// and the gloom of a customer who is about to leave.
func (g *generator) sentiment(c *customer, h *history, m transform.Month, t time.Time) float64 {
	pos := 0.5
	if g.o.Months > 1 {
		pos = float64(m.Sub(g.first)) / float64(g.o.Months-1)
	}
	x := 0.6*(pos-0.5) + 0.2*math.Sin(2*math.Pi*float64(m)/12)
	if m == g.dips[c.seg] {
		x -= 1.1
	}
	switch d := h.daysToChurn(t); {
	case d < 30:
		x -= 2.8
	case d < 90:
		x -= 1.8
	case d < 180:
		x -= 0.7
	}
	return x
}

// responseRows writes the customer's survey answers: a few per year while it
// has a subscription, NPS, CSAT and CES, with skips, rare out-of-range
// scores and comments that match the score.
func (g *generator) responseRows(c *customer, h *history, emit emitFunc) error {
	r := newRand(g.o.Seed, c.idx, streamSurveys)
	var ov []span
	var month []response
	n := 0
	rates := [3]float64{0.12, 0.14, 0.07}
	for m := g.first; m <= g.until; m++ {
		var total time.Duration
		ms, me := m.Start(g.loc), m.End(g.loc)
		ov, total = h.overlap(ms, me, ov)
		if total == 0 {
			continue
		}
		frac := float64(total) / float64(me.Sub(ms))
		month = month[:0]
		for kind, rate := range rates {
			for range poisson(r, rate*frac) {
				t := g.within(r, ov, total)
				month = append(month, g.response(r, c, h, m, t, kind))
			}
		}
		slices.SortStableFunc(month, func(a, b response) int { return a.at.Compare(b.at) })
		for _, x := range month {
			n++
			if err := emit(fmt.Sprintf("RSP-%s-%03d", c.num, n), c.id, surveyTypes[x.kind],
				x.score, x.touchpoint, x.comment, x.at); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *generator) response(r *rand.Rand, c *customer, h *history, m transform.Month, t time.Time, kind int) response {
	x := response{kind: kind, at: t}
	shift := g.sentiment(c, h, m, t)
	var score int
	var class int // 0 negative, 1 neutral, 2 positive
	switch kind {
	case 0:
		mu := 7.8 + g.segs[c.seg].npsShift + 1.1*c.health + shift
		score = int(clamp(math.Round(mu+1.8*r.NormFloat64()), 0, 10))
		class = 0
		if score >= 9 {
			class = 2
		} else if score >= 7 {
			class = 1
		}
	case 1:
		mu := 3.95 + 0.4*c.health + 0.35*shift
		score = int(clamp(math.Round(mu+0.85*r.NormFloat64()), 1, 5))
		class = min(2, max(0, score-2))
		if score == 2 {
			class = 0
		}
	default:
		mu := 3.5 + 0.45*c.health + 0.35*shift
		score = int(clamp(math.Round(mu+0.9*r.NormFloat64()), 0, 5))
		class = 0
		if score >= 4 {
			class = 2
		} else if score == 3 {
			class = 1
		}
	}
	x.score = int64(score)
	switch u := r.Float64(); {
	case u < 0.03:
		x.score = nil
	case u < 0.0315:
		x.score = [3][2]int64{{11, -1}, {0, 6}, {6, -1}}[kind][r.IntN(2)]
	}
	// Touchpoints: onboarding in the first two months, else by survey.
	tps := [3][]float64{{0.1, 0.05, 0.75, 0.1}, {0.55, 0.15, 0.10, 0.20}, {0.45, 0.25, 0, 0.30}}
	tp := [4]string{"support", "onboarding", "product", "billing"}[pick(r, tps[kind])]
	if t.Sub(c.created) < days(60) && r.Float64() < 0.6 {
		tp = "onboarding"
	}
	x.touchpoint = tp
	if r.Float64() < 0.005 {
		x.touchpoint = nil
	}
	if x.score != nil && r.Float64() < [3]float64{0.55, 0.3, 0.45}[class] {
		var tpl string
		switch class {
		case 0:
			tpl = detractorComments[r.IntN(len(detractorComments))]
		case 1:
			tpl = passiveComments[r.IntN(len(passiveComments))]
		default:
			tpl = promoterComments[r.IntN(len(promoterComments))]
		}
		x.comment = strings.Replace(tpl, "%s", features[r.IntN(len(features))], 1)
	}
	return x
}

type ticket struct {
	opened        time.Time
	closed        any
	priority      string
	category      string
	subject, body string
}

// ticketRows writes the customer's support tickets: a steady trickle by
// segment that doubles in the months before a churn, plus the critical ones
// (contract copies, cancellation intent) from some customers about to leave,
// and harmless ones that merely mention a cancelled meeting.
func (g *generator) ticketRows(c *customer, h *history, emit emitFunc) error {
	r := newRand(g.o.Seed, c.idx, streamTickets)
	var ov []span
	var ts []ticket
	add := func(t time.Time, cat, prio string, tpl ticketTemplate) {
		feat := features[r.IntN(len(features))]
		tk := ticket{opened: t, priority: prio, category: cat,
			subject: strings.Replace(tpl.subject, "%s", feat, 1), body: strings.Replace(tpl.body, "%s", feat, 1)}
		median := 60.0 // hours to close
		switch prio {
		case "urgent":
			median = 4
		case "high":
			median = 12
		case "normal":
			median = 30
		}
		closed := t.Add(time.Duration(median * math.Exp(0.8*r.NormFloat64()) * float64(time.Hour)))
		if r.Float64() >= 0.03 && closed.Before(g.end) {
			tk.closed = closed
		}
		ts = append(ts, tk)
	}
	prio := func(atRisk bool) string {
		w := []float64{0.25, 0.50, 0.20, 0.05}
		if c.seg == enterprise || atRisk {
			w = []float64{0.15, 0.45, 0.30, 0.10}
		}
		return [4]string{"low", "normal", "high", "urgent"}[pick(r, w)]
	}
	for m := g.first; m <= g.until; m++ {
		var total time.Duration
		ms, me := m.Start(g.loc), m.End(g.loc)
		ov, total = h.overlap(ms, me, ov)
		if total == 0 {
			continue
		}
		frac := float64(total) / float64(me.Sub(ms))
		atRisk := h.daysToChurn(ms.Add(me.Sub(ms)/2)) < 90
		lambda := g.segs[c.seg].tickets * frac
		w := []float64{0.22, 0.30, 0.33, 0.15}
		if atRisk {
			lambda *= 2
			w = []float64{0.35, 0.35, 0.15, 0.15}
		}
		for range poisson(r, lambda) {
			cat := pick(r, w)
			tpls := ticketTemplates[cat]
			add(g.within(r, ov, total), ticketCategories[cat], prio(atRisk), tpls[r.IntN(len(tpls))])
		}
		if r.Float64() < 0.004 {
			add(g.within(r, ov, total), "account", "low", benignTickets[r.IntN(len(benignTickets))])
		}
		if c.seg == enterprise && r.Float64() < 0.0015 { // procurement asking, no churn behind it
			add(g.within(r, ov, total), "account", "normal", contractTickets[r.IntN(len(contractTickets))])
		}
	}
	recent := g.until.Add(-5).Start(g.loc)
	lo := maxTime(g.start, c.created)
	for _, tc := range h.churns {
		u, v := r.Float64(), r.Float64()
		if tc.Before(recent) {
			continue
		}
		if u < 0.10 {
			t := tc.Add(-days(20 + 55*r.Float64()))
			if !t.Before(lo) && t.Before(g.end) {
				add(t, "account", prio(true), contractTickets[r.IntN(len(contractTickets))])
			}
		}
		if v < 0.08 {
			t := tc.Add(-days(3 + 27*r.Float64()))
			if !t.Before(lo) && t.Before(g.end) {
				add(t, [2]string{"billing", "account"}[r.IntN(2)], prio(true), cancelTickets[r.IntN(len(cancelTickets))])
			}
		}
	}
	slices.SortStableFunc(ts, func(a, b ticket) int { return a.opened.Compare(b.opened) })
	for i, tk := range ts {
		if err := emit(fmt.Sprintf("TKT-%s-%03d", c.num, i+1), c.id, tk.opened, tk.closed,
			tk.priority, tk.category, tk.subject, tk.body); err != nil {
			return err
		}
	}
	return nil
}

// usageRows writes one row per day of the last four months of the window on
// which the customer had a subscription. Activity scales with the segment
// and the customer's health, dips on weekends and on one outage day, and
// fades over the 75 days before a churn.
func (g *generator) usageRows(c *customer, h *history, emit emitFunc) error {
	if len(h.spans) == 0 || !h.spans[len(h.spans)-1].b.After(g.usageFrom) {
		return nil
	}
	r := newRand(g.o.Seed, c.idx, streamUsage)
	base := g.segs[c.seg].users * math.Exp(0.5*r.NormFloat64()+0.15*c.health)
	perUser := 30 * math.Exp(0.4*r.NormFloat64())
	cid := any(c.id) // boxed once for all the rows
	si := 0
	for di := range g.days {
		d := &g.days[di]
		for si < len(h.spans) && !h.spans[si].b.After(d.start) {
			si++
		}
		if si == len(h.spans) {
			break
		}
		if !h.spans[si].a.Before(d.end) {
			continue
		}
		f := 1.0
		if d.weekend {
			f = 0.18
		}
		if dtc := h.daysToChurn(d.start); dtc < 75 {
			f *= 0.25 + 0.75*dtc/75
		}
		users := math.Round(base * f * (0.85 + 0.3*r.Float64()))
		events := math.Round(users * perUser * (0.8 + 0.4*r.Float64()))
		if di == g.outage {
			events = math.Round(events * 0.45)
		}
		if err := emit(cid, d.date, int64(users), int64(events)); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) memberRows(c *customer, h *history, emit emitFunc) error {
	for _, mb := range h.members {
		if !mb.at.Before(g.end) {
			continue
		}
		arm := "treatment"
		if mb.control {
			arm = "control"
		}
		if err := emit(g.camps[mb.camp].id, c.id, arm, mb.at); err != nil {
			return err
		}
	}
	return nil
}

type campaignEvent struct {
	name  string
	value int64
	at    time.Time
}

// eventRows writes each member's tracked events: visits (far more often in
// the treatment arm), and the purchases and upgrades the simulation decided,
// for a while after the outcome window too, so that the job must cut them.
func (g *generator) eventRows(c *customer, h *history, emit emitFunc) error {
	if len(h.members) == 0 {
		return nil
	}
	r := newRand(g.o.Seed, c.idx, streamCampaigns)
	var evs []campaignEvent
	for _, mb := range h.members {
		if !mb.at.Before(g.end) {
			continue
		}
		cp := &g.camps[mb.camp]
		arm := 1
		if mb.control {
			arm = 0
		}
		w := float64(cp.windowDays)
		stop := mb.at.Add(days(w + 15))
		evs = evs[:0]
		if r.Float64() < cp.visitP[arm] {
			for range 1 + poisson(r, 0.5) {
				t := mb.at.Add(days(math.Min(r.ExpFloat64()*w/4, w+14)))
				evs = append(evs, campaignEvent{"visit", 0, t})
			}
		}
		if r.Float64() < 0.05 { // a visit before the assignment: not an outcome
			evs = append(evs, campaignEvent{"visit", 0, mb.at.Add(-days(1 + 9*r.Float64()))})
		}
		for _, mo := range h.moments {
			if mo.at.Before(mb.at) || !mo.at.Before(stop) {
				continue
			}
			name := "purchase"
			if mo.kind == momentUpgrade {
				name = "upgrade"
			}
			evs = append(evs, campaignEvent{name, mo.value, mo.at})
		}
		slices.SortStableFunc(evs, func(a, b campaignEvent) int {
			return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.name, b.name))
		})
		for _, e := range evs {
			if !e.at.Before(g.end) {
				continue
			}
			if err := emit(cp.id, c.id, e.name, cents(e.value), e.at); err != nil {
				return err
			}
		}
	}
	return nil
}
