// Package sqlfiles embeds every SQL statement signals runs: the goose
// migrations of the reporting schema (migrations/), one statement per file
// for the queries (queries/), and the default source warehouse schema
// (warehouse/). SQL that names source tables lives only here, so adapting
// signals to another warehouse means editing these files, not Go code.
//
// The package is called sqlfiles so that it does not shadow database/sql.
package sqlfiles

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed queries/*.sql
var queries embed.FS

//go:embed warehouse/warehouse.sql
var Warehouse string

// WarehouseIndexes are the recommended indexes on the source tables.
//
//go:embed warehouse/indexes.sql
var WarehouseIndexes string

//go:embed grants.sql
var Grants string

// Migrations is the goose migration folder for the reporting schema. The
// statements are unqualified: they run with search_path set to the schema.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}

// Query returns the statement in queries/<name>.sql. A name with no file is a
// programming error and panics; TestQueriesExist covers every name in use.
func Query(name string) string {
	b, err := queries.ReadFile("queries/" + name + ".sql")
	if err != nil {
		panic("sqlfiles: no query " + name)
	}
	return string(b)
}

// QueryNames lists the embedded queries, without the .sql suffix.
func QueryNames() []string {
	ents, _ := queries.ReadDir("queries")
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".sql"))
	}
	return names
}
