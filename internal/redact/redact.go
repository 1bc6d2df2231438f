// Package redact removes secrets from text before it is logged, stored in
// job_runs or shown to a user: passwords in URLs (postgres://, smtp://) and
// password= key-value pairs.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):[^@\s]*@`)
	kvRE       = regexp.MustCompile(`(?i)(password\s*=\s*)('[^']*'|\S+)`)
)

// String replaces the password of every URL in s, every password=value
// pair, and every literal occurrence of the given URLs' passwords.
func String(s string, urls ...string) string {
	for _, raw := range urls {
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			if p, ok := u.User.Password(); ok && len(p) >= 4 {
				s = strings.ReplaceAll(s, p, "xxxxx")
			}
		}
	}
	s = userinfoRE.ReplaceAllString(s, "$1:xxxxx@")
	return kvRE.ReplaceAllString(s, "${1}xxxxx")
}

// URL returns raw with its password replaced by xxxxx.
func URL(raw string) string { return String(raw) }
