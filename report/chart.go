package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"unicode/utf8"
)

// The digest chart is ChartWidth × ChartHeight CSS pixels, drawn at twice
// that for sharp high-density screens.
const (
	ChartWidth  = 560
	ChartHeight = 190
	chartDPR    = 2 // output pixels per CSS pixel
	chartSS     = 3 // supersampling per output pixel (antialiasing)
)

// chartPoint is one month of a trend; ok is false for a month without data
// (a gap in the line).
type chartPoint struct {
	label string
	v     float64
	ok    bool
}

// canvas draws in CSS pixels on a supersampled RGBA image.
type canvas struct {
	img   *image.RGBA
	scale float64 // image pixels per CSS pixel
}

func newCanvas(w, h int) *canvas {
	s := chartDPR * chartSS
	img := image.NewRGBA(image.Rect(0, 0, w*s, h*s))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	return &canvas{img: img, scale: float64(s)}
}

func hexColor(h string) color.RGBA {
	v, _ := strconv.ParseUint(h, 16, 32)
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}

// blend paints pixel (x, y) with c at opacity a (0..1).
func (cv *canvas) blend(x, y int, c color.RGBA, a float64) {
	if !(image.Point{x, y}.In(cv.img.Rect)) {
		return
	}
	i := cv.img.PixOffset(x, y)
	p := cv.img.Pix[i : i+3 : i+3]
	p[0] = uint8(float64(p[0])*(1-a) + float64(c.R)*a + 0.5)
	p[1] = uint8(float64(p[1])*(1-a) + float64(c.G)*a + 0.5)
	p[2] = uint8(float64(p[2])*(1-a) + float64(c.B)*a + 0.5)
}

// rect fills [x0,x1)×[y0,y1) in CSS pixels.
func (cv *canvas) rect(x0, y0, x1, y1 float64, c color.RGBA, a float64) {
	s := cv.scale
	for y := int(math.Round(y0 * s)); y < int(math.Round(y1*s)); y++ {
		for x := int(math.Round(x0 * s)); x < int(math.Round(x1*s)); x++ {
			cv.blend(x, y, c, a)
		}
	}
}

// line draws a segment w CSS pixels wide with round caps.
func (cv *canvas) line(x0, y0, x1, y1, w float64, c color.RGBA) {
	s := cv.scale
	x0, y0, x1, y1, r := x0*s, y0*s, x1*s, y1*s, w*s/2
	minX, maxX := int(math.Floor(math.Min(x0, x1)-r)), int(math.Ceil(math.Max(x0, x1)+r))
	minY, maxY := int(math.Floor(math.Min(y0, y1)-r)), int(math.Ceil(math.Max(y0, y1)+r))
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if l2 > 0 {
				t = math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
			}
			ex, ey := px-(x0+t*dx), py-(y0+t*dy)
			if ex*ex+ey*ey <= r*r {
				cv.blend(x, y, c, 1)
			}
		}
	}
}

// dot draws a filled circle of radius r CSS pixels.
func (cv *canvas) dot(cx, cy, r float64, c color.RGBA) { cv.line(cx, cy, cx, cy, 2*r, c) }

// textWidth is the width of s in CSS pixels at glyph scale px (CSS pixels
// per font pixel).
func textWidth(s string, px float64) float64 {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return 0
	}
	return (float64(n)*6 - 1) * px
}

// text draws s with its top-left at (x, y) CSS pixels.
func (cv *canvas) text(x, y float64, s string, px float64, c color.RGBA) {
	for _, r := range s {
		g := glyph(r)
		for gy, row := range g {
			for gx := range 5 {
				if row[gx] == '#' {
					fx, fy := x+float64(gx)*px, y+float64(gy)*px
					cv.rect(fx, fy, fx+px, fy+px, c, 1)
				}
			}
		}
		x += 6 * px
	}
}

// png downsamples the canvas by the supersampling factor and encodes it.
func (cv *canvas) png() ([]byte, error) {
	b := cv.img.Bounds()
	w, h := b.Dx()/chartSS, b.Dy()/chartSS
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	n := float64(chartSS * chartSS)
	for y := range h {
		for x := range w {
			var r, g, bl float64
			for sy := range chartSS {
				i := cv.img.PixOffset(x*chartSS, y*chartSS+sy)
				for sx := range chartSS {
					p := cv.img.Pix[i+4*sx : i+4*sx+3 : i+4*sx+3]
					r += float64(p[0])
					g += float64(p[1])
					bl += float64(p[2])
				}
			}
			j := out.PixOffset(x, y)
			out.Pix[j], out.Pix[j+1], out.Pix[j+2], out.Pix[j+3] = uint8(r/n+0.5), uint8(g/n+0.5), uint8(bl/n+0.5), 0xff
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// niceTicks returns about n round tick values covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if hi <= lo {
		d := math.Max(math.Abs(lo)*0.1, 1)
		lo, hi = lo-d, hi+d
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	for v := math.Floor(lo/step) * step; v <= hi+step*1e-9; v += step {
		ticks = append(ticks, v)
	}
	if ticks[len(ticks)-1] < hi {
		ticks = append(ticks, ticks[len(ticks)-1]+step)
	}
	return ticks
}

// trendChart draws a line chart of pts (oldest first) with a soft area
// under the line, labelled gridlines, month labels and the last value
// called out. yfmt formats axis and value labels. The result is a PNG of
// ChartWidth×ChartHeight CSS pixels at 2× density.
func trendChart(pts []chartPoint, yfmt func(float64) string, tickFmt func(v, step float64) string, lineColor string) ([]byte, error) {
	cv := newCanvas(ChartWidth, ChartHeight)
	ink, muted, grid := hexColor(colInk), hexColor(colMuted), hexColor("E5E7EB")
	lc := hexColor(lineColor)
	const px = 1.25 // font pixel in CSS pixels: 7-pixel glyphs ≈ 9 CSS px tall
	lo, hi, any := math.Inf(1), math.Inf(-1), false
	for _, p := range pts {
		if p.ok {
			lo, hi, any = math.Min(lo, p.v), math.Max(hi, p.v), true
		}
	}
	if !any {
		msg := "No data yet"
		cv.text((ChartWidth-textWidth(msg, 2))/2, ChartHeight/2-7, msg, 2, muted)
		return cv.png()
	}
	pad := (hi - lo) * 0.15
	ticks := niceTicks(lo-pad, hi+pad, 5)
	tmin, tmax := ticks[0], ticks[len(ticks)-1]
	step := 1.0
	if len(ticks) > 1 {
		step = ticks[1] - ticks[0]
	}
	labelW := 0.0
	for _, t := range ticks {
		labelW = math.Max(labelW, textWidth(tickFmt(t, step), px))
	}
	left, right, top, bottom := labelW+14, float64(ChartWidth)-18, 22.0, float64(ChartHeight)-22
	y := func(v float64) float64 { return bottom - (v-tmin)/(tmax-tmin)*(bottom-top) }
	for _, t := range ticks {
		ty := y(t)
		cv.rect(left, ty-0.5, right, ty+0.5, grid, 1)
		l := tickFmt(t, step)
		cv.text(left-8-textWidth(l, px), ty-3.5*px, l, px, muted)
	}
	n := len(pts)
	x := func(i int) float64 {
		if n == 1 {
			return (left + right) / 2
		}
		return left + 10 + float64(i)*(right-left-20)/float64(n-1)
	}
	// Area under each run of consecutive points.
	s := cv.scale
	for i := 0; i+1 < n; i++ {
		if !pts[i].ok || !pts[i+1].ok {
			continue
		}
		x0, x1 := x(i), x(i+1)
		y0, y1 := y(pts[i].v), y(pts[i+1].v)
		for X := int(math.Round(x0 * s)); X < int(math.Round(x1*s)); X++ {
			t := (float64(X)/s - x0) / (x1 - x0)
			yy := y0 + t*(y1-y0)
			for Y := int(math.Round(yy * s)); Y < int(math.Round(bottom*s)); Y++ {
				// Fade towards the axis.
				a := 0.16 * (1 - 0.7*(float64(Y)/s-yy)/(bottom-yy+1))
				cv.blend(X, Y, lc, a)
			}
		}
	}
	cv.rect(left, bottom-0.5, right, bottom+0.5, hexColor(colRule), 1)
	for i := 0; i+1 < n; i++ {
		if pts[i].ok && pts[i+1].ok {
			cv.line(x(i), y(pts[i].v), x(i+1), y(pts[i+1].v), 2.5, lc)
		}
	}
	last := -1
	for i, p := range pts {
		if p.ok {
			cv.dot(x(i), y(p.v), 3.2, lc)
			cv.dot(x(i), y(p.v), 1.6, color.RGBA{0xff, 0xff, 0xff, 0xff})
			last = i
		}
		// Month labels: every other month when crowded, always the last.
		if n <= 7 || (n-1-i)%2 == 0 {
			l := p.label
			cv.text(x(i)-textWidth(l, px)/2, bottom+7, l, px, muted)
		}
	}
	if last >= 0 {
		p := pts[last]
		cv.dot(x(last), y(p.v), 4.5, lc)
		l := yfmt(p.v)
		lw := textWidth(l, 1.5)
		lx := math.Min(x(last)-lw/2, right+14-lw)
		cv.text(lx, y(p.v)-20, l, 1.5, ink)
	}
	return cv.png()
}
