package transform_test

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/signalsdev/signals/transform"
)

func TestParseMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    transform.Money
		wantErr bool
	}{
		{name: "two decimals", in: "12.34", want: 1234},
		{name: "one decimal is tenths", in: "12.3", want: 1230},
		{name: "no decimals is whole units", in: "12", want: 1200},
		{name: "zero", in: "0", want: 0},
		{name: "negative zero is zero", in: "-0.00", want: 0},
		{name: "negative with one decimal", in: "-1234.5", want: -123450},
		{name: "negative cents only", in: "-0.05", want: -5},
		{name: "explicit plus sign", in: "+7.01", want: 701},
		{name: "no whole part", in: ".5", want: 50},
		{name: "negative with no whole part", in: "-.5", want: -50},
		{name: "trailing point", in: "5.", want: 500},
		{name: "leading zeros", in: "007.10", want: 710},
		{name: "largest amount", in: "92233720368547758.07", want: math.MaxInt64},
		{name: "most negative amount that formats back", in: "-92233720368547758.07", want: -math.MaxInt64},
		{name: "three decimals is an error", in: "1.234", wantErr: true},
		{name: "three zero decimals is an error too", in: "1.000", wantErr: true},
		{name: "negative with three decimals is an error", in: "-0.001", wantErr: true},
		{name: "empty is an error", in: "", wantErr: true},
		{name: "a lone sign is an error", in: "-", wantErr: true},
		{name: "a lone point is an error", in: ".", wantErr: true},
		{name: "letters are an error", in: "abc", wantErr: true},
		{name: "grouping is an error", in: "1,000.00", wantErr: true},
		{name: "exponent is an error", in: "1e3", wantErr: true},
		{name: "surrounding space is an error", in: " 5", wantErr: true},
		{name: "two minus signs is an error", in: "--5", wantErr: true},
		{name: "minus then plus is an error", in: "-+5", wantErr: true},
		{name: "plus then minus is an error", in: "+-5", wantErr: true},
		{name: "two plus signs is an error", in: "++5", wantErr: true},
		{name: "sign after the point is an error", in: "1.-5", wantErr: true},
		{name: "overflow is an error", in: "92233720368547758.08", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := transform.ParseMoney(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseMoney(%q) = %v, want an error", tt.in, got)
				}
				if !strings.Contains(err.Error(), `"`+tt.in+`"`) {
					t.Errorf("ParseMoney(%q) error %q does not name the bad value", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMoney(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseMoney(%q) = %d cents, want %d", tt.in, int64(got), int64(tt.want))
			}
		})
	}
}

func TestMoneyString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   transform.Money
		want string
	}{
		{name: "zero has two decimals", in: 0, want: "0.00"},
		{name: "cents are zero padded", in: 5, want: "0.05"},
		{name: "negative cents keep the sign before the zero", in: -5, want: "-0.05"},
		{name: "negative amount", in: -123450, want: "-1234.50"},
		{name: "no grouping", in: 123456789, want: "1234567.89"},
		{name: "largest amount", in: math.MaxInt64, want: "92233720368547758.07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.in.String(); got != tt.want {
				t.Errorf("Money(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
			}
			if got := string(tt.in.AppendText([]byte("x="))); got != "x="+tt.want {
				t.Errorf("Money(%d).AppendText(x=) = %q, want %q", int64(tt.in), got, "x="+tt.want)
			}
			back, err := transform.ParseMoney(tt.want)
			if err != nil || back != tt.in {
				t.Errorf("ParseMoney(%q) = %d, %v; want the amount back", tt.want, int64(back), err)
			}
		})
	}
}

func TestMoneyFloatAndRatio(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		got  any
		want any
	}{
		{name: "float is currency units", got: transform.Money(-12345).Float(), want: -123.45},
		{name: "ratio divides", got: transform.Ratio(1, 4), want: f(0.25)},
		{name: "ratio may be negative", got: transform.Ratio(-1, 4), want: f(-0.25)},
		{name: "zero denominator is nil", got: transform.Ratio(1, 0), want: (*float64)(nil)},
		{name: "zero over zero is nil", got: transform.Ratio(0, 0), want: (*float64)(nil)},
		{name: "NaN numerator is nil", got: transform.Ratio(math.NaN(), 1), want: (*float64)(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
