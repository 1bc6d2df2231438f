package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want SMTPServer
	}{
		{"smtp://u:p@mail.example.com", SMTPServer{Host: "mail.example.com", Port: 587, Username: "u", Password: "p", TLS: "starttls"}},
		{"smtp://u:p@mail.example.com:2525?tls=none", SMTPServer{Host: "mail.example.com", Port: 2525, Username: "u", Password: "p", TLS: "none"}},
		{"smtps://mail.example.com", SMTPServer{Host: "mail.example.com", Port: 465, TLS: "tls"}},
		{"smtp://mail.example.com?tls=tls", SMTPServer{Host: "mail.example.com", Port: 465, TLS: "tls"}},
	} {
		got, err := ParseSMTPURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSMTPURL(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"http://u:hunter2@x", "smtp://u:hunter2@x?tls=maybe", "smtp://u:hunter2@:25", "smtp://u:hunter2@x:99999"} {
		_, err := ParseSMTPURL(bad)
		if err == nil {
			t.Errorf("ParseSMTPURL(%q) accepted", bad)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error for %q shows the password: %v", bad, err)
		}
	}
}

// The message is multipart/mixed: multipart/related (the alternative text
// and HTML bodies, then the chart) and the attachment.
func TestMessageStructure(t *testing.T) {
	t.Parallel()
	d, err := FinanceDigest(fixFinance(), DigestOptions{WorkbookName: "finance-2026-09.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMessage(d, "signals <signals@example.com>", []string{"cfo@example.com"}, "")
	m.Attachments = append(m.Attachments, Part{Name: "finance-2026-09.xlsx", ContentType: XLSXType, Data: []byte("PK fake")})
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	order := []string{"multipart/mixed", "multipart/related", "multipart/alternative", "text/plain", "text/html",
		"Content-Id: <" + ChartContentID + ">", `filename="finance-2026-09.xlsx"`}
	at := 0
	for _, s := range order {
		i := strings.Index(strings.ToLower(raw[at:]), strings.ToLower(s))
		if i < 0 {
			t.Fatalf("%q missing or out of order in:\n%s", s, raw)
		}
		at += i
	}
}
