package jobs

import "errors"

// UsageError marks bad usage or bad input: a malformed month, a reversed
// range, an unknown job, a missing FX rate, an empty source. The command
// exits 2 for it, 1 for other failures.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// IsUsage reports whether err is (or wraps) a UsageError or an
// extract.InputError.
func IsUsage(err error) bool {
	var u UsageError
	var in interface{ InputError() bool }
	return errors.As(err, &u) || errors.As(err, &in) && in.InputError()
}
