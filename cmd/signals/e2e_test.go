package main

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/transform"
)

// inbox is a real SMTP server in the test process that keeps every message.
type inbox struct {
	mu   sync.Mutex
	msgs []received
}

type received struct {
	from string
	to   []string
	data []byte
}

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{inbox: b}, nil }

type session struct {
	inbox *inbox
	cur   received
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	s.inbox.mu.Lock()
	s.inbox.msgs = append(s.inbox.msgs, s.cur)
	s.inbox.mu.Unlock()
	return nil
}

func (b *inbox) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

func startSMTP(t *testing.T) (*inbox, string) {
	t.Helper()
	box := &inbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	return box, "smtp://" + l.Addr().String() + "?tls=none"
}

// TestEndToEnd seeds a small warehouse, runs every job for a month through
// the command, and checks the reporting tables, both workbooks and both
// digests received over SMTP; a second run sends nothing.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	until := transform.NewMonth(2026, 9)
	box, smtpURL := startSMTP(t)
	out := t.TempDir()
	env := map[string]string{
		"DATABASE_URL": db.URL, "SIGNALS_LOG_FORMAT": "text", "SIGNALS_TZ": "America/New_York",
		"SIGNALS_SMTP_URL": smtpURL, "SIGNALS_MAIL_FROM": "signals@example.com",
		"SIGNALS_FINANCE_TO": "cfo@example.com,controller@example.com", "SIGNALS_CX_TO": "cx@example.com",
	}
	code, stdout, stderr := cli(t, env, "seed", "--customers", "600", "--months", "15", "--until", until.String(), "--seed", "7")
	if code != 0 {
		t.Fatalf("seed: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, env, "run", "--month", until.String(), "--out", out)
	if code != 0 {
		t.Fatalf("run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, table := range []string{"mrr_monthly", "customer_mrr_monthly", "survey_monthly", "campaign_lift", "customer_health", "customer_signals"} {
		var n int
		if err := db.Get(&n, `select count(*) from reporting.`+table+` where month = '2026-09-01'`); err != nil || n == 0 {
			t.Errorf("%s has %d rows for 2026-09 (%v)", table, n, err)
		}
	}
	var bridgeOK bool
	if err := db.Get(&bridgeOK, `select bool_and(mrr_end = mrr_start + mrr_fx + mrr_new + mrr_reactivation + mrr_expansion - mrr_contraction - mrr_churned) from reporting.mrr_monthly`); err != nil || !bridgeOK {
		t.Errorf("bridge identity fails (%v)", err)
	}
	for _, f := range []string{"finance-2026-09.xlsx", "cx-2026-09.xlsx"} {
		st, err := os.Stat(filepath.Join(out, "2026-09", f))
		if err != nil || st.Size() < 5000 {
			t.Errorf("workbook %s: %v", f, err)
		}
	}
	// Each recipient gets a message of their own: two finance, one CX.
	msgs := box.messages()
	if len(msgs) != 3 {
		t.Fatalf("received %d messages, want one per recipient (3)", len(msgs))
	}
	rcpts := map[string]bool{}
	kinds := map[string]int{}
	for _, m := range msgs {
		for _, r := range m.to {
			rcpts[r] = true
		}
		subject := checkDigest(t, m.data)
		switch {
		case strings.HasPrefix(subject, "Finance"):
			kinds["finance"]++
		case strings.HasPrefix(subject, "CX"):
			kinds["cx"]++
		default:
			t.Errorf("unexpected subject %q", subject)
		}
	}
	if kinds["finance"] != 2 || kinds["cx"] != 1 {
		t.Errorf("digests by kind: %v, want 2 finance and 1 CX", kinds)
	}
	for _, r := range []string{"cfo@example.com", "controller@example.com", "cx@example.com"} {
		if !rcpts[r] {
			t.Errorf("nothing delivered to %s", r)
		}
	}
	code, _, stderr = cli(t, env, "run", "--month", until.String(), "--out", out)
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	if n := len(box.messages()); n != 3 {
		t.Errorf("the second run sent %d more messages, want none", n-3)
	}
}

// checkDigest parses a message and checks it has a text part, an HTML part
// that references an inline PNG, and an xlsx attachment. It returns the
// decoded subject.
func checkDigest(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	found := map[string]bool{}
	var html string
	var walk func(r io.Reader, ctype string)
	walk = func(r io.Reader, ctype string) {
		mt, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Errorf("content type %q: %v", ctype, err)
			return
		}
		if !strings.HasPrefix(mt, "multipart/") {
			return
		}
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return
			}
			pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			found[pt] = true
			if pt == "text/html" {
				b, _ := io.ReadAll(p)
				html = string(b)
			}
			walk(p, p.Header.Get("Content-Type"))
		}
	}
	walk(msg.Body, msg.Header.Get("Content-Type"))
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Errorf("subject: %v", err)
	}
	for _, want := range []string{"text/plain", "text/html", "image/png", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
		if !found[want] {
			t.Errorf("digest %q has no %s part (parts: %v)", subject, want, found)
		}
	}
	if !strings.Contains(html, "cid:") {
		t.Errorf("digest %q: the HTML references no inline image", subject)
	}
	return subject
}
