// Package report renders what the jobs computed for people: the finance and
// CX workbooks (excelize), the monthly email digests (html/template and
// text/template, with an inline PNG trend chart drawn with the image
// package) and their delivery over SMTP (go-mail) or to an outbox folder.
//
// Its invariant: report never queries a database. It is handed computed
// results (FinanceData, CXData) and turns them into files and messages.
// Money arrives exact (transform.Money, cents) and becomes a float only at
// the moment it is written to a cell or formatted for a reader, always with
// a currency number format. Nothing here reads the clock: the same input
// renders the same workbook cells and the same digest, which is what the
// golden tests and the delivery ledger's content hashes rely on.
//
// Workbooks are written with excelize. The large Movements sheet is written
// with a StreamWriter row by row from an iterator, so memory does not grow
// with the number of customers. Text that begins with =, +, - or @ is stored
// as an inline string, never as a formula.
package report
