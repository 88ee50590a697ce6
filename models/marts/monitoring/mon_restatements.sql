{%- set closed_after_days = activity_metrics.checked_var('activity__closed_after_days') -%}
{%- set threshold_pct = activity_metrics.checked_var('activity__restatement_threshold_pct') -%}

{#
    Every revision of a published day after its first (CONTRACT section 7),
    with the figures before and after it and as first reported: what changed,
    by how much, when. A day is closed when it is at least
    activity__closed_after_days before the revising build's as-of date; a
    closed day whose DAU, WAU or MAU moved by more than
    activity__restatement_threshold_pct percent of its previous revision is a
    restatement (the nightly's warn test, `activity-metrics validate` and
    `activity-metrics revisions` read is_restatement from here).
#}

with

revisions as (

    select * from {{ ref('fct_active_users_daily_revisions') }}

),

revised as (

    select
        later.date_day,
        later.revision,
        later.published_at,
        later.published_as_of_date,
        first_report.dau as first_reported_dau,
        first_report.wau as first_reported_wau,
        first_report.mau as first_reported_mau,
        earlier.dau as dau_before,
        later.dau as dau_after,
        earlier.wau as wau_before,
        later.wau as wau_after,
        earlier.mau as mau_before,
        later.mau as mau_after,
        earlier.total_users as total_users_before,
        later.total_users as total_users_after,
        later.date_day <= {{ activity_metrics.add_days(
            'later.published_as_of_date', -closed_after_days) }} as is_closed
    from revisions as later
    inner join revisions as earlier
        on later.date_day = earlier.date_day
            and later.revision = earlier.revision + 1
    inner join revisions as first_report
        on later.date_day = first_report.date_day
            and first_report.revision = 0

),

final as (

    select
        *,
        is_closed and (
            abs(dau_after - dau_before) * 100 > {{ threshold_pct }} * dau_before
            or abs(wau_after - wau_before) * 100 > {{ threshold_pct }} * wau_before
            or abs(mau_after - mau_before) * 100 > {{ threshold_pct }} * mau_before
        ) as is_restatement
    from revised

)

select * from final
