{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set windows = [
    activity_metrics.checked_var('activity__wau_days'),
    activity_metrics.checked_var('activity__mau_days')] -%}
{%- set rebuild_start = activity_metrics.series_rebuild_start() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_date_range('date_day', {
            'start': activity_metrics.series_rebuild_start(),
            'end': none, 'end_inclusive': false}) }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_activity_events_classified') }}
-- depends_on: {{ ref('int_users_tracked') }}

{#
    The power-user curve (CONTRACT section 6): for every day D, window N (7
    and 30) and k = 1..N, the users active on exactly k days of [D-N+1, D].
    A user's count in a window changes only on an active day (+1) and N days
    after it (-1, the day leaves the window): those transitions move the
    user from one bin to the next, and a running sum of the bins' moves over
    the days gives every day's curve, O(user-days), no user x day grid.
    Incremental like the sweep: a nightly run recomputes the days from the
    series' rebuild start, reading the user-days of the longest window
    before it, each bin seeded with its stored count of the day before.
#}

with

user_days as (

    select
        user_id,
        activity_date
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}
    {%- if rebuild_start is not none %}
        and activity_date >= {{ activity_metrics.add_days(
            activity_metrics.date_literal(rebuild_start), -(windows | max)) }}
    {%- endif %}

),

window_changes as (

    -- +1 on each active day, -1 on the day it leaves each window
    {% for window_days in windows -%}
        select
            {{ window_days }} as window_days,
            user_id,
            activity_date as change_date,
            1 as active_days_change
        from user_days
        union all
        select
            {{ window_days }} as window_days,
            user_id,
            {{ activity_metrics.add_days('activity_date', window_days) }} as change_date,
            -1 as active_days_change
        from user_days
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

user_counts as (

    -- each user's active days in the window after each day it changes
    select
        window_days,
        user_id,
        change_date,
        active_days_change,
        sum(active_days_change) over (
            partition by window_days, user_id
            order by change_date
            rows between unbounded preceding and current row
        ) as active_days_after
    from (
        select
            window_days,
            user_id,
            change_date,
            sum(active_days_change) as active_days_change
        from window_changes
        group by
            window_days,
            user_id,
            change_date
    ) as changes_per_day
    where active_days_change != 0

),

bin_moves as (

    -- the user enters the bin of its new count and leaves the bin of its old
    select
        window_days,
        change_date as date_day,
        active_days_after as active_days,
        1 as users_change
    from user_counts
    where active_days_after > 0
    union all
    select
        window_days,
        change_date as date_day,
        active_days_after - active_days_change as active_days,
        -1 as users_change
    from user_counts
    where active_days_after - active_days_change > 0

),

bin_moves_per_day as (

    select
        window_days,
        date_day,
        active_days,
        sum(users_change) as users_change
    from bin_moves
    group by
        window_days,
        date_day,
        active_days

),

spine_bounds as (

    select
        {{ activity_metrics.first_counted_day(rebuild_start, 'user_days') }}
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

    {% if rebuild_start is not none -%}
        select
            window_days,
            active_days,
            users
        from {{ this }}
        where date_day = {{ activity_metrics.add_days(
            activity_metrics.date_literal(rebuild_start), -1) }}
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
