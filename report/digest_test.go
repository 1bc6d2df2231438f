package report

import (
	"bytes"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFinanceDigestGolden(t *testing.T) {
	d, err := FinanceDigest(fixFinance(), DigestOptions{WorkbookName: "finance-2026-09.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "finance-digest.html", []byte(d.HTML))
	golden(t, "finance-digest.txt", []byte(d.Subject+"\n\n"+d.Text))
	keepDigest(t, "finance", d)
	if want := "Finance — September 2026: MRR $1.35M (+2.9%), logo churn 0.9%"; d.Subject != want {
		t.Errorf("subject %q, want %q", d.Subject, want)
	}
	checkDigest(t, d)
}

func TestCXDigestGolden(t *testing.T) {
	d, err := CXDigest(fixCX(), DigestOptions{WorkbookName: "cx-2026-09.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "cx-digest.html", []byte(d.HTML))
	golden(t, "cx-digest.txt", []byte(d.Subject+"\n\n"+d.Text))
	keepDigest(t, "cx", d)
	checkDigest(t, d)
}

func TestEmptyDigestsGolden(t *testing.T) {
	f, err := FinanceDigest(emptyFinance(), DigestOptions{WorkbookName: "finance-2026-09.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := CXDigest(emptyCX(), DigestOptions{WorkbookName: "cx-2026-09.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "empty-digests.txt", []byte(f.Subject+"\n\n"+f.Text+"\n\n"+c.Subject+"\n\n"+c.Text))
	if f.Chart != nil || c.Chart != nil {
		t.Error("a digest without data has a chart")
	}
	if strings.Contains(f.HTML, "cid:") || strings.Contains(c.HTML, "cid:") {
		t.Error("a digest without a chart references one")
	}
}

// checkDigest checks what every digest must hold: the chart referenced by
// Content-ID, no scripts, and the same headline in both parts.
func checkDigest(t *testing.T, d *Digest) {
	t.Helper()
	if !strings.Contains(d.HTML, `src="cid:`+ChartContentID+`"`) {
		t.Error("HTML does not show the inline chart by its Content-ID")
	}
	if _, err := png.Decode(bytes.NewReader(d.Chart)); err != nil {
		t.Errorf("chart: %v", err)
	}
	for _, bad := range []string{"<script", "javascript:", "<link", "ZgotmplZ"} {
		if strings.Contains(strings.ToLower(d.HTML), strings.ToLower(bad)) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	head := strings.TrimPrefix(d.Subject[strings.Index(d.Subject, ": ")+2:], "")
	if !strings.Contains(d.Text, head) {
		t.Errorf("text part lacks the headline %q", head)
	}
	if !strings.Contains(d.HTML, htmlEscape(head)) {
		t.Errorf("HTML part lacks the headline %q", head)
	}
}

func htmlEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '+':
			b.WriteString("&#43;")
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func keepDigest(t *testing.T, name string, d *Digest) {
	dir := os.Getenv("SIGNALS_KEEP_WORKBOOKS")
	if dir == "" {
		return
	}
	html := strings.ReplaceAll(d.HTML, "cid:"+ChartContentID, name+"-chart.png")
	_ = os.WriteFile(dir+"/"+name+"-digest.html", []byte(html), 0o644)
	_ = os.WriteFile(dir+"/"+name+"-chart.png", d.Chart, 0o644)
}

// The content hash ignores the run id, the version and the correction
// marker, and follows the figures.
func TestDigestContentHash(t *testing.T) {
	a, _ := FinanceDigest(fixFinance(), DigestOptions{WorkbookName: "f.xlsx"})
	d := fixFinance()
	d.RunID, d.Version = "other-run", "v2"
	b, _ := FinanceDigest(d, DigestOptions{WorkbookName: "f.xlsx", Correction: true})
	if a.ContentHash != b.ContentHash {
		t.Error("hash changed with run id, version or correction marker")
	}
	if !strings.HasPrefix(b.Subject, "Correction: ") || !strings.Contains(b.Text, "CORRECTION") || !strings.Contains(b.HTML, "Correction.") {
		t.Error("correction not marked in subject, text and HTML")
	}
	d = fixFinance()
	// A change a reader can see: $1,000 more new MRR.
	d.Trend[len(d.Trend)-1].MRRNew += 100_000
	d.Trend[len(d.Trend)-1].MRREnd += 100_000
	c, _ := FinanceDigest(d, DigestOptions{WorkbookName: "f.xlsx"})
	if c.ContentHash == a.ContentHash {
		t.Error("hash did not change with the figures")
	}
}

func TestWrapWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		n    int
		want []string
	}{
		{name: "short text is one line", in: "score drop: CSAT 2", n: 20, want: []string{"score drop: CSAT 2"}},
		{name: "breaks at spaces", in: "payment failed: Invoice INV-1 failed 3 times.", n: 20,
			want: []string{"payment failed:", "Invoice INV-1 failed", "3 times."}},
		{name: "cuts a word longer than the line", in: "see https://example.com/a/very/long/path now", n: 12,
			want: []string{"see", "https://exam", "ple.com/a/ve", "ry/long/path", "now"}},
		{name: "empty is one empty line", in: "", n: 10, want: []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, wrapWords(tt.in, tt.n)); diff != "" {
				t.Errorf("wrapWords(%q, %d) (-want +got)\n%s", tt.in, tt.n, diff)
			}
		})
	}
}
