{{ config(tags=["full_history"]) }}
-- total_users on every day of the series equals a direct count over users
-- (catches a stale incremental series after users were reclassified).
with

daily_series as (

    select
        date_day,
        total_users
    from {{ ref('fct_active_users_daily') }}

),

users as (

    select
        created_date,
        deleted_date
    from {{ ref('int_users_classified') }}
    where not is_excluded

),

recounted as (

    select
        daily_series.date_day,
        daily_series.total_users,
        count(users.created_date) as users_counted
    from daily_series
    left join users
        on daily_series.date_day >= users.created_date
            and (
                users.deleted_date is null
                or daily_series.date_day < users.deleted_date
            )
    group by
        daily_series.date_day,
        daily_series.total_users

)

select *
from recounted
where total_users != users_counted
