{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set threshold = activity_metrics.checked_var('activity__coverage_threshold') -%}

{#-
    The coverage promises of the app team, one row per check, each with its
    threshold (var activity__coverage_threshold) and verdict. The nightly
    build warns on a failing check; `activity-metrics validate` fails.
-#}

with

users_with_activity as (

    select
        last_activity_at,
        app_last_activity_at
    from {{ ref('user_last_activity') }}
    where last_activity_at is not null

),

coverage_daily as (

    select * from {{ ref('mon_tracking_coverage_daily') }}
    where is_in_validation_window

),

app_coverage_all_users as (

    select
        'app_last_activity_all_users' as check_name,
        cast(null as date) as period_start_date,
        {{ activity_metrics.date_literal(as_of_date) }} as period_end_date,
        cast(null as date) as worst_date,
        count(*) as eligible_users,
        count(
            case
                when {{ activity_metrics.app_tracked(
                    'app_last_activity_at', 'last_activity_at') }}
                    then 1
            end
        ) as covered_users
    from users_with_activity

),

app_coverage_window as (

    select
        'app_last_activity_window' as check_name,
        min(date_day) as period_start_date,
        max(date_day) as period_end_date,
        cast(null as date) as worst_date,
        sum(active_users) as eligible_users,
        sum(app_tracked_users) as covered_users
    from coverage_daily

),

touch_log_coverage_window as (

    select
        'touch_log_window' as check_name,
        min(date_day) as period_start_date,
        max(date_day) as period_end_date,
        cast(null as date) as worst_date,
        sum(transactional_users) as eligible_users,
        sum(touch_log_tracked_users) as covered_users
    from coverage_daily
    where is_touch_log_live

),

touch_log_days_ranked as (

    select
        date_day,
        transactional_users,
        touch_log_tracked_users,
        row_number() over (
            order by touch_log_coverage asc, date_day asc
        ) as worst_rank
    from coverage_daily
    where is_touch_log_day_judged

),

touch_log_coverage_worst_day as (

    select
        'touch_log_worst_day' as check_name,
        min(coverage_daily.date_day) as period_start_date,
        max(coverage_daily.date_day) as period_end_date,
        max(touch_log_days_ranked.date_day) as worst_date,
        max(touch_log_days_ranked.transactional_users) as eligible_users,
        max(touch_log_days_ranked.touch_log_tracked_users) as covered_users
    from coverage_daily
    left join touch_log_days_ranked
        on coverage_daily.date_day = touch_log_days_ranked.date_day
            and touch_log_days_ranked.worst_rank = 1
    where coverage_daily.is_touch_log_live

),

checks_unioned as (

    select * from app_coverage_all_users
    union all
    select * from app_coverage_window
    union all
    select * from touch_log_coverage_window
    union all
    select * from touch_log_coverage_worst_day

),

final as (

    select
        check_name,
        period_start_date,
        period_end_date,
        worst_date,
        cast(coalesce(eligible_users, 0) as {{ dbt.type_bigint() }})
            as eligible_users,
        cast(coalesce(covered_users, 0) as {{ dbt.type_bigint() }})
            as covered_users,
        {{ activity_metrics.safe_ratio('covered_users', 'eligible_users') }}
            as coverage,
        cast({{ threshold }} as {{ activity_metrics.type_double() }}) as coverage_threshold,
        -- no eligible users (e.g. no touch log yet): nothing to check
        coalesce(
            {{ activity_metrics.safe_ratio('covered_users', 'eligible_users') }}
            >= {{ threshold }},
            true
        ) as is_passing
    from checks_unioned

)

select * from final
