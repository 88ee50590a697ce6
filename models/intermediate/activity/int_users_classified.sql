with

users as (

    select * from {{ ref('stg_app__users') }}

),

final as (

    select
        user_id,
        created_at,
        deleted_at,
        last_activity_at as app_last_activity_at,
        coalesce(is_staff, false) as is_staff,
        coalesce(is_test, false) as is_test,
        coalesce(is_staff, false) or coalesce(is_test, false) as is_excluded,
        {{ activity_metrics.utc_to_local_date('created_at') }} as created_date,
        {{ activity_metrics.utc_to_local_date('deleted_at') }} as deleted_date
    from users

)

select * from final
