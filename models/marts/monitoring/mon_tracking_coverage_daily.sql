{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set validation_days = activity_metrics.checked_var('activity__validation_days') -%}
{%- set threshold = activity_metrics.checked_var('activity__coverage_threshold') -%}
{%- set min_users = activity_metrics.checked_var('activity__coverage_min_users_per_day') -%}

{#-
    Does the app's own tracking see everyone who acted? Per day, over the
    users with counted activity: app coverage (users.last_activity_at set
    and no older than their last counted activity minus the touch cooldown)
    and touch-log coverage (of the users active in the transactional
    tables, the share with a counted touch; null before the touch log's
    first day), each day's threshold, whether its touch log is judged alone
    (live, with activity__coverage_min_users_per_day eligible users), and a
    flag for a judged day below the threshold.
-#}

with

user_days as (

    select
        user_id,
        activity_date,
        last_activity_at,
        touch_log_count as touch_count,
        transactional_count
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}

),

users as (

    select
        user_id,
        app_last_activity_at
    from {{ ref('int_users_classified') }}

),

touch_log_start as (

    select * from {{ ref('int_touch_log_start') }}

),

coverage_per_day as (

    select
        user_days.activity_date as date_day,
        count(*) as active_users,
        count(
            case
                when {{ activity_metrics.app_tracked(
                    'users.app_last_activity_at', 'user_days.last_activity_at') }}
                    then 1
            end
        ) as app_tracked_users,
        count(case when user_days.transactional_count > 0 then 1 end)
            as transactional_users,
        count(
            case
                when user_days.transactional_count > 0 and user_days.touch_count > 0
                    then 1
            end
        ) as touch_log_tracked_users
    from user_days
    left join users
        on user_days.user_id = users.user_id
    group by user_days.activity_date

),

coverage_computed as (

    select
        coverage_per_day.date_day,
        cast(coverage_per_day.active_users as {{ dbt.type_bigint() }})
            as active_users,
        cast(coverage_per_day.app_tracked_users as {{ dbt.type_bigint() }})
            as app_tracked_users,
        {{ activity_metrics.safe_ratio(
            'coverage_per_day.app_tracked_users',
            'coverage_per_day.active_users') }} as app_coverage,
        cast(coverage_per_day.transactional_users as {{ dbt.type_bigint() }})
            as transactional_users,
        cast(
            coverage_per_day.touch_log_tracked_users as {{ dbt.type_bigint() }}
        ) as touch_log_tracked_users,
        case
            when coverage_per_day.date_day >= touch_log_start.first_touch_date
                then {{ activity_metrics.safe_ratio(
                    'coverage_per_day.touch_log_tracked_users',
                    'coverage_per_day.transactional_users') }}
        end as touch_log_coverage,
        coalesce(
            coverage_per_day.date_day >= touch_log_start.first_touch_date,
            false
        ) as is_touch_log_live,
        coverage_per_day.date_day > {{ activity_metrics.add_days(
            activity_metrics.date_literal(as_of_date), -validation_days) }}
            as is_in_validation_window
    from coverage_per_day
    cross join touch_log_start

),

coverage_judged as (

    select
        date_day,
        active_users,
        app_tracked_users,
        app_coverage,
        transactional_users,
        touch_log_tracked_users,
        touch_log_coverage,
        is_touch_log_live,
        is_in_validation_window,
        cast({{ threshold }} as {{ activity_metrics.type_double() }})
            as coverage_threshold,
        is_touch_log_live
        and touch_log_coverage is not null
        and transactional_users >= {{ min_users }} as is_touch_log_day_judged
    from coverage_computed

),

final as (

    select
        coverage_judged.*,
        coverage_judged.is_touch_log_day_judged
        and coverage_judged.touch_log_coverage < coverage_judged.coverage_threshold
            as is_touch_log_below_threshold
    from coverage_judged

)

select * from final
