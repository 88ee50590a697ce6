{% set source_relation = source('app', 'users') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as user_id,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'created_at') }}
            as created_at,
        cast(is_staff as {{ dbt.type_boolean() }}) as is_staff,
        cast(is_test as {{ dbt.type_boolean() }}) as is_test,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'deleted_at') }}
            as deleted_at,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'last_activity_at') }}
            as last_activity_at
    from source

)

select * from renamed
