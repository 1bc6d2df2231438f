package jobs

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/signalsdev/signals/internal/redact"
)

// Pushgateway returns a Runner.Metrics hook that pushes each job's outcome
// to a Prometheus Pushgateway at base (SIGNALS_PUSHGATEWAY_URL), grouped by
// job. It POSTs, which replaces only the metrics it sends, and sends the
// last-success metrics only on success: a failure never erases the last
// success. A push that fails is logged and otherwise ignored.
func Pushgateway(base string, log *slog.Logger) func(context.Context, Outcome) {
	client := &http.Client{Timeout: 5 * time.Second}
	return func(ctx context.Context, o Outcome) {
		if o.Status == StatusSkipped {
			return
		}
		var b bytes.Buffer
		metric := func(name, help string, v float64) {
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", name, help, name, name, v)
		}
		ok := 0.0
		if o.Status == StatusSucceeded {
			ok = 1
			metric("signals_last_success_timestamp_seconds", "Unix time of the job's last successful run.", float64(time.Now().Unix()))
			metric("signals_last_success_month", "Month of the last success, as YYYYMM.", float64(o.Month.Year()*100+int(o.Month.Month())))
			metric("signals_last_success_rows_written", "Rows written by the last successful run.", float64(o.RowsWritten))
		}
		metric("signals_last_run_duration_seconds", "Duration of the job's last run.", o.Duration.Seconds())
		metric("signals_last_run_rows_read", "Rows read by the job's last run.", float64(o.RowsRead))
		metric("signals_last_run_success", "1 when the job's last run succeeded, else 0.", ok)
		metric("signals_last_run_attempts", "Attempts of the job's last run.", float64(o.Attempts))
		u := strings.TrimRight(base, "/") + "/metrics/job/signals/signals_job/" + url.PathEscape(o.Job)
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, &b)
		if err == nil {
			req.Header.Set("Content-Type", "text/plain; version=0.0.4")
			var resp *http.Response
			if resp, err = client.Do(req); err == nil {
				resp.Body.Close()
				if resp.StatusCode/100 != 2 {
					err = fmt.Errorf("status %s", resp.Status)
				}
			}
		}
		if err != nil {
			log.Warn("push metrics", "job", o.Job, "month", o.Month.String(), "err", redact.String(err.Error(), base))
		}
	}
}
