package load

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"regexp"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/signalsdev/signals/transform"
)

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// ValidSchema checks a reporting schema name from configuration: lower-case
// letters, digits and underscores, at most 63 bytes, not starting with a digit.
func ValidSchema(s string) error {
	if !identRE.MatchString(s) {
		return fmt.Errorf("schema %q: want lower-case letters, digits and _ (at most 63, not starting with a digit)", s)
	}
	return nil
}

// ConnURL returns databaseURL with search_path set to schema (so reporting
// tables resolve unqualified), an explicit sslmode (prefer when the URL
// names none: set it yourself in production) and an application_name.
func ConnURL(databaseURL, schema string) (string, error) {
	if err := ValidSchema(schema); err != nil {
		return "", err
	}
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("database URL: want postgres://user:password@host:port/db?sslmode=...")
	}
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "prefer")
	}
	q.Set("search_path", pq.QuoteIdentifier(schema)+",public")
	if q.Get("application_name") == "" {
		q.Set("application_name", "signals")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// DeleteMonth deletes the rows of table whose month column equals m. table
// and column are compile-time names from this package's callers.
func DeleteMonth(ctx context.Context, tx *sqlx.Tx, table, column string, m transform.Month) (int64, error) {
	res, err := tx.ExecContext(ctx, fmt.Sprintf("delete from %s where %s = $1", pq.QuoteIdentifier(table), pq.QuoteIdentifier(column)), m.Date())
	if err != nil {
		return 0, fmt.Errorf("delete %s rows of %s: %w", table, m, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Copier streams rows into a table with COPY inside a transaction.
type Copier struct {
	table string
	stmt  *sql.Stmt
	n     int64
}

// Copy starts a COPY into table (unqualified: the reporting schema) for the
// given columns.
func Copy(ctx context.Context, tx *sqlx.Tx, table string, columns ...string) (*Copier, error) {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, columns...))
	if err != nil {
		return nil, fmt.Errorf("copy into %s: %w", table, err)
	}
	return &Copier{table: table, stmt: stmt}, nil
}

// Row sends one row; values are in the order of the columns.
func (c *Copier) Row(values ...any) error {
	if _, err := c.stmt.Exec(values...); err != nil {
		return fmt.Errorf("copy into %s, row %d: %w", c.table, c.n+1, err)
	}
	c.n++
	return nil
}

// Close finishes the COPY and returns the number of rows written.
func (c *Copier) Close() (int64, error) {
	if _, err := c.stmt.Exec(); err != nil {
		c.stmt.Close()
		return 0, fmt.Errorf("finish copy into %s: %w", c.table, err)
	}
	if err := c.stmt.Close(); err != nil {
		return 0, fmt.Errorf("close copy into %s: %w", c.table, err)
	}
	return c.n, nil
}

// Float returns a nullable float for a double precision column.
func Float(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
