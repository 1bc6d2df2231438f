package redact

import "testing"

func TestString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"postgres URL", "dial postgres://app:s3cret@db:5432/wh failed", "dial postgres://app:xxxxx@db:5432/wh failed"},
		{"smtp URL", "smtp://mailer:p%40ss@smtp.example.com:587?tls=starttls", "smtp://mailer:xxxxx@smtp.example.com:587?tls=starttls"},
		{"no password", "postgres://app@db/wh", "postgres://app@db/wh"},
		{"key value", "host=db password=hunter2 user=x", "host=db password=xxxxx user=x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := String(tc.in); got != tc.want {
				t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if got := String(`pq: password authentication failed; tried "s3cretpw"`, "postgres://u:s3cretpw@h/d"); got != `pq: password authentication failed; tried "xxxxx"` {
		t.Errorf("literal password not redacted: %q", got)
	}
}
