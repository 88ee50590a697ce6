{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}

{#
    The revisions ledger of growth accounting's closed periods (CONTRACT
    section 7): one row per period kind, period and revision, appended by
    every build that publishes a complete period for the first time
    (revision 0) or with other counts (a late row, a user flagged
    afterwards, a backfill). The period in progress is not recorded: its
    counts move every night by design. Append-only, kept by --full-refresh,
    like fct_active_users_daily_revisions.
#}

{{ activity_metrics.revisions_ledger(
    ref('fct_growth_accounting'),
    ['period_type', 'period_start'],
    ['active_users', 'new_users', 'retained_users', 'resurrected_users', 'churned_users'],
    where='is_complete') }}
