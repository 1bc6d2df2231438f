-- The reporting schema of CONTRACT §7. Statements are unqualified: signals
-- runs them with search_path set to the configured schema (default reporting).
-- Months are the date of their first day; money is numeric, never float.

-- +goose Up
create table job_runs (
    run_id          uuid primary key,
    job             text not null,
    month           date not null,
    status          text not null check (status in ('running', 'succeeded', 'failed', 'cancelled', 'skipped')),
    started_at      timestamptz not null,
    finished_at     timestamptz,
    rows_read       bigint not null default 0,
    rows_written    bigint not null default 0,
    error           text,
    params          jsonb not null default '{}',
    params_hash     text,
    version         text,
    data_watermark  timestamptz,
    attempts        integer not null default 1,
    host            text
);
create index job_runs_job_month on job_runs (job, month, started_at desc);

create table mrr_monthly (
    month                     date not null,
    dimension                 text not null,
    member                    text not null,
    currency                  text not null,
    customers_start           integer not null,
    customers_new             integer not null,
    customers_reactivated     integer not null,
    customers_expanded        integer not null,
    customers_contracted      integer not null,
    customers_churned         integer not null,
    customers_end             integer not null,
    mrr_start                 numeric(18,2) not null,
    mrr_fx                    numeric(18,2) not null,
    mrr_new                   numeric(18,2) not null,
    mrr_reactivation          numeric(18,2) not null,
    mrr_expansion             numeric(18,2) not null,
    mrr_contraction           numeric(18,2) not null,
    mrr_churned               numeric(18,2) not null,
    mrr_end                   numeric(18,2) not null,
    logo_churn_rate           double precision,
    gross_mrr_churn_rate      double precision,
    net_mrr_churn_rate        double precision,
    grr                       double precision,
    nrr                       double precision,
    quick_ratio               double precision,
    net_customer_change_rate  double precision,
    primary key (month, dimension, member),
    constraint mrr_bridge check (mrr_end = mrr_start + mrr_fx + mrr_new + mrr_reactivation
        + mrr_expansion - mrr_contraction - mrr_churned)
);

create table customer_mrr_monthly (
    month         date not null,
    customer_id   text not null,
    mrr_start     numeric(18,2) not null, -- MRR at the end of M-1, at M's rates (s)
    mrr_end       numeric(18,2) not null, -- MRR at the end of M (e)
    mrr_fx        numeric(18,2) not null, -- s minus the MRR at the end of M-1 at M-1's rates
    mrr_change    numeric(18,2) not null, -- e - s
    movement      text not null check (movement in ('new', 'reactivation', 'expansion', 'contraction', 'churn', 'flat')),
    cohort_month  date,
    segment              text,
    region               text,
    industry             text,
    acquisition_channel  text,
    primary key (month, customer_id)
);
create index customer_mrr_monthly_customer on customer_mrr_monthly (customer_id, month);

create table cohort_retention (
    cohort_month      date not null,
    months_since      integer not null,
    month             date not null,
    customers         integer not null,
    customers_active  integer not null,
    mrr_cohort        numeric(18,2) not null,
    mrr_active        numeric(18,2) not null,
    primary key (cohort_month, months_since)
);
create index cohort_retention_month on cohort_retention (month);

create table survey_monthly (
    month           date not null,
    survey_type     text not null,
    dimension       text not null,
    member          text not null,
    responses       integer not null,
    skipped         integer not null,
    positive        integer not null,
    neutral         integer not null,
    negative        integer not null,
    score           double precision,
    std_error       double precision,
    ci_low          double precision,
    ci_high         double precision,
    prev_responses  integer,
    prev_score      double precision,
    delta           double precision,
    p_value         double precision,
    significant     boolean,
    low_sample      boolean not null,
    primary key (month, survey_type, dimension, member)
);

create table campaign_lift (
    month           date not null,
    campaign_id     text not null,
    metric          text not null,
    kind            text not null, -- 'proportion' or 'mean'
    n_control       integer not null,
    n_treatment     integer not null,
    control_mean    double precision,
    treatment_mean  double precision,
    control_var     double precision,
    treatment_var   double precision,
    abs_lift        double precision,
    abs_ci_low      double precision,
    abs_ci_high     double precision,
    abs_p_value     double precision,
    rel_lift        double precision,
    rel_ci_low      double precision,
    rel_ci_high     double precision,
    rel_p_value     double precision,
    srm_p_value     double precision,
    low_sample      boolean not null default false,
    reason          text,
    primary key (month, campaign_id, metric)
);

create table customer_health (
    month        date not null,
    customer_id  text not null,
    score        numeric(5,1) not null,
    band         text not null check (band in ('green', 'yellow', 'red')),
    prev_score   numeric(5,1),
    components   jsonb not null,
    mrr          numeric(18,2),
    primary key (month, customer_id)
);

create table customer_signals (
    month        date not null,
    customer_id  text not null,
    signal       text not null,
    severity     text not null check (severity in ('info', 'warning', 'critical')),
    evidence     text not null,
    primary key (month, customer_id, signal)
);

create table data_quality (
    month    date not null,
    source   text not null,
    "check"  text not null,
    rows     bigint not null,
    example  text,
    primary key (month, source, "check")
);

create table deliveries (
    report        text not null,
    month         date not null,
    recipient     text not null,
    content_hash  text not null,
    run_id        uuid,
    status        text not null check (status in ('pending', 'sent', 'failed')),
    attempts      integer not null default 0,
    sent_at       timestamptz,
    error         text,
    correction    boolean not null default false,
    primary key (report, month, recipient, content_hash)
);

-- +goose Down
drop table deliveries;
drop table data_quality;
drop table customer_signals;
drop table customer_health;
drop table campaign_lift;
drop table survey_monthly;
drop table cohort_retention;
drop table customer_mrr_monthly;
drop table mrr_monthly;
drop table job_runs;
