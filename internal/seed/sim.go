package seed

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/signalsdev/signals/transform"
)

// sub is one billing.subscriptions row.
type sub struct {
	seq      int // 1-based, per customer
	plan     string
	interval int
	amount   int64 // cents per interval, in the customer's currency
	trial    bool
	free     bool
	addon    bool
	start    time.Time
	end      time.Time // zero: still running at the horizon
	dunning  bool      // ended by failed payments: the last period went unpaid
}

// momentKind is what a customer bought, for campaign events.
type momentKind int

const (
	momentPurchase momentKind = iota // a new paid plan or an add-on
	momentUpgrade                    // a move to a higher-priced plan
)

// moment is a purchase or an upgrade with its value in USD cents (the first
// period's price for a purchase, the MRR increase for an upgrade).
type moment struct {
	at    time.Time
	kind  momentKind
	value int64
}

// membership is one crm.campaign_members row.
type membership struct {
	camp    int // index in generator.camps
	control bool
	at      time.Time
}

// span is a half-open interval of time.
type span struct{ a, b time.Time }

// history is everything the subscription simulation decided about one
// customer, up to the horizon past the end of the data.
type history struct {
	subs    []sub
	churns  []time.Time // instants the customer lost all its paid plans
	members []membership
	moments []moment
	spans   []span // merged: when the customer had any subscription, trials and free plans included
}

func (h *history) reset() {
	h.subs, h.churns, h.members, h.moments, h.spans = h.subs[:0], h.churns[:0], h.members[:0], h.moments[:0], h.spans[:0]
}

// nextChurn returns the first churn at or after t, and false when there is
// none before the horizon.
func (h *history) nextChurn(t time.Time) (time.Time, bool) {
	for _, c := range h.churns {
		if !c.Before(t) {
			return c, true
		}
	}
	return time.Time{}, false
}

// daysToChurn is the number of days from t to the next churn, or +Inf.
func (h *history) daysToChurn(t time.Time) float64 {
	c, ok := h.nextChurn(t)
	if !ok {
		return math.Inf(1)
	}
	return c.Sub(t).Hours() / 24
}

type evKind int

// Event kinds, in the order they are processed when they share an instant.
const (
	evStart evKind = iota
	evTrialEnd
	evRenewal
	evDunningEnd
	evCancelNow
	evUpgrade
	evAddonStart
	evAddonEnd
	evReactivate
	evFreeConvert
	evFreeEnd
	evAssign
)

type simEvent struct {
	at   time.Time
	kind evKind
	ref  int // the subscription (index) or campaign the event is about
}

func (e simEvent) before(o simEvent) bool {
	if !e.at.Equal(o.at) {
		return e.at.Before(o.at)
	}
	if e.kind != o.kind {
		return e.kind < o.kind
	}
	return e.ref < o.ref
}

// sim is the state of one customer's simulation.
type sim struct {
	g        *generator
	c        *customer
	seg      *segment
	r        *rand.Rand
	h        *history
	main     int // index in h.subs of the current trial, free or paid plan; -1 none
	addon    int // index of the running add-on; -1 none
	paid     bool
	everPaid bool
	trialed  bool // had a trial that did not convert
	dunning  bool
	tier     int
	mult     float64 // seats: multiplier of the tier price
	interval int
	paidAt   time.Time // start of the current paid run
	churned  time.Time
	calm     time.Time // a CSM call lowers the churn hazard until then
	pending  []simEvent
}

// simulate runs customer c's subscription timeline from its creation to the
// horizon, month by month, into h. Every draw comes from c's sim stream.
func (g *generator) simulate(c *customer, h *history) {
	h.reset()
	s := sim{g: g, c: c, seg: &g.segs[c.seg], r: newRand(g.o.Seed, c.idx, streamSim), h: h,
		main: -1, addon: -1, mult: 1}
	s.pending = make([]simEvent, 0, 8)
	// Campaign assignment instants are drawn first, whatever happens later.
	for i, cp := range g.camps {
		t := cp.start.Add(time.Duration(s.r.Int64N(int64(cp.end.Sub(cp.start)/time.Second))) * time.Second)
		s.pending = append(s.pending, simEvent{at: t, kind: evAssign, ref: i})
	}
	// The first plan starts within days of sign-up; half of Enterprise
	// contracts start at local midnight on the 1st of the next month.
	var st time.Time
	if c.seg == enterprise && s.r.Float64() < 0.5 {
		st = g.month(c.created).Add(1).Start(g.loc)
	} else {
		st = c.created.Add(time.Duration(s.r.Int64N(3*24*3600)) * time.Second)
	}
	s.pending = append(s.pending, simEvent{at: st, kind: evStart})
	last := g.until.Add(futureMonths)
	for m := g.month(c.created); m <= last; m++ {
		s.month(m)
	}
	for i := range h.subs {
		if !h.subs[i].end.IsZero() && !h.subs[i].end.Before(g.horizon) {
			h.subs[i].end = time.Time{}
		}
	}
	s.spans()
}

// month draws the month's spontaneous events and processes every event
// that falls in it, in time order.
func (s *sim) month(m transform.Month) {
	g, r := s.g, s.r
	ms, me := m.Start(g.loc), m.End(g.loc)
	after := func(t time.Time) (time.Time, bool) { // a random instant in the month after t
		a := maxTime(ms, t.Add(time.Hour))
		if !a.Before(me) {
			return time.Time{}, false
		}
		return g.at(r, a, me), true
	}
	switch {
	case s.paid:
		cur := &s.h.subs[s.main]
		if k := m.Sub(g.month(cur.start)); k > 0 && k%cur.interval == 0 {
			s.pending = append(s.pending, simEvent{at: addMonths(cur.start, k, g.loc), kind: evRenewal, ref: s.main})
		}
		if r.Float64() < s.seg.upP*math.Exp(0.3*s.c.health) {
			if t, ok := after(cur.start); ok {
				s.pending = append(s.pending, simEvent{at: t, kind: evUpgrade})
			}
		}
		if r.Float64() < s.hazard(ms)*0.08 {
			if t, ok := after(cur.start); ok {
				s.pending = append(s.pending, simEvent{at: t, kind: evCancelNow, ref: s.main})
			}
		}
		if s.addon < 0 && r.Float64() < s.seg.addonP {
			if t, ok := after(cur.start); ok {
				s.pending = append(s.pending, simEvent{at: t, kind: evAddonStart})
			}
		}
		if s.addon >= 0 && r.Float64() < 0.03 {
			if t, ok := after(s.h.subs[s.addon].start); ok {
				s.pending = append(s.pending, simEvent{at: t, kind: evAddonEnd, ref: s.addon})
			}
		}
	case s.main >= 0 && s.h.subs[s.main].free:
		cur := &s.h.subs[s.main]
		if u := r.Float64(); u < 0.03 {
			if t, ok := after(cur.start); ok {
				s.pending = append(s.pending, simEvent{at: t, kind: evFreeConvert, ref: s.main})
			}
		} else if u < 0.045 {
			if t, ok := after(cur.start); ok {
				s.pending = append(s.pending, simEvent{at: t, kind: evFreeEnd, ref: s.main})
			}
		}
	case s.main < 0 && s.everPaid:
		p := 0.006
		if ms.Sub(s.churned) < days(365) {
			p = 0.02
		}
		if r.Float64() < p {
			if t, ok := after(s.churned); ok {
				s.pending = append(s.pending, simEvent{at: t, kind: evReactivate})
			}
		}
	case s.main < 0 && s.trialed:
		if ms.Sub(s.c.created) < days(180) && r.Float64() < 0.015 {
			if t, ok := after(s.c.created); ok {
				s.pending = append(s.pending, simEvent{at: t, kind: evReactivate})
			}
		}
	}
	for {
		i := -1
		for j, e := range s.pending {
			if e.at.Before(me) && (i < 0 || e.before(s.pending[i])) {
				i = j
			}
		}
		if i < 0 {
			return
		}
		e := s.pending[i]
		s.pending = append(s.pending[:i], s.pending[i+1:]...)
		s.handle(e)
	}
}

// hazard is the monthly churn probability at t.
func (s *sim) hazard(t time.Time) float64 {
	h := s.seg.hazard * math.Exp(-0.45*s.c.health)
	if t.Sub(s.paidAt) < days(90) {
		h *= 1.4
	}
	if t.Before(s.calm) {
		h *= 0.5
	}
	return h
}

func (s *sim) schedule(at time.Time, k evKind, ref int) {
	s.pending = append(s.pending, simEvent{at: at, kind: k, ref: ref})
}

func (s *sim) handle(e simEvent) {
	g, r, c := s.g, s.r, s.c
	switch e.kind {
	case evStart:
		switch u := r.Float64(); {
		case u < s.seg.freeP:
			s.begin(e.at, sub{plan: "Free", interval: 1, free: true})
		case u < s.seg.freeP+(1-s.seg.freeP)*s.seg.trialP:
			s.tier = pick(r, s.seg.tierW)
			n := 14 + r.IntN(17)
			if r.Float64() < 0.5 {
				n = 14
			}
			s.begin(e.at, sub{plan: s.seg.tiers[s.tier] + " Trial", interval: 1, trial: true,
				amount: s.price(s.tier, 1)})
			s.schedule(e.at.AddDate(0, 0, n), evTrialEnd, s.main)
		default:
			s.startPaid(e.at, pick(r, s.seg.tierW), s.pickInterval())
		}
	case evTrialEnd:
		if s.main != e.ref {
			return
		}
		s.finish(e.at)
		if r.Float64() < s.seg.convP {
			s.startPaid(e.at, s.tier, s.pickInterval())
		} else {
			s.trialed = true
		}
	case evRenewal:
		if !s.paid || s.main != e.ref || s.dunning {
			return
		}
		cur := &s.h.subs[s.main]
		h := s.hazard(e.at)
		p := 1 - math.Pow(1-h, float64(cur.interval))
		if cur.interval >= 12 {
			p *= 0.8
		}
		invol := 0.25
		if !c.card {
			invol = 0.08
		}
		switch u := r.Float64(); {
		case u < p*(1-invol):
			s.churn(e.at)
		case u < p:
			cur.dunning, s.dunning = true, true
			s.schedule(e.at.Add(days(14+float64(r.IntN(8)))), evDunningEnd, s.main)
		case r.Float64() < s.seg.downP*float64(cur.interval)*math.Exp(-0.3*c.health):
			if s.tier > 0 && r.Float64() < 0.6 {
				s.tier--
			} else {
				s.mult = math.Max(0.6, math.Round(s.mult*0.8*100)/100)
			}
			s.switchPlan(e.at, s.interval)
		case cur.interval == 1 && r.Float64() < 0.01:
			s.switchPlan(e.at, 12) // commits to an annual plan at renewal
		}
	case evDunningEnd:
		if s.main == e.ref {
			s.churn(e.at)
		}
	case evCancelNow:
		if s.paid && s.main == e.ref && !s.dunning {
			s.churn(e.at)
		}
	case evUpgrade:
		if !s.paid || s.dunning || !e.at.After(s.h.subs[s.main].start) {
			return
		}
		old := s.mrr(s.main)
		iv := s.interval
		if s.tier < len(s.seg.tiers)-1 {
			s.tier++
			if iv == 1 && r.Float64() < 0.15 {
				iv = 12
			}
		} else {
			s.mult = math.Round(s.mult*(1.15+0.2*r.Float64())*100) / 100
		}
		s.switchPlan(e.at, iv)
		if d := s.mrr(s.main) - old; d > 0 {
			s.h.moments = append(s.h.moments, moment{at: e.at, kind: momentUpgrade, value: g.usdOf(c, d, e.at)})
		}
	case evAddonStart:
		if !s.paid || s.addon >= 0 || !e.at.After(s.h.subs[s.main].start) {
			return
		}
		p := s.seg.addon
		if c.currency == "GBP" {
			p = p * 8 / 10
		}
		s.h.subs = append(s.h.subs, sub{seq: len(s.h.subs) + 1, plan: "Analytics Add-on", interval: 1,
			amount: p, addon: true, start: e.at})
		s.addon = len(s.h.subs) - 1
		s.h.moments = append(s.h.moments, moment{at: e.at, kind: momentPurchase, value: g.usdOf(c, p, e.at)})
	case evAddonEnd:
		if s.addon == e.ref {
			s.h.subs[s.addon].end = e.at
			s.addon = -1
		}
	case evReactivate:
		if s.main >= 0 {
			return
		}
		if s.everPaid && s.tier > 0 && r.Float64() < 0.5 {
			s.tier--
		}
		iv := 1
		if r.Float64() < 0.3 {
			iv = s.pickInterval()
		}
		s.startPaid(e.at, s.tier, iv)
	case evFreeConvert:
		if s.main == e.ref {
			s.finish(e.at)
			s.startPaid(e.at, 0, 1)
		}
	case evFreeEnd:
		if s.main == e.ref {
			s.finish(e.at)
		}
	case evAssign:
		s.assign(e)
	}
}

// price is the customer's price of tier for one period of interval months.
func (s *sim) price(tier, interval int) int64 {
	m := float64(s.g.monthlyPrice(s.c, tier)) * s.mult * s.c.discount
	return intervalAmount(int64(math.Round(m)), interval)
}

// mrr is subscription i's monthly amount, in cents of its currency.
func (s *sim) mrr(i int) int64 {
	return s.h.subs[i].amount / int64(s.h.subs[i].interval)
}

func (s *sim) pickInterval() int {
	return [3]int{1, 3, 12}[pick(s.r, s.seg.intervals[:])]
}

// begin starts x as the main plan at t.
func (s *sim) begin(t time.Time, x sub) {
	x.seq, x.start = len(s.h.subs)+1, t
	s.h.subs = append(s.h.subs, x)
	s.main = len(s.h.subs) - 1
	s.paid = !x.trial && !x.free
}

// finish ends the main plan at t, without it counting as churn.
func (s *sim) finish(t time.Time) {
	s.h.subs[s.main].end = t
	s.main, s.paid = -1, false
}

func (s *sim) planName(tier, interval int) string {
	return s.seg.tiers[tier] + " " + intervalName(interval)
}

func (s *sim) startPaid(t time.Time, tier, interval int) {
	s.tier, s.interval = tier, interval
	s.begin(t, sub{plan: s.planName(tier, interval), interval: interval, amount: s.price(tier, interval)})
	s.paidAt = t
	value := s.g.usdOf(s.c, s.h.subs[s.main].amount, t)
	s.h.moments = append(s.h.moments, moment{at: t, kind: momentPurchase, value: value})
	s.everPaid = true
}

// switchPlan ends the main plan at t and starts the current tier and seats
// on interval at the same instant: an upgrade or a downgrade.
func (s *sim) switchPlan(t time.Time, interval int) {
	s.h.subs[s.main].end = t
	s.interval = interval
	s.begin(t, sub{plan: s.planName(s.tier, interval), interval: interval, amount: s.price(s.tier, interval)})
}

// churn ends every paid plan at t.
func (s *sim) churn(t time.Time) {
	s.h.subs[s.main].end = t
	if s.addon >= 0 {
		s.h.subs[s.addon].end = t
		s.addon = -1
	}
	s.main, s.paid, s.dunning = -1, false, false
	s.churned = t
	s.h.churns = append(s.h.churns, t)
}

// assign decides whether the customer joins campaign e.ref at e.at, draws
// its arm, and applies the treatment's effect.
func (s *sim) assign(e simEvent) {
	cp := &s.g.camps[e.ref]
	r, c := s.r, s.c
	var eligible bool
	switch cp.kind {
	case campWinback:
		eligible = s.main < 0 && s.everPaid && e.at.Sub(s.churned) < days(540)
	case campUpsell:
		eligible = s.paid && !s.dunning && c.seg != enterprise
	case campCSM:
		eligible = s.paid && !s.dunning && (c.seg != smb && c.health < -0.2 || c.health < -1)
	}
	// Both draws happen for everyone so that eligibility does not shift
	// the stream.
	sel, arm := r.Float64(), r.Float64()
	if !eligible || sel >= cp.selectP {
		return
	}
	control := arm < cp.controlShare
	s.h.members = append(s.h.members, membership{camp: e.ref, control: control, at: e.at})
	// Members are targeted because they are likely to act: both arms get a
	// baseline chance on top of the natural rates, the treatment more.
	later := func(maxDays float64) time.Time { return e.at.Add(days(0.25 + r.Float64()*maxDays)) }
	maybe := func(base, lift float64, k evKind, maxDays float64) {
		p := base
		if !control {
			p += lift
		}
		if r.Float64() < p {
			s.schedule(later(maxDays), k, 0)
		}
	}
	switch cp.kind {
	case campWinback:
		maybe(0.015, 0.02, evReactivate, 25)
	case campUpsell:
		maybe(0.03, 0.02, evUpgrade, 12)
		maybe(0.02, 0.015, evAddonStart, 12)
	case campCSM:
		if !control {
			s.calm = e.at.Add(days(120))
		}
		maybe(0.01, 0.015, evUpgrade, 25)
	}
}

// spans merges the subscriptions into the periods the customer had any.
func (s *sim) spans() {
	h := s.h
	for _, x := range h.subs {
		b := x.end
		if b.IsZero() {
			b = s.g.horizon
		}
		merged := false
		for i := range h.spans {
			sp := &h.spans[i]
			if !x.start.After(sp.b) && !b.Before(sp.a) {
				sp.a, sp.b = minTime(sp.a, x.start), maxTime(sp.b, b)
				merged = true
				break
			}
		}
		if !merged {
			h.spans = append(h.spans, span{x.start, b})
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
