{%- set as_of_date = activity_metrics.as_of_date() -%}

{#
    The published series: the `all` partition of the one sweep
    (int_rolling_actives_daily, incremental), with the user base of each day
    and the percentages. A table of one row per day, rebuilt whole every run
    from the sweep's few rows per day: nothing to plan, nothing to seed.
#}

with

rolling_actives as (

    select * from {{ ref('int_rolling_actives_daily') }}
    where segment_dimension = 'all'
        and date_day <= {{ activity_metrics.date_literal(as_of_date) }}

),

users as (

    select
        user_base_joined_date,
        user_base_left_date
    from {{ ref('int_users_classified') }}
    where user_base_joined_date is not null

),

first_day as (

    select min(date_day) as first_day from rolling_actives

),

user_base_changes as (

    -- users joining and leaving the user base; changes before the series'
    -- first day are folded into it, so the running sum starts right
    select
        greatest(users.user_base_joined_date, first_day.first_day) as date_day,
        1 as user_count_change
    from users
    cross join first_day
    union all
    select
        greatest(users.user_base_left_date, first_day.first_day) as date_day,
        -1 as user_count_change
    from users
    cross join first_day
    where users.user_base_left_date is not null

),

user_base_changes_per_day as (

    select
        date_day,
        sum(user_count_change) as user_count_change
    from user_base_changes
    group by date_day

),

series as (

    select
        rolling_actives.date_day,
        rolling_actives.dau,
        rolling_actives.wau,
        rolling_actives.mau,
        cast(sum(coalesce(user_base_changes_per_day.user_count_change, 0)) over (
            order by rolling_actives.date_day
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as total_users,
        rolling_actives.events_loaded_through,
        rolling_actives.users_loaded_through
    from rolling_actives
    left join user_base_changes_per_day
        on rolling_actives.date_day = user_base_changes_per_day.date_day

),

final as (

    select
        date_day,
        dau,
        wau,
        mau,
        total_users,
        {{ activity_metrics.safe_ratio('dau', 'total_users') }} as dau_pct,
        {{ activity_metrics.safe_ratio('wau', 'total_users') }} as wau_pct,
        {{ activity_metrics.safe_ratio('mau', 'total_users') }} as mau_pct,
        {{ activity_metrics.safe_ratio('dau', 'mau') }} as stickiness,
        events_loaded_through,
        users_loaded_through,
        {{ activity_metrics.run_stamp() }} as dbt_loaded_at
    from series

)

select * from final
