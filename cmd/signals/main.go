// Command signals computes a company's monthly revenue, churn, survey,
// customer-health and campaign numbers from its PostgreSQL warehouse, writes
// them to reporting tables and renders workbooks and digests.
// See README.md and ../shared/contract/CONTRACT.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}
