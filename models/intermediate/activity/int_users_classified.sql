{#-
    One row per user id of the raw users table. A raw row without an id is
    no one's (no activity row can point at it) and is left out; raw rows
    that share an id (a users table without its primary key) become one
    user, classified conservatively: staff or test if any copy says so, the
    earliest signup, a deletion only when every copy is deleted. The stg
    tests unique/not_null warn about both; neither stops the build.
    The user base (what total_users and the percentages divide by) is
    defined here, once: a user belongs to it on the days from
    user_base_joined_date up to, not including, user_base_left_date.
-#}

with

users as (

    select * from {{ ref('stg_app__users') }}
    where user_id is not null

),

merged as (

    select
        user_id,
        min(created_at) as created_at,
        case when count(deleted_at) = count(*) then max(deleted_at) end as deleted_at,
        max(last_activity_at) as last_activity_at,
        max(case when is_staff then 1 else 0 end) = 1 as is_staff,
        max(case when is_test then 1 else 0 end) = 1 as is_test
    from users
    group by user_id

),

classified as (

    select
        user_id,
        created_at,
        deleted_at,
        last_activity_at as app_last_activity_at,
        is_staff,
        is_test,
        is_staff or is_test as is_excluded,
        {{ activity_metrics.utc_to_local_date('created_at') }} as created_date,
        {{ activity_metrics.utc_to_local_date('deleted_at') }} as deleted_date
    from merged

),

final as (

    select
        user_id,
        created_at,
        deleted_at,
        app_last_activity_at,
        is_staff,
        is_test,
        is_excluded,
        created_date,
        deleted_date,
        -- in the user base: counted, signed up, not deleted on the day of signup
        -- or before it (a deletion dated before the signup is a user who never was)
        case
            when not is_excluded
                and created_date is not null
                and (deleted_date is null or deleted_date > created_date)
                then created_date
        end as user_base_joined_date,
        case
            when not is_excluded
                and created_date is not null
                and deleted_date > created_date
                then deleted_date
        end as user_base_left_date
    from classified

)

select * from final
