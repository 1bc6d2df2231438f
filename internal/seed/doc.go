// Package seed fills the source warehouse (sql/warehouse/warehouse.sql) with
// deterministic, realistic data for demos and tests: customers, their
// subscriptions with trials, upgrades, downgrades, churn and reactivation,
// invoices with failed payments, FX rates, survey answers, support tickets,
// daily product usage and three campaigns with a real treatment effect.
//
// Invariants:
//
//   - Determinism: the same Options give byte-identical tables. Every draw
//     comes from a PCG stream seeded from (Seed, customer index, table), so
//     a customer's rows depend neither on the other customers nor on the
//     order of generation, and nothing reads the clock: every instant
//     derives from Options.Until and Options.Months.
//   - Bounded memory: customers are simulated a chunk at a time and their
//     rows streamed to the server with COPY, one transaction for the whole
//     load; no table is ever built in memory.
//   - Nothing happens at or after Until.End(Loc): no start, end, payment,
//     answer, ticket, usage day or event. A subscription that ends later is
//     still running (ended_at null). Intervals are half-open: ended_at is
//     exclusive.
//
// The subscription timeline is simulated a few months past Until, so the
// last months carry the warning signs (low scores, failed payments, fading
// usage, "copy of our contract" tickets) of churn that has not happened yet.
package seed
