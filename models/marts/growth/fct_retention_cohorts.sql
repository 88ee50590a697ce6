{%- set as_of_date = activity_metrics.as_of_date() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_rebuilt_days('activity_month', 'month') }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_users_tracked') }}

{#
    Monthly retention by cohort (CONTRACT section 4): the users whose first
    active day falls in a month, and how many of them were active in each
    month since, from 0 through the month of the as-of date (a month with
    nobody active still has its row). Incremental: a nightly run recomputes
    the activity months from the one that contains the earliest rewritten
    user-day, for every cohort; earlier months keep their rows.
#}

with

cohort_users as (

    select
        user_id,
        {{ activity_metrics.period_start('month', 'first_activity_date') }}
            as cohort_month
    from {{ ref('user_last_activity') }}
    where first_activity_date is not null

),

cohort_sizes as (

    select
        cohort_month,
        count(*) as cohort_users
    from cohort_users
    group by cohort_month

),

user_months as (

    select distinct
        user_id,
        {{ activity_metrics.period_start('month', 'activity_date') }}
            as activity_month
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}
        and activity_date >= {{ activity_metrics.rebuilt_from('month') }}

),

active_per_cohort_month as (

    select
        cohort_users.cohort_month,
        user_months.activity_month,
        count(*) as active_users
    from user_months
    inner join cohort_users
        on user_months.user_id = cohort_users.user_id
    group by
        cohort_users.cohort_month,
        user_months.activity_month

),

days as (

    {{ activity_metrics.day_series(
        '(case when ' ~ activity_metrics.rebuild_start() ~ ' is null'
            ~ ' then (select min(cohort_month) from cohort_sizes)'
            ~ ' else ' ~ activity_metrics.rebuilt_from('month') ~ ' end)',
        activity_metrics.date_literal(as_of_date)) }}

),

months as (

    select distinct
        {{ activity_metrics.period_start('month', 'date_day') }} as activity_month
    from days

),

cohort_months as (

    select
        cohort_sizes.cohort_month,
        months.activity_month,
        cohort_sizes.cohort_users
    from cohort_sizes
    inner join months
        on cohort_sizes.cohort_month <= months.activity_month

),

final as (

    select
        cohort_months.cohort_month,
        cast(
            {{ dbt.datediff(
                'cohort_months.cohort_month', 'cohort_months.activity_month', 'month') }}
            as {{ dbt.type_int() }}
        ) as months_since_first,
        cohort_months.activity_month,
        cast(cohort_months.cohort_users as {{ dbt.type_bigint() }}) as cohort_users,
        cast(
            coalesce(active_per_cohort_month.active_users, 0) as {{ dbt.type_bigint() }}
        ) as active_users,
        {{ activity_metrics.safe_ratio(
            'coalesce(active_per_cohort_month.active_users, 0)',
            'cohort_months.cohort_users') }} as retention_pct,
        {{ activity_metrics.applied_change_stamps() }}
    from cohort_months
    left join active_per_cohort_month
        on cohort_months.cohort_month = active_per_cohort_month.cohort_month
            and cohort_months.activity_month = active_per_cohort_month.activity_month

)

select * from final
