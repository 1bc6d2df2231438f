package seed

import (
	"fmt"
	"math"
	"time"

	"github.com/signalsdev/signals/transform"
)

// customer is one customer's attributes: the crm.customers row plus the
// hidden traits that drive its behaviour.
type customer struct {
	idx      int    // 0-based
	num      string // idx+1, zero-padded to the same width for every customer
	id       string
	name     string
	seg      int    // smb, midMarket or enterprise
	region   int    // index in regions, -1 for null
	industry string // "" for null
	channel  string // "" for null
	owner    string // "" for null
	created  time.Time
	currency string
	health   float64 // latent, standard normal: higher is happier and stickier
	discount float64 // multiplier of list prices
	entBase  int64   // Enterprise: custom base price, USD cents per month
	card     bool    // pays by card (else by bank transfer against invoices)
}

// newCustomer draws customer idx's attributes from its attribute stream.
func (g *generator) newCustomer(idx int) customer {
	r := newRand(g.o.Seed, idx, streamAttrs)
	c := customer{idx: idx, num: fmt.Sprintf("%0*d", g.idDigits, idx+1)}
	c.id = "C" + c.num
	c.seg = pick(r, []float64{g.segs[smb].share, g.segs[midMarket].share, g.segs[enterprise].share})
	c.region = pick(r, regionWeights[:])
	if r.Float64() < 0.02 {
		c.region = -1
	}
	if r.Float64() >= 0.02 {
		c.industry = industries[pick(r, industryWeights[:])]
	}
	if r.Float64() >= 0.02 {
		c.channel = channels[pick(r, channelWeights[c.seg][:])]
	}
	ownerP := [3]float64{0.45, 0.85, 1}[c.seg]
	if r.Float64() < ownerP {
		c.owner = owners[r.IntN(len(owners))]
	}
	if r.Float64() < 0.01 {
		c.name = oddNames[r.IntN(len(oddNames))]
	} else {
		ri := c.region
		if ri < 0 {
			ri = len(regions)
		}
		suf := nameSuffixes[ri]
		c.name = namePrefixes[r.IntN(len(namePrefixes))] + " " + nameNouns[r.IntN(len(nameNouns))]
		if s := suf[r.IntN(len(suf))]; s != "" {
			c.name += " " + s
		}
	}
	// Creation: a third of the base predates the window; inside it the
	// density grows linearly (twice as many sign-ups at the end).
	if u := r.Float64(); u < 0.32 {
		c.created = g.at(r, g.first.Add(-preMonths).Start(g.loc), g.start)
	} else {
		u = (u - 0.32) / 0.68
		x := -1 + math.Sqrt(1+3*u)
		span := g.end.Sub(g.start)
		a := g.start.Add(time.Duration(x * float64(span)))
		b := minTime(a.Add(36*time.Hour), g.end)
		c.created = g.at(r, a, b)
	}
	c.currency = "USD"
	if c.region == 1 { // EMEA
		switch u := r.Float64(); {
		case u < 0.40:
			c.currency = "EUR"
		case u < 0.67:
			c.currency = "GBP"
		}
	}
	c.health = r.NormFloat64()
	c.discount = 1
	switch c.seg {
	case smb:
		if r.Float64() < 0.05 {
			c.discount = float64(80+r.IntN(11)) / 100 // legacy pricing
		}
	case midMarket:
		if r.Float64() < 0.40 {
			c.discount = float64(85+r.IntN(13)) / 100 // negotiated
		}
	case enterprise:
		b := 3500 * math.Exp(0.55*r.NormFloat64())
		c.entBase = int64(math.Max(1500, math.Round(b/50)*50)) * 100
	}
	c.card = r.Float64() < [3]float64{0.95, 0.5, 0.1}[c.seg]
	return c
}

// regionName is the customer's region, "" for null.
func (c *customer) regionName() string {
	if c.region < 0 {
		return ""
	}
	return regions[c.region]
}

// monthlyPrice is the price of tier in the customer's currency, in cents per
// month, before seat multipliers and discounts. List prices are localised:
// the same figure in EUR, about 80% of it in GBP; Enterprise prices are
// converted and rounded to tens.
func (g *generator) monthlyPrice(c *customer, tier int) int64 {
	s := &g.segs[c.seg]
	if c.seg == enterprise {
		usd := float64(c.entBase) * float64(s.prices[tier]) / 1000
		switch c.currency {
		case "EUR":
			return int64(math.Round(usd/1.10/1000)) * 1000
		case "GBP":
			return int64(math.Round(usd/1.27/1000)) * 1000
		}
		return int64(usd)
	}
	p := s.prices[tier]
	if c.currency == "GBP" {
		return int64(math.Round(float64(p)*0.8/100)) * 100
	}
	return p
}

// intervalAmount is the price of one billing period of interval months for
// a monthly price: quarterly gets 5% off, annual is ten months.
func intervalAmount(monthly int64, interval int) int64 {
	switch interval {
	case 3:
		return int64(math.Round(float64(monthly) * 3 * 0.95))
	case 12:
		return monthly * 10
	}
	return monthly * int64(interval)
}

// intervalName names a billing interval in plan names.
func intervalName(months int) string {
	switch months {
	case 1:
		return "Monthly"
	case 3:
		return "Quarterly"
	case 12:
		return "Annual"
	}
	return fmt.Sprintf("%d-Month", months)
}

// month is the month of t in the reporting time zone.
func (g *generator) month(t time.Time) transform.Month { return transform.MonthOf(t, g.loc) }

// usdOf converts v cents of the customer's currency to USD cents at the
// rate of t's month.
func (g *generator) usdOf(c *customer, v int64, t time.Time) int64 {
	return g.fx.usd(v, c.currency, g.month(t))
}
