package jobs

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server in the test process (go-smtp) that keeps
// what it receives. reject decides per RCPT: return nil to accept.
type smtpServer struct {
	Addr     string
	User     string
	Password string

	mu       sync.Mutex
	received []received
	rcpts    map[string]int // RCPT attempts per address
	reject   func(rcpt string, attempt int) error
}

type received struct {
	From string
	To   []string
	Data []byte
}

func startSMTP(t *testing.T, reject func(rcpt string, attempt int) error) *smtpServer {
	t.Helper()
	s := &smtpServer{User: "signals", Password: "s3cret-Pa55", rcpts: map[string]int{}, reject: reject}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = l.Addr().String()
	go srv.Serve(l) //nolint:errcheck // ends when closed
	t.Cleanup(func() { srv.Close() })
	return s
}

// URL is the server's SIGNALS_SMTP_URL.
func (s *smtpServer) URL() string {
	return "smtp://" + s.User + ":" + s.Password + "@" + s.Addr + "?tls=none"
}

// Messages returns what was delivered so far.
func (s *smtpServer) Messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.received...)
}

// To returns the messages delivered to rcpt.
func (s *smtpServer) To(rcpt string) []received {
	var out []received
	for _, m := range s.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, rcpt) {
				out = append(out, m)
			}
		}
	}
	return out
}

func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

type session struct {
	s      *smtpServer
	authed bool
	from   string
	to     []string
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != se.s.User || pass != se.s.Password {
			return errors.New("invalid credentials")
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	se.s.rcpts[to]++
	n := se.s.rcpts[to]
	se.s.mu.Unlock()
	if se.s.reject != nil {
		if err := se.s.reject(to, n); err != nil {
			return err
		}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	se.s.mu.Lock()
	se.s.received = append(se.s.received, received{From: se.from, To: se.to, Data: bytes.Clone(b)})
	se.s.mu.Unlock()
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }
