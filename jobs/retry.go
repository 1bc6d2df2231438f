package jobs

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// transientCodes are SQLSTATEs worth retrying: serialization failure,
// deadlock, admin shutdown / crash shutdown / cannot connect now (a
// restarting server), too many connections.
var transientCodes = map[pq.ErrorCode]bool{
	"40001": true, "40P01": true, "57P01": true, "57P02": true, "57P03": true, "53300": true,
}

// Transient reports whether err is a database error worth retrying: a
// connection refused, reset or lost, or one of the SQLSTATEs above.
// Cancellation and deadlines are never transient.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		return transientCodes[pe.Code] || pe.Code.Class() == "08"
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	// lib/pq reports some lost connections only as text.
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "connection reset") ||
		strings.Contains(msg, "bad connection") || strings.Contains(msg, "the database system is")
}

// backoff returns the wait before retry attempt n (1-based): exponential from
// base, capped at max, with full jitter.
func backoff(n int, base, max time.Duration) time.Duration {
	d := base << (n - 1)
	if d > max || d <= 0 {
		d = max
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
