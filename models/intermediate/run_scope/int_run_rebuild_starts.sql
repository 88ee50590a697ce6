{{ config(materialized='table') }}

{#
    Per model of the series (the rolling actives, the power-user curve,
    growth accounting, stickiness, retention), the first day it recomputes
    tonight; every earlier day keeps its value, and the last of them seeds
    the running sums. The earliest of: the day after the newest day it holds
    and the day after the as-of date (the days it does not have yet, or no
    longer wants), the earliest user-day touched since its last run
    (int_run_touched_user_days), the earliest signup or deletion day, old or
    new, of the users changed since (int_users_tracked), and a backfill
    start. Null: rebuild it all (first run, lost or empty state).
#}

{%- set backfill = activity_metrics.backfill_range() %}
{%- set as_of_date = activity_metrics.date_literal(activity_metrics.as_of_date()) %}
{%- set never = "cast('9999-12-31' as date)" %}

with

states as (

    select
        model_name,
        events_loaded_through,
        users_loaded_through,
        newest_day
    from {{ ref('int_run_state') }}
    where model_name in ({{ "'" ~ activity_metrics.series_models() | join("', '") ~ "'" }})

),

user_changes as (

    {% for column in ['created_date', 'previous_created_date',
        'deleted_date', 'previous_deleted_date'] -%}
        select
            {{ column }} as changed_day,
            dbt_loaded_at
        from {{ ref('int_users_tracked') }}
        where {{ column }} is not null
            and dbt_loaded_at > (select min(states.users_loaded_through) from states)
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

candidates as (

    select
        states.model_name,
        states.events_loaded_through is null
        or states.users_loaded_through is null
        or states.newest_day is null as is_rebuilt_in_full,
        {{ activity_metrics.add_days('states.newest_day', 1) }} as after_newest_day,
        {{ activity_metrics.add_days(as_of_date, 1) }} as after_as_of_date,
        (
            select min(touched.activity_date)
            from {{ ref('int_run_touched_user_days') }} as touched
            where touched.touched_at > states.events_loaded_through
        ) as first_touched_day,
        (
            select min(user_changes.changed_day)
            from user_changes
            where user_changes.dbt_loaded_at > states.users_loaded_through
        ) as first_user_change_day
    from states

),

final as (

    select
        model_name,
        case
            when not is_rebuilt_in_full then
                least(
                    after_newest_day,
                    after_as_of_date,
                    coalesce(first_touched_day, {{ never }}),
                    coalesce(first_user_change_day, {{ never }}),
                    {{ activity_metrics.date_literal(backfill.start)
                        if backfill is not none else never }}
                )
        end as rebuild_start
    from candidates

)

select * from final
