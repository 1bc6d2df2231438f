// Package extract reads the warehouse: query methods that run the embedded
// statements of sql/queries and stream rows, one at a time, into transform
// types through a callback. Nothing here holds a whole table in memory, and
// nothing here computes: aggregation that belongs to the database is in the
// SQL, the rest is in transform.
package extract
