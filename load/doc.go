// Package load writes results back to the reporting schema and owns its
// migrations. Every write happens inside the job-month transaction it is
// handed: a month's old rows are deleted and the new ones inserted (large
// sets with COPY), so readers see the old month or the new one, never a mix.
// Reporting tables are referred to unqualified; connections carry the
// configured schema as their search_path (see ConnURL).
package load
