{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}

{#
    The revisions ledger of the published series (CONTRACT section 7): one
    row per day and revision, appended by every build that publishes a day's
    figures for the first time (revision 0) or changes them (1, 2, ... in
    build order); a build that publishes the same figures adds nothing.
    Append-only: no later build updates or deletes a row, and full_refresh
    is false, so `dbt build --full-refresh` keeps it too (an incremental
    model rather than a snapshot: a snapshot keeps the current value per key
    with validity dates and is rewritten by a full refresh of its target; the
    ledger's grain is the revision itself, numbered).
#}

{{ activity_metrics.revisions_ledger(
    ref('fct_active_users_daily'),
    ['date_day'],
    ['dau', 'wau', 'mau', 'total_users']) }}
