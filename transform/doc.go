// Package transform computes the monthly numbers: MRR movements, the MRR
// bridge and retention rates, cohorts, survey statistics, campaign lift and
// customer health.
//
// Invariant: transform is pure. It imports no database, mail or spreadsheet
// code, does no I/O and never reads the clock; every instant it needs is a
// parameter. Money is exact (Money, integer cents); statistics use float64.
// Months are the Month type, whose intervals are half-open in the reporting
// time zone.
package transform
