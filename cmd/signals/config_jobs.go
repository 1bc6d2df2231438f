package main

import (
	"math"
	"strings"

	"github.com/signalsdev/signals/jobs"
	"github.com/signalsdev/signals/report"
	"github.com/signalsdev/signals/transform"
)

// configureJobs reads the per-job settings from the environment (and the
// config file) into cfg: the CES scale, the health weights, phrases and
// competitors, and mail delivery. Unset keys keep the documented defaults.
func configureJobs(cfg *jobs.Config, e env) error {
	if v := e.get("SIGNALS_CES_SCALE"); v != "" {
		lo, hi, err := transform.ParseSurveyScale(v)
		if err != nil {
			return usagef("SIGNALS_CES_SCALE=%q: %v", v, err)
		}
		cfg.Surveys.CESMin, cfg.Surveys.CESMax = lo, hi
	}
	if n, ok, err := e.intIn("SIGNALS_CES_EASY", math.MinInt, math.MaxInt, "a whole number on the CES scale"); err != nil {
		return err
	} else if ok {
		cfg.Surveys.CESEasy = n
	}
	if v := e.get("SIGNALS_HEALTH_WEIGHTS"); v != "" {
		w, err := transform.ParseHealthWeights(v)
		if err != nil {
			return usagef("SIGNALS_HEALTH_WEIGHTS=%q: %v", v, err)
		}
		cfg.Health.Weights = w
	}
	for _, l := range []struct {
		key string
		dst *[]string
	}{
		{"SIGNALS_CONTRACT_PHRASES", &cfg.Health.ContractPhrases},
		{"SIGNALS_CANCEL_PHRASES", &cfg.Health.CancelPhrases},
		{"SIGNALS_COMPETITORS", &cfg.Health.Competitors},
	} {
		if v := e.get(l.key); v != "" {
			*l.dst = phraseList(v)
		}
	}
	if n, ok, err := e.intIn("SIGNALS_SENTIMENT_MONTHS", 1, 36, "1 to 36"); err != nil {
		return err
	} else if ok {
		cfg.Health.SentimentMonths = n
	}
	cfg.Mail = report.MailConfig{
		SMTPURL:   e.get("SIGNALS_SMTP_URL"),
		From:      e.get("SIGNALS_MAIL_FROM"),
		FinanceTo: report.SplitAddresses(e.get("SIGNALS_FINANCE_TO")),
		CXTo:      report.SplitAddresses(e.get("SIGNALS_CX_TO")),
	}
	if n, ok, err := e.intIn("SIGNALS_MAX_ATTACHMENT_MB", 0, math.MaxInt, "a whole number of MiB"); err != nil {
		return err
	} else if ok {
		cfg.Mail.MaxAttachmentMB = n
	}
	c := cfg.WithDefaults()
	if err := c.Surveys.Validate(); err != nil {
		return usagef("survey settings: %v", err)
	}
	if err := c.Health.Validate(); err != nil {
		return usagef("health settings: %v", err)
	}
	return nil
}

// phraseList splits a comma-separated list; "none" is the empty list, which
// turns the signal off.
func phraseList(v string) []string {
	if strings.EqualFold(strings.TrimSpace(v), "none") {
		return []string{}
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
