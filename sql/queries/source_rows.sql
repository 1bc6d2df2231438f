-- source_rows: whether a source table holds any row. The table name is
-- substituted by the caller from a fixed allow-list (never from user input),
-- because identifiers cannot be parameters.
-- columns: has_rows boolean
select exists (select 1 from %s) as has_rows
