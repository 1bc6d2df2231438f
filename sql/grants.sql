-- A least-privilege role for signals: read the source schemas, own the
-- reporting schema. Run once as a superuser or the warehouse owner, with
-- psql -v role=signals -v password=... -v schema=reporting -f sql/grants.sql
-- (the job itself never runs this file).

create role :"role" login password :'password';
grant usage on schema crm, billing, survey, support, product to :"role";
grant select on all tables in schema crm, billing, survey, support, product to :"role";
alter default privileges in schema crm, billing, survey, support, product grant select on tables to :"role";
create schema if not exists :"schema" authorization :"role";
