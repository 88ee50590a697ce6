-- The identities of CONTRACT section 6, one row per failure naming it:
-- - curve_sum_is_wau / curve_sum_is_mau: on every day, the power-user curve
--   of the 7-day (30-day) window sums to WAU (MAU) of the series;
-- - curve_weighted_sum_is_user_days: k x users summed over k is the number
--   of active user-days in the window (the series' DAU summed over it);
-- - stickiness_sum_is_active_users: a period's users summed over k equal its
--   active_users in fct_growth_accounting.

{%- set wau_days = activity_metrics.checked_var('activity__wau_days') -%}
{%- set mau_days = activity_metrics.checked_var('activity__mau_days') %}

with

series as (

    select
        date_day,
        wau,
        mau,
        sum(dau) over (
            order by date_day rows between {{ wau_days - 1 }} preceding and current row
        ) as wau_user_days,
        sum(dau) over (
            order by date_day rows between {{ mau_days - 1 }} preceding and current row
        ) as mau_user_days
    from {{ ref('fct_active_users_daily') }}

),

expected_curves as (

    select
        date_day,
        {{ wau_days }} as window_days,
        'wau' as window_metric,
        wau as users,
        wau_user_days as user_days
    from series
    union all
    select
        date_day,
        {{ mau_days }} as window_days,
        'mau' as window_metric,
        mau as users,
        mau_user_days as user_days
    from series

),

curve as (

    select
        date_day,
        window_days,
        sum(users) as users,
        sum(active_days * users) as user_days
    from {{ ref('fct_active_days_distribution_daily') }}
    group by
        date_day,
        window_days

),

stickiness as (

    select
        period_type,
        period_start,
        sum(users) as users
    from {{ ref('fct_stickiness') }}
    group by
        period_type,
        period_start

),

checks as (

    select
        case
            when curve.date_day is null then 'curve_has_every_day'
            when curve.users != expected_curves.users
                then 'curve_sum_is_' || expected_curves.window_metric
            else 'curve_weighted_sum_is_user_days'
        end as failed_identity,
        cast(expected_curves.date_day as {{ dbt.type_string() }}) as period
    from expected_curves
    left join curve
        on expected_curves.date_day = curve.date_day
            and expected_curves.window_days = curve.window_days
    where curve.date_day is null
        or curve.users != expected_curves.users
        or curve.user_days != expected_curves.user_days

    union all

    select
        'stickiness_sum_is_active_users' as failed_identity,
        cast(growth.period_start as {{ dbt.type_string() }}) as period
    from {{ ref('fct_growth_accounting') }} as growth
    full outer join stickiness
        on growth.period_type = stickiness.period_type
            and growth.period_start = stickiness.period_start
    where coalesce(growth.period_type, stickiness.period_type) in ('week', 'month')
        and (
            growth.period_start is null
            or stickiness.period_start is null
            or growth.active_users != stickiness.users
        )

)

select * from checks
