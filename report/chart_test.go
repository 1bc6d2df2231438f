package report

import (
	"bytes"
	"image/png"
	"os"
	"testing"

	"github.com/signalsdev/signals/transform"
)

func TestTrendChartPNG(t *testing.T) {
	var pts []chartPoint
	for _, r := range fixTrend()[1:] {
		pts = append(pts, chartPoint{label: r.Month.Month().String()[:3], v: r.MRREnd.Float(), ok: true})
	}
	pts[3].ok = false // a month not computed: a gap
	b, err := trendChart(pts, func(v float64) string { return fmtMoneyShort(transform.Money(v*100), "USD") },
		func(v, step float64) string { return tickMoney(v, step, "USD") }, colBlue)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Dx(); got != ChartWidth*chartDPR {
		t.Errorf("width %d, want %d", got, ChartWidth*chartDPR)
	}
	if got := img.Bounds().Dy(); got != ChartHeight*chartDPR {
		t.Errorf("height %d, want %d", got, ChartHeight*chartDPR)
	}
	if len(b) > 100_000 {
		t.Errorf("chart is %d bytes; want a small PNG", len(b))
	}
	if dir := os.Getenv("SIGNALS_KEEP_WORKBOOKS"); dir != "" {
		_ = os.WriteFile(dir+"/chart.png", b, 0o644)
	}
	// No data at all still draws.
	if _, err := trendChart([]chartPoint{{label: "Sep"}}, func(float64) string { return "" }, func(float64, float64) string { return "" }, colBlue); err != nil {
		t.Fatal(err)
	}
}
