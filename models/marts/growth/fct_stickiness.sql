{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set as_of = activity_metrics.date_literal(as_of_date) -%}
{%- set period_types = ['week', 'month'] -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_rebuilt_periods('period_start', 'period_type',
            ['week', 'month']) }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_users_tracked') }}

{#
    Stickiness by calendar period (CONTRACT section 6): for every ISO week
    and calendar month and k = 1..(days in the period), the users active on
    exactly k days of it; the period that holds the as-of date is included,
    not complete, counted through the as-of date. One count of each user's
    active days per period, O(user-days). Incremental like growth
    accounting: a nightly run recomputes the periods from the one that holds
    the series' rebuild start.
#}

with

user_days as (

    select
        user_id,
        activity_date
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of }}
        and activity_date >= {{ activity_metrics.rebuilt_from_periods(period_types) }}

),

period_counts as (

    -- per period: the users by their number of active days in it
    {% for period_type in period_types -%}
        select
            '{{ period_type }}' as period_type,
            period_start,
            active_days,
            count(*) as users
        from (
            select
                user_id,
                {{ activity_metrics.period_start(period_type, 'activity_date') }}
                    as period_start,
                count(*) as active_days
            from user_days
            group by
                user_id,
                {{ activity_metrics.period_start(period_type, 'activity_date') }}
        ) as user_{{ period_type }}s
        group by
            period_start,
            active_days
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

spine_range as (

    -- every day of every period from the first one counted (the series'
    -- rebuild start on a nightly run) through the one holding the as-of date:
    -- from the earlier start of the first week and month, to the later end of
    -- the last
    select
        first_day,
        least(
            {{ activity_metrics.period_start('week', 'first_day') }},
            {{ activity_metrics.period_start('month', 'first_day') }}
        ) as spine_start,
        greatest(
            {{ activity_metrics.add_days(activity_metrics.shift_period(
                'week', activity_metrics.period_start('week', as_of), 1), -1) }},
            {{ activity_metrics.add_days(activity_metrics.shift_period(
                'month', activity_metrics.period_start('month', as_of), 1), -1) }}
        ) as spine_end
    from (
        select {{ activity_metrics.first_counted_day('user_days') }} as first_day
    ) as first_counted

),

days as (

    {{ activity_metrics.day_series(
        '(select spine_start from spine_range)',
        '(select spine_end from spine_range)') }}

),

period_days as (

    -- one row per period and k = 1..(days in the period): its k-th day
    {% for period_type in period_types -%}
        select
            '{{ period_type }}' as period_type,
            {{ activity_metrics.period_start(period_type, 'date_day') }}
                as period_start,
            {{ activity_metrics.add_days(activity_metrics.shift_period(
                period_type, activity_metrics.period_start(period_type, 'date_day'), 1),
                -1) }} as period_end,
            {{ dbt.datediff(
                activity_metrics.period_start(period_type, 'date_day'),
                'date_day', 'day') }} + 1 as active_days
        from days
        where {{ activity_metrics.period_start(period_type, 'date_day') }}
            >= {{ activity_metrics.period_start(
                period_type, '(select first_day from spine_range)') }}
            and {{ activity_metrics.period_start(period_type, 'date_day') }}
            <= {{ activity_metrics.period_start(period_type, as_of) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        cast(period_days.period_type as {{ dbt.type_string() }}) as period_type,
        period_days.period_start,
        period_days.period_end,
        period_days.period_end <= {{ as_of }} as is_complete,
        cast(period_days.active_days as {{ dbt.type_int() }}) as active_days,
        cast(coalesce(period_counts.users, 0) as {{ dbt.type_bigint() }}) as users,
        least(period_days.period_end, {{ as_of }}) as last_counted_date,
        {{ activity_metrics.applied_change_stamps() }}
    from period_days
    left join period_counts
        on period_days.period_type = period_counts.period_type
            and period_days.period_start = period_counts.period_start
            and period_days.active_days = period_counts.active_days

)

select * from final
