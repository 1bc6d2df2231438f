-- campaign_lift, beyond 00001: the figures behind each interval, the run
-- that wrote the row, and the meaning of each row written down in the
-- catalog. Statements are unqualified (search_path is the reporting schema).

-- +goose Up
alter table campaign_lift
    add column control_share    double precision,
    add column control_events   bigint,
    add column treatment_events bigint,
    add column df               double precision,
    add column abs_std_error    double precision,
    add column rel_std_error    double precision,
    add column run_id           uuid,
    add constraint campaign_lift_kind check (kind in ('proportion', 'mean', 'campaign'));

comment on table campaign_lift is
    'Campaign lift per run month (CONTRACT §5). Every campaign with members assigned before the end of the month has a summary row (metric ''_campaign'', kind ''campaign'': arm sizes, SRM, and in reason why there are no effect rows, e.g. ''no control arm''). A campaign with a control and a treatment arm also has <event>_rate (proportion), <event>_per_member (mean) per event name and retained (proportion).';
comment on column campaign_lift.metric is
    '<event>_rate: share of members with the event in their window; <event>_per_member: value of the event per member, zeros included; retained: share of members with MRR when assigned still with MRR at the end of their window or of the month; _campaign: the campaign summary row';
comment on column campaign_lift.kind is 'proportion, mean, or campaign (the summary row)';
comment on column campaign_lift.n_control is 'members in the control arm (retained: those with MRR when assigned)';
comment on column campaign_lift.n_treatment is 'members in the treatment arm (retained: those with MRR when assigned)';
comment on column campaign_lift.control_var is 'per-member variance: p(1-p) for proportions, sample variance (n-1) for means';
comment on column campaign_lift.abs_lift is 'treatment mean minus control mean';
comment on column campaign_lift.rel_lift is '(treatment mean - control mean) / |control mean|, a fraction (0.1 = +10%); variance by the delta method';
comment on column campaign_lift.abs_ci_low is '95% two-sided Student t interval, Welch-Satterthwaite degrees of freedom (column df)';
comment on column campaign_lift.rel_ci_low is '95% two-sided Student t interval, Welch-Satterthwaite degrees of freedom (column df)';
comment on column campaign_lift.srm_p_value is 'chi-square goodness of fit of the arm sizes against control_share, the same on every row of a campaign; below 0.001 the assignment is suspect; null without control_share';
comment on column campaign_lift.low_sample is 'an arm has fewer than 100 members or fewer than 10 members with the outcome';
comment on column campaign_lift.reason is 'why effects (or the SRM check) are null: fewer than 2 members, zero variance, zero control mean, no control arm, unknown control_share';
comment on column campaign_lift.control_events is 'members of the control arm with the outcome (the low-sample count)';
comment on column campaign_lift.treatment_events is 'members of the treatment arm with the outcome (the low-sample count)';

-- +goose Down
alter table campaign_lift
    drop constraint campaign_lift_kind,
    drop column run_id,
    drop column rel_std_error,
    drop column abs_std_error,
    drop column df,
    drop column treatment_events,
    drop column control_events,
    drop column control_share;
comment on table campaign_lift is null;
comment on column campaign_lift.metric is null;
comment on column campaign_lift.kind is null;
comment on column campaign_lift.n_control is null;
comment on column campaign_lift.n_treatment is null;
comment on column campaign_lift.control_var is null;
comment on column campaign_lift.abs_lift is null;
comment on column campaign_lift.rel_lift is null;
comment on column campaign_lift.abs_ci_low is null;
comment on column campaign_lift.rel_ci_low is null;
comment on column campaign_lift.srm_p_value is null;
comment on column campaign_lift.low_sample is null;
comment on column campaign_lift.reason is null;
