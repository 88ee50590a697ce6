{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set windows = activity_metrics.engagement_windows() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_rebuilt_days('date_day') }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_users_tracked') }}

{#
    The power-user curve (CONTRACT section 6): for every day D, window N (7
    and 30) and k = 1..N, the users active on exactly k days of [D-N+1, D].
    The users' moves between bins (int_active_days_bin_moves: a user's
    count changes only on an active day and on the day it leaves the
    window) summed over the days give every day's curve, O(user-days), no
    user x day grid.
    Incremental like the sweep: a nightly run recomputes the days from the
    series' rebuild start, reading the user-days of the longest window
    before it, each bin seeded with its stored count of the day before.
#}

with

user_days as (

    select activity_date
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}

),

bin_moves_per_day as (

    select * from {{ ref('int_active_days_bin_moves') }}

),

spine_bounds as (

    select
        {{ activity_metrics.first_counted_day('user_days') }}
            as first_day,
        {{ activity_metrics.date_literal(as_of_date) }} as last_day

),

days as (

    {{ activity_metrics.day_series(
        '(select first_day from spine_bounds)',
        '(select last_day from spine_bounds)') }}

),

bins as (

    {% for window_days in windows -%}
        {% for active_days in range(1, window_days + 1) -%}
            select
                {{ window_days }} as window_days,
                {{ active_days }} as active_days
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

previous_day as (

    {% if is_incremental() -%}
        select
            window_days,
            active_days,
            users
        from {{ this }}
        where date_day = {{ activity_metrics.add_days(
            activity_metrics.rebuild_start(), -1) }}
    {%- else -%}
        select
            window_days,
            active_days,
            cast(0 as {{ dbt.type_bigint() }}) as users
        from bins
        where 1 = 0
    {%- endif %}

),

running_bins as (

    select
        days.date_day,
        bins.window_days,
        bins.active_days,
        sum(coalesce(bin_moves_per_day.users_change, 0)) over (
            partition by bins.window_days, bins.active_days
            order by days.date_day
            rows between unbounded preceding and current row
        ) as users
    from days
    cross join bins
    left join bin_moves_per_day
        on days.date_day = bin_moves_per_day.date_day
            and bins.window_days = bin_moves_per_day.window_days
            and bins.active_days = bin_moves_per_day.active_days

),

final as (

    select
        running_bins.date_day,
        cast(running_bins.window_days as {{ dbt.type_int() }}) as window_days,
        cast(running_bins.active_days as {{ dbt.type_int() }}) as active_days,
        cast(
            running_bins.users + coalesce(previous_day.users, 0)
            as {{ dbt.type_bigint() }}
        ) as users,
        {{ activity_metrics.applied_change_stamps() }}
    from running_bins
    left join previous_day
        on running_bins.window_days = previous_day.window_days
            and running_bins.active_days = previous_day.active_days

)

select * from final
