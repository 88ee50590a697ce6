with

users as (

    select
        user_id,
        created_at,
        deleted_at,
        app_last_activity_at
    from {{ ref('int_users_classified') }}
    where not is_excluded

),

user_days as (

    select
        user_id,
        activity_date,
        first_activity_at,
        last_activity_at,
        last_activity_source
    from {{ ref('fct_user_activity_daily') }}

),

user_days_ranked as (

    select
        user_id,
        activity_date,
        last_activity_at,
        last_activity_source,
        min(first_activity_at) over (partition by user_id) as first_activity_at,
        min(activity_date) over (partition by user_id) as first_activity_date,
        count(*) over (partition by user_id) as active_days,
        row_number() over (
            partition by user_id order by activity_date desc
        ) as recency_rank
    from user_days

),

last_user_days as (

    select
        user_id,
        activity_date as last_activity_date,
        first_activity_at,
        first_activity_date,
        last_activity_at,
        last_activity_source,
        active_days
    from user_days_ranked
    where recency_rank = 1

),

final as (

    select
        users.user_id,
        last_user_days.first_activity_at,
        last_user_days.last_activity_at,
        last_user_days.last_activity_source,
        last_user_days.first_activity_date,
        last_user_days.last_activity_date,
        coalesce(last_user_days.active_days, 0) as active_days,
        users.app_last_activity_at,
        {{ dbt.datediff(
            'users.app_last_activity_at',
            'last_user_days.last_activity_at',
            'second') }} as app_lag_seconds,
        users.created_at,
        users.deleted_at
    from users
    left join last_user_days
        on users.user_id = last_user_days.user_id

)

select * from final
