package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/signalsdev/signals/transform"
)

// MailConfig configures digest delivery. Build it once from the
// environment; WithDefaults fills the gaps.
type MailConfig struct {
	// SMTPURL is the SMTP server, smtp://user:pass@host:port?tls=starttls|tls|none
	// (SIGNALS_SMTP_URL). tls defaults to starttls (required, not
	// opportunistic); the port defaults to 587 for starttls, 465 for tls and
	// 25 for none. Empty: digests are written as .eml files to
	// OUT/YYYY-MM/outbox/ instead. Secret: it holds the password; never log
	// it, use RedactURL.
	SMTPURL string
	// From is the sender address (SIGNALS_MAIL_FROM, default
	// "signals <signals@localhost>").
	From string
	// FinanceTo and CXTo are the digests' recipients (SIGNALS_FINANCE_TO,
	// SIGNALS_CX_TO, comma-separated). Each recipient gets a message of
	// their own.
	FinanceTo, CXTo []string
	// MaxAttachmentMB is the largest workbook attached, in MiB
	// (SIGNALS_MAX_ATTACHMENT_MB, default 10). A larger workbook is left off
	// with a line saying where it is.
	MaxAttachmentMB int
	// Retries is how many times a failed delivery to one recipient is
	// retried (default 3). Permanent rejections are not retried.
	Retries int
	// RetryBackoff is the wait before the first retry; it doubles for each
	// further one, up to a minute (default 2s).
	RetryBackoff time.Duration
	// Timeout bounds one SMTP exchange (default 30s).
	Timeout time.Duration
}

// WithDefaults returns c with zero fields set to their defaults.
func (c MailConfig) WithDefaults() MailConfig {
	if c.From == "" {
		c.From = "signals <signals@localhost>"
	}
	if c.MaxAttachmentMB == 0 {
		c.MaxAttachmentMB = 10
	}
	if c.Retries == 0 {
		c.Retries = 3
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = 2 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	return c
}

// Recipients returns the recipients of report (ReportFinance or ReportCX).
func (c MailConfig) Recipients(report string) []string {
	switch report {
	case ReportFinance:
		return c.FinanceTo
	case ReportCX:
		return c.CXTo
	}
	return nil
}

// SplitAddresses splits a comma-separated address list, dropping blanks.
func SplitAddresses(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// Part is an inline image or an attachment. Exactly one of Data and Path
// is set.
type Part struct {
	Name        string // file name shown to the reader
	ContentType string
	ContentID   string // inline parts: referenced by the HTML as cid:ContentID
	Data        []byte
	Path        string // read when the message is written
}

// Message is one digest email: both bodies, the inline chart and the
// workbook attachment.
type Message struct {
	Report      string
	Month       transform.Month
	From        string
	To          []string
	Subject     string
	Text        string
	HTML        string
	Inline      []Part
	Attachments []Part
}

// XLSXType is the content type of an .xlsx workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// NewMessage addresses digest d from from to to, with the workbook at
// workbookPath attached unless it is empty.
func NewMessage(d *Digest, from string, to []string, workbookPath string) *Message {
	m := &Message{Report: d.Report, Month: d.Month, From: from, To: to, Subject: d.Subject, Text: d.Text, HTML: d.HTML}
	if len(d.Chart) > 0 {
		m.Inline = append(m.Inline, Part{Name: d.Report + "-trend.png", ContentType: "image/png", ContentID: ChartContentID, Data: d.Chart})
	}
	if workbookPath != "" {
		m.Attachments = append(m.Attachments, Part{Name: filepath.Base(workbookPath), ContentType: XLSXType, Path: workbookPath})
	}
	return m
}

// build turns the message into a go-mail message: multipart/mixed holding
// multipart/related (multipart/alternative text and HTML, then the inline
// chart) and the attachment.
func (m *Message) build() (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("sender %q: %w", m.From, err)
	}
	if len(m.To) > 0 {
		if err := msg.To(m.To...); err != nil {
			return nil, fmt.Errorf("recipients %v: %w", m.To, err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetUserAgent("signals")
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	for _, p := range m.Inline {
		// RFC 2392: the header holds <id>, the HTML refers to cid:id.
		if err := msg.EmbedReader(p.Name, bytes.NewReader(p.Data), mail.WithFileContentID("<"+p.ContentID+">"),
			mail.WithFileContentType(mail.ContentType(p.ContentType))); err != nil {
			return nil, fmt.Errorf("embed %s: %w", p.Name, err)
		}
	}
	for _, p := range m.Attachments {
		opts := []mail.FileOption{mail.WithFileContentType(mail.ContentType(p.ContentType)), mail.WithFileName(p.Name)}
		if p.Path != "" {
			f, err := os.Open(p.Path)
			if err != nil {
				return nil, fmt.Errorf("attach %s: %w", p.Name, err)
			}
			err = msg.AttachReader(p.Name, f, opts...)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("attach %s: %w", p.Name, err)
			}
			continue
		}
		if err := msg.AttachReader(p.Name, bytes.NewReader(p.Data), opts...); err != nil {
			return nil, fmt.Errorf("attach %s: %w", p.Name, err)
		}
	}
	return msg, nil
}

// WriteTo writes the message in RFC 5322 form (an .eml file's content).
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	msg, err := m.build()
	if err != nil {
		return 0, err
	}
	return msg.WriteTo(w)
}

// SMTPServer is a parsed SMTP URL. Password is secret.
type SMTPServer struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string // starttls, tls or none
}

// ParseSMTPURL parses smtp://user:pass@host:port?tls=starttls|tls|none
// (smtps:// means tls=tls). Errors never contain the password.
func ParseSMTPURL(raw string) (SMTPServer, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPServer{}, fmt.Errorf("SMTP URL %s: want smtp://user:pass@host:port?tls=starttls|tls|none", RedactURL(raw))
	}
	s := SMTPServer{Host: u.Hostname(), TLS: strings.ToLower(u.Query().Get("tls"))}
	switch u.Scheme {
	case "smtp":
		if s.TLS == "" {
			s.TLS = "starttls"
		}
	case "smtps":
		if s.TLS == "" {
			s.TLS = "tls"
		}
	default:
		return SMTPServer{}, fmt.Errorf("SMTP URL %s: scheme must be smtp or smtps", RedactURL(raw))
	}
	switch s.TLS {
	case "starttls", "tls", "none":
	default:
		return SMTPServer{}, fmt.Errorf("SMTP URL %s: tls must be starttls, tls or none", RedactURL(raw))
	}
	if s.Host == "" {
		return SMTPServer{}, fmt.Errorf("SMTP URL %s: no host", RedactURL(raw))
	}
	s.Port = map[string]int{"starttls": 587, "tls": 465, "none": 25}[s.TLS]
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTPServer{}, fmt.Errorf("SMTP URL %s: bad port %q", RedactURL(raw), p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// RedactURL hides the password of a URL, for logs and errors.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Do not echo what may hold a password.
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// SMTPMailer delivers messages over SMTP with go-mail, one connection per
// message.
type SMTPMailer struct {
	srv     SMTPServer
	timeout time.Duration
}

// NewSMTPMailer returns a mailer for the server at rawURL (see
// MailConfig.SMTPURL). timeout bounds each exchange.
func NewSMTPMailer(rawURL string, timeout time.Duration) (*SMTPMailer, error) {
	srv, err := ParseSMTPURL(rawURL)
	if err != nil {
		return nil, err
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &SMTPMailer{srv: srv, timeout: timeout}, nil
}

// Server is where the mailer sends, without the password: "host:port (tls)".
func (m *SMTPMailer) Server() string {
	return fmt.Sprintf("%s (%s)", net.JoinHostPort(m.srv.Host, strconv.Itoa(m.srv.Port)), m.srv.TLS)
}

// SendError is a failed delivery. Temporary says whether trying again may
// help (a 4xx reply, a network failure) or not (a 5xx rejection).
type SendError struct {
	Err       error
	Temporary bool
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying: true unless it is a
// SendError marked permanent.
func IsTemporary(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Temporary
	}
	return true
}

// Send delivers msg to its recipients. The TLS policy is explicit:
// starttls requires STARTTLS, tls connects with implicit TLS, none sends
// in clear (and then authenticates with PLAIN to localhost only).
func (m *SMTPMailer) Send(ctx context.Context, msg *Message) error {
	gm, err := msg.build()
	if err != nil {
		return &SendError{Err: err}
	}
	opts := []mail.Option{mail.WithPort(m.srv.Port), mail.WithTimeout(m.timeout)}
	switch m.srv.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL(), mail.WithTLSPolicy(mail.TLSMandatory))
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if m.srv.Username != "" {
		// Over TLS, the strongest mechanism the server offers. In clear,
		// PLAIN, which go-mail only lets through to localhost: a password
		// never crosses a network unencrypted.
		auth := mail.SMTPAuthAutoDiscover
		if m.srv.TLS == "none" {
			auth = mail.SMTPAuthPlain
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(m.srv.Username), mail.WithPassword(m.srv.Password))
	}
	c, err := mail.NewClient(m.srv.Host, opts...)
	if err != nil {
		return &SendError{Err: fmt.Errorf("smtp client for %s: %w", m.Server(), err)}
	}
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, gm); err != nil {
		temp := true
		var se *mail.SendError
		if errors.As(err, &se) {
			temp = se.IsTemp()
		}
		return &SendError{Err: fmt.Errorf("send %q via %s to %s: %s", msg.Subject, m.Server(), strings.Join(msg.To, ", "),
			redactSecret(err.Error(), m.srv.Password)), Temporary: temp}
	}
	return nil
}

// redactSecret removes a secret from text that a library produced.
func redactSecret(text, secret string) string {
	if secret == "" {
		return text
	}
	return strings.ReplaceAll(text, secret, "xxxxx")
}

// Outbox writes messages as .eml files to a folder instead of sending
// them: OUT/YYYY-MM/outbox/<report>-YYYY-MM.eml, replaced on each run.
type Outbox struct {
	Dir string
}

// Path is where the outbox puts msg.
func (o Outbox) Path(msg *Message) string {
	return filepath.Join(o.Dir, fmt.Sprintf("%s-%s.eml", msg.Report, msg.Month))
}

// Send writes msg to its file, atomically.
func (o Outbox) Send(ctx context.Context, msg *Message) error {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return fmt.Errorf("outbox %s: %w", o.Dir, err)
	}
	return WriteFileAtomic(o.Path(msg), func(w io.Writer) error {
		_, err := msg.WriteTo(w)
		return err
	})
}

// WriteFileAtomic writes a file through a temporary file in the same
// folder, synced and then renamed over path, so that readers never see a
// half-written file.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}
