{{ config(materialized='ephemeral') }}

{%- set as_of_date = activity_metrics.as_of_date() %}
{%- set windows = activity_metrics.engagement_windows() %}

{#
    The moves between bins of the power-user curve
    (fct_active_days_distribution_daily): a user's count of active days in
    a window of N days changes only on an active day (+1) and N days after
    it (-1, the day leaves the window); each change moves the user out of
    the bin of its old count and into the bin of its new one. Per window,
    day and bin, the net move: O(user-days), no user x day grid. On a
    nightly run it reads the user-days of the longest window before the
    curve's rebuild start.
#}

with

user_days as (

    select
        user_id,
        activity_date
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}
        and activity_date >= {{ activity_metrics.add_days(
            activity_metrics.rebuilt_from(
                'day', 'fct_active_days_distribution_daily'), -(windows | max)) }}

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

final as (

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

)

select * from final
