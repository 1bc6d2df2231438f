package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/signalsdev/signals/transform"
)

// preMonths is how far before the window customers may have been created,
// so that the first month of the window starts with an installed base.
const preMonths = 24

// futureMonths is how far past Until the subscription timeline is simulated.
// Nothing after Until.End is written; knowing who churns soon after it lets
// the last months show the warning signs (surveys, tickets, usage) of churn
// that has not happened yet.
const futureMonths = 3

// stream names an independent random stream of a customer. Each table draws
// from its own stream, so the rows of one table never depend on how many
// draws another table made.
type stream uint64

const (
	streamAttrs stream = iota + 1
	streamSim
	streamInvoices
	streamSurveys
	streamTickets
	streamUsage
	streamCampaigns
	streamGlobal // fx rates and other window-wide draws (customer index -1)
)

// mix64 is the splitmix64 finalizer: it spreads neighbouring integers over
// the whole 64-bit range so that the PCG seeds of customers 1 and 2 are
// unrelated.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// newRand returns the random source of customer idx (0-based; -1 for draws
// that belong to the whole window) and stream s under seed.
func newRand(seed int64, idx int, s stream) *rand.Rand {
	a := mix64(uint64(seed) ^ mix64(uint64(int64(idx))+0x5eed))
	b := mix64(a ^ mix64(uint64(s)<<40|0xc0ffee))
	return rand.New(rand.NewPCG(a, b))
}

// segment holds the behaviour of one customer segment.
type segment struct {
	name      string
	share     float64    // share of customers
	freeP     float64    // starts on the free plan
	trialP    float64    // starts with a trial (when not free)
	convP     float64    // a trial converts to a paid plan
	hazard    float64    // monthly churn hazard of an average customer
	upP       float64    // monthly upgrade probability
	downP     float64    // monthly downgrade probability, applied at renewal
	addonP    float64    // monthly add-on purchase probability
	intervals [3]float64 // weights of monthly, quarterly and annual billing
	tiers     []string   // plan names, cheapest first
	tierW     []float64  // weights of the first paid tier
	prices    []int64    // USD cents per month per tier; Enterprise: per-mille of the custom base
	addon     int64      // add-on price, USD cents per month
	users     float64    // median daily active users
	tickets   float64    // support tickets per month
	npsShift  float64    // segment offset of the mean NPS answer
}

const (
	smb = iota
	midMarket
	enterprise
)

func newSegments() [3]segment {
	return [3]segment{
		smb: {
			name: "SMB", share: 0.60, freeP: 0.06, trialP: 0.55, convP: 0.55,
			hazard: 0.0285, upP: 0.014, downP: 0.006, addonP: 0.004,
			intervals: [3]float64{0.78, 0.06, 0.16},
			tiers:     []string{"Starter", "Basic", "Growth", "Pro"},
			tierW:     []float64{0.35, 0.30, 0.22, 0.13},
			prices:    []int64{2900, 5900, 9900, 19900},
			addon:     1900, users: 6, tickets: 0.10, npsShift: -0.1,
		},
		midMarket: {
			name: "Mid-Market", share: 0.30, freeP: 0.02, trialP: 0.35, convP: 0.65,
			hazard: 0.0225, upP: 0.018, downP: 0.006, addonP: 0.006,
			intervals: [3]float64{0.50, 0.15, 0.35},
			tiers:     []string{"Team", "Business", "Scale"},
			tierW:     []float64{0.45, 0.38, 0.17},
			prices:    []int64{39900, 79900, 149900},
			addon:     9900, users: 40, tickets: 0.22, npsShift: 0,
		},
		enterprise: {
			name: "Enterprise", share: 0.10, freeP: 0, trialP: 0.10, convP: 0.80,
			hazard: 0.019, upP: 0.018, downP: 0.005, addonP: 0.008,
			intervals: [3]float64{0.20, 0.10, 0.70},
			tiers:     []string{"Enterprise", "Enterprise Plus", "Enterprise Premier"},
			tierW:     []float64{0.60, 0.30, 0.10},
			prices:    []int64{1000, 1400, 1900},
			addon:     45000, users: 300, tickets: 0.45, npsShift: 0.3,
		},
	}
}

// generator holds everything derived from Options before any customer is
// generated. It is read-only once built, so customers can be generated in
// any order (or concurrently) with identical results.
type generator struct {
	o         Options
	loc       *time.Location
	first     transform.Month // first month of the window
	until     transform.Month // last month of the window
	start     time.Time       // first.Start(loc)
	end       time.Time       // until.End(loc): nothing at or after it is written
	horizon   time.Time       // end of the simulated future
	usageFrom time.Time       // first day with usage rows
	segs      [3]segment
	fx        fxTable
	camps     []campaign
	days      []day // the days with usage rows
	idDigits  int   // width of the customer numbers: 6, or more beyond 999,999 customers
	dips      [3]transform.Month
	outage    int // index in days of a day with a product outage (fewer events)
}

// day is one local calendar day of product usage.
type day struct {
	start, end time.Time
	date       any // the SQL date, YYYY-MM-DD (boxed once: usage is the biggest table)
	weekend    bool
}

func newGenerator(o Options) *generator {
	g := &generator{o: o, loc: o.Loc, idDigits: max(6, len(strconv.Itoa(o.Customers)))}
	g.until = o.Until
	g.first = o.Until.Add(-(o.Months - 1))
	g.start = g.first.Start(g.loc)
	g.end = g.until.End(g.loc)
	g.horizon = g.until.Add(futureMonths).End(g.loc)
	g.segs = newSegments()
	g.fx = newFX(o.Seed, g.first.Add(-preMonths-1), g.until.Add(futureMonths))
	g.camps = g.newCampaigns()
	// The survey dips: a bad month per segment, recent for SMB so that
	// the latest month shows a significant drop in a big cell.
	g.dips = [3]transform.Month{g.until, g.until.Add(-5), g.until.Add(-10)}
	uf := g.until.Add(-3)
	if uf < g.first {
		uf = g.first
	}
	g.usageFrom = uf.Start(g.loc)
	for m := uf; m <= g.until; m++ {
		s := m.Start(g.loc)
		for d := 0; ; d++ {
			ds := time.Date(s.Year(), s.Month(), 1+d, 0, 0, 0, 0, g.loc)
			if ds.Month() != s.Month() {
				break
			}
			de := time.Date(s.Year(), s.Month(), 2+d, 0, 0, 0, 0, g.loc)
			wd := ds.Weekday()
			g.days = append(g.days, day{start: ds, end: de, date: ds.Format(time.DateOnly),
				weekend: wd == time.Saturday || wd == time.Sunday})
		}
	}
	r := newRand(o.Seed, -1, streamUsage)
	g.outage = r.IntN(len(g.days))
	return g
}

// at returns an instant in [a, b) at a realistic local time of day: mostly
// office hours on weekdays, sometimes any time. Short ranges are uniform.
func (g *generator) at(r *rand.Rand, a, b time.Time) time.Time {
	d := b.Sub(a)
	if d <= time.Second {
		return a
	}
	secs := int64(d / time.Second)
	if d < 36*time.Hour {
		return a.Add(time.Duration(r.Int64N(secs)) * time.Second)
	}
	for range 4 {
		t := a.Add(time.Duration(r.Int64N(secs)) * time.Second)
		if r.Float64() < 0.85 {
			lt := t.In(g.loc)
			if wd := lt.Weekday(); (wd == time.Saturday || wd == time.Sunday) && r.Float64() < 0.8 {
				continue
			}
			y, m, dd := lt.Date()
			t = time.Date(y, m, dd, 8+r.IntN(11), r.IntN(60), r.IntN(60), 0, g.loc)
		}
		if !t.Before(a) && t.Before(b) {
			return t
		}
	}
	return a.Add(time.Duration(r.Int64N(secs)) * time.Second)
}

// addMonths returns t moved n months in loc, keeping the local time of day
// and clamping the day to the target month's last day (Jan 31 + 1 month is
// Feb 28 or 29). Billing anniversaries are computed from the original start,
// never chained, so a clamp does not drift.
func addMonths(t time.Time, n int, loc *time.Location) time.Time {
	lt := t.In(loc)
	y, m, d := lt.Date()
	hh, mm, ss := lt.Clock()
	tm := transform.NewMonth(y, m).Add(n)
	last := tm.End(time.UTC).AddDate(0, 0, -1).Day()
	if d > last {
		d = last
	}
	return time.Date(tm.Year(), tm.Month(), d, hh, mm, ss, lt.Nanosecond(), loc)
}

// days returns a duration of n days, in whole seconds so that every instant
// the generator makes is a whole second (DST shifts are ignored for
// durations such as "14 to 30 days").
func days(n float64) time.Duration { return time.Duration(n*86400) * time.Second }

// pick returns an index drawn with the given weights.
func pick(r *rand.Rand, w []float64) int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	u := r.Float64() * sum
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// poisson draws a Poisson count with mean lambda (small lambdas only).
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	l := math.Exp(-lambda)
	k, p := 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// cents formats an amount in hundredths as a numeric literal: "1234.50".
func cents(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// fxTable holds the monthly EUR and GBP rates in USD, in units of 1e-8.
type fxTable struct {
	first transform.Month
	rates [2][]int64 // EUR, GBP
}

// fxCurrencies are the currencies with a rate, in fxTable order.
var fxCurrencies = [2]string{"EUR", "GBP"}

// newFX draws a slow random walk per currency, kept inside a band by
// reflection: EUR within 1.05-1.15 USD, GBP within 1.20-1.35 USD.
func newFX(seed int64, first, last transform.Month) fxTable {
	r := newRand(seed, -1, streamGlobal)
	t := fxTable{first: first}
	bands := [2][2]float64{{1.05, 1.15}, {1.20, 1.35}}
	for i, b := range bands {
		x := b[0] + (b[1]-b[0])*(0.3+0.4*r.Float64())
		for m := first; m <= last; m++ {
			t.rates[i] = append(t.rates[i], int64(math.Round(x*1e8)))
			x *= math.Exp(r.NormFloat64() * 0.011)
			if x < b[0] {
				x = 2*b[0] - x
			}
			if x > b[1] {
				x = 2*b[1] - x
			}
		}
	}
	return t
}

// usd converts v cents of currency cur to USD cents at the rate of month m
// (rates outside the table use the nearest month).
func (t fxTable) usd(v int64, cur string, m transform.Month) int64 {
	var i int
	switch cur {
	case "EUR":
		i = 0
	case "GBP":
		i = 1
	default:
		return v
	}
	k := min(max(m.Sub(t.first), 0), len(t.rates[i])-1)
	return int64(math.Round(float64(v) * float64(t.rates[i][k]) / 1e8))
}

// rateText formats a rate in units of 1e-8 as numeric(18,8).
func rateText(v int64) string { return fmt.Sprintf("%d.%08d", v/1e8, v%1e8) }
